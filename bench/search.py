"""Search and proposals at scale, against the same SQL run raw (issue 9's benchmark).

    DATABASE_URL=postgres://… python bench/search.py [--samples 40]

On a database filled by ``manage.py generate_data --claims N``, warm cache: for sampled queries
(words in English and in French with and without accents, entity names and aliases, several
words) it times the claims list's search (the newest 1,000 matches ranked: count + first page
of 25, best first) and, for
sampled passages (quotes, cut and altered), the proposals of existing claims. Each is timed
through Django, then its captured SQL is run raw on the same connection: the ratio is what
Django and our Python add. Prints p50 / p95 of both, and the ratio of the p50s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims.demo.generate import WORDS  # noqa: E402
from claims.filters import ClaimFilter  # noqa: E402
from claims.models import Alias, Appearance, Claim, Entity  # noqa: E402
from claims.services import propose_claims  # noqa: E402


def search_page(query: str) -> None:
    """What the claims list does for ``?q=``: the filter (the newest matches, ranked), their
    count and the first page with what its rows show."""
    claims = ClaimFilter({"q": query}, queryset=Claim.objects.all()).qs
    claims = claims.with_counts().select_related("verdict", "subject", "assignee")
    claims = claims.order_by("-search_rank", "-updated_at", "-pk")
    claims.count()
    list(claims[:25])


def timed(call) -> tuple[float, float]:
    """(seconds through Django, seconds of the same SQL run raw)."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        call()
        through_django = time.perf_counter() - started
    raw = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            started = time.perf_counter()
            cursor.execute(query["sql"])
            cursor.fetchall()
            raw += time.perf_counter() - started
    return through_django, raw


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name, timings):
    django_times = [t for t, _ in timings]
    raw_times = [r for _, r in timings]
    p50, raw50 = statistics.median(django_times), statistics.median(raw_times)
    print(
        f"| {name} | {1000 * p50:.1f} | {1000 * percentile(django_times, 0.95):.1f} "
        f"| {1000 * raw50:.1f} | {1000 * percentile(raw_times, 0.95):.1f} | {p50 / raw50:.2f} |"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    entity_names = list(Entity.objects.order_by("?").values_list("name", flat=True)[:200])
    aliases = list(Alias.objects.order_by("?").values_list("name", flat=True)[:200])
    quotes = list(Appearance.objects.order_by("?").values_list("quote", flat=True)[:200])
    queries = []
    for _ in range(args.samples):
        english, french = rng.choice(WORDS)
        queries.append(
            rng.choice(
                [
                    english,
                    french,
                    french.upper(),
                    rng.choice(entity_names),
                    rng.choice(aliases),
                    f"{rng.choice(WORDS)[1]} {rng.choice(entity_names).split()[0]}",
                ]
            )
        )
    passages = []
    for quote in rng.sample(quotes, min(len(quotes), args.samples)):
        words = quote.split()
        cut = words[rng.randint(0, 3) : len(words) - rng.randint(0, 3)]
        passages.append(" ".join(cut))

    for query in queries[:5]:  # warm the cache
        search_page(query)
    for passage in passages[:5]:
        propose_claims(passage)

    print(
        f"{Claim.objects.count():,} claims, {Appearance.objects.count():,} versions, "
        f"{Entity.objects.count():,} entities; {connection.vendor}; {args.samples} samples"
    )
    print("| | p50 ms | p95 ms | raw SQL p50 ms | raw SQL p95 ms | p50 ÷ raw p50 |")
    print("|---|---|---|---|---|---|")
    report("search (count + first page)", [timed(lambda q=q: search_page(q)) for q in queries])
    report("proposals for a passage", [timed(lambda p=p: propose_claims(p)) for p in passages])


if __name__ == "__main__":
    main()
