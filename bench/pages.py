"""The pages ``bench/run`` measures, and how: through the test client, then their SQL raw."""

import statistics
import time
import tracemalloc
from contextlib import contextmanager
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client

from claims.models import Appearance, Claim, Conflict, Entity, ReviewEvent, Source

RESCAN_TARGET_S = 120


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextmanager
def captured(statements: list):
    """Every statement run inside, with its parameters, as the driver received them."""

    def wrapper(execute, sql, params, many, context):
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def floor(statements, repeat: int) -> list[float]:
    """The statements run raw through psycopg (or sqlite3), ``repeat`` times: seconds each."""
    raw = connection.connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        cursor = raw.cursor()
        for sql, params, many in statements:
            if connection.vendor == "sqlite":
                sql = sql.replace("%s", "?")
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params or ())
                if cursor.description:
                    cursor.fetchall()
        cursor.close()
        times.append(time.perf_counter() - started)
    return times


def _busiest(field: str) -> int:
    """The id the most versions name in ``field``."""
    counted = Appearance.objects.values(field).annotate(n=Count("id")).order_by("-n")
    return counted.values_list(field, flat=True)[0]


def samples() -> dict:
    """The rows the pages are asked about: the busiest speaker and source, a claim with
    several versions and an open conflict, words to search."""
    speaker, source = _busiest("speaker_id"), _busiest("source_id")
    conflict = Conflict.objects.open().order_by("pk").first()
    claim = conflict.claim_id if conflict else Claim.objects.order_by("pk").first().pk
    quote = Appearance.objects.filter(claim_id=claim).values_list("quote", flat=True).first()
    return {
        "speaker": speaker,
        "speaker_name": Entity.objects.get(pk=speaker).name,
        "source": source,
        "claim": claim,
        "quote": " ".join(quote.split()[2:14]),
        "word": "sécurité",
    }


def pages(s: dict) -> list[tuple[str, str, int]]:
    """(figure, URL, target ms)."""
    name = s["speaker_name"].replace(" ", "+")
    t, admin = 150, 300
    return [
        ("claims list, page 1", "/claims/", t),
        ("claims list, page 50", "/claims/?page=50", t),
        ("claims list, filtered by speaker", f"/claims/?speaker={name}", t),
        ("claims list, text search", f"/claims/?q={s['word']}", t),
        ("claims list, speaker + open conflict", f"/claims/?speaker={name}&has_open_conflict=1", t),
        (
            "claims list, reviewed + verdict + French",
            "/claims/?status=reviewed&verdict=1&language=fr",
            t,
        ),
        ("claims list, by statement", "/claims/?ordering=statement", t),
        ("speaker page (busiest speaker)", f"/entities/{s['speaker']}/", t),
        ("unreviewed queue", "/queues/unreviewed/", t),
        ("open conflicts queue", "/queues/conflicts/", t),
        ("dashboard", "/", t),
        ("source list", "/sources/", t),
        ("claim page", f"/claims/{s['claim']}/", t),
        ("source page (busiest source)", f"/sources/{s['source']}/", t),
        ("header search", f"/search/?q={s['word']}", t),
        ("proposals for a passage", f"/claims/similar/?quote={s['quote']}", t),
        ("API claims list", "/api/claims/", t),
        ("API claim", f"/api/claims/{s['claim']}/", t),
        ("admin claim change list", "/admin/claims/claim/", admin),
        ("admin version change list", "/admin/claims/appearance/", admin),
        ("admin source change list", "/admin/claims/source/", admin),
    ]


def measure(client: Client, figure: str, url: str, target: int, repeat: int) -> dict:
    started = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    statements = []
    with captured(statements):
        response = client.get(url)
    if cold > 2:
        repeat = min(repeat, 3)  # seconds a request: a few say enough, and the run ends
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        warm.append(time.perf_counter() - started)
    raw = floor(statements, repeat)
    p50, floor50 = statistics.median(warm) * 1000, statistics.median(raw) * 1000
    return {
        "figure": figure,
        "url": url,
        "cold_ms": cold * 1000,
        "p50_ms": p50,
        "p95_ms": percentile(warm, 0.95) * 1000,
        "floor_ms": floor50,
        "ratio": p50 / floor50 if floor50 else 0.0,
        "queries": len(statements),
        "bytes": len(response.content),
        "target": f"≤ {target} ms, ≤ 2 × floor + 15",
        "pass": p50 <= target and p50 <= 2 * floor50 + 15,
    }


def full_rescan() -> dict:
    """``manage.py detect_conflicts`` over every claim: nothing changes, every fact compared."""
    started = time.perf_counter()
    call_command("detect_conflicts", stdout=StringIO())
    seconds = time.perf_counter() - started
    return {
        "figure": "detect_conflicts, every claim",
        "value": f"{seconds:.1f} s",
        "seconds": seconds,
        "target": f"≤ {RESCAN_TARGET_S} s",
        "pass": seconds <= RESCAN_TARGET_S,
    }


def _stream(client: Client, url: str, watch=None) -> tuple[int, int]:
    """Read a streamed response to its end: (bytes, lines); ``watch(lines)`` after each
    chunk."""
    size = rows = 0
    for chunk in client.get(url).streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
        if watch:
            watch(rows)
    return size, rows


def export(client: Client) -> dict:
    """The CSV export of about 100,000 claims (the newest), streamed: its speed, then its
    memory in a second run (tracing every allocation slows Python several times). Flat: what
    is held while the second half of the rows is streamed is what was held during the first
    (after its first tenth, which starts from nothing): a chunk of claims at a time, whatever
    the rows. Compared by their medians: held memory rises and falls by a chunk's models as
    each is read and let go, and what was held at two moments fell either side of that by
    chance (19 then 10 MB in one run, 10 then 20 in another)."""
    url = "/claims/export.csv?status=in_review"
    started = time.perf_counter()
    size, rows = _stream(client, url)
    seconds = time.perf_counter() - started
    held = []  # (rows streamed, memory held then), at each hundredth of the rows: a sample
    # at every chunk (100,000 of them) grew the list by the 10 MB it was measuring

    def watch(done: int) -> None:
        if done >= len(held) * rows / 100:
            held.append((done, tracemalloc.get_traced_memory()[0]))

    tracemalloc.start()
    _stream(client, url, watch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    early = statistics.median(m for done, m in held if rows / 10 < done <= rows / 2)
    late = statistics.median(m for done, m in held if done > rows / 2)
    return {
        "figure": f"CSV export, {rows:,} rows",
        "value": (
            f"{seconds:.1f} s ({seconds / max(rows, 1) * 1000:.2f} ms a row), "
            f"{size / 1e6:.0f} MB sent; memory held {early / 1e6:.0f} MB (median) in the first "
            f"half of the rows, {late / 1e6:.0f} MB in the second, peak {peak / 1e6:.0f} MB"
        ),
        "seconds": seconds,
        "peak_bytes": peak,
        "target": "streamed, flat: held in the second half ≤ in the first + 5 MB",
        "pass": late <= early + 5e6,
    }


def measure_all(*, repeat: int, rescan: bool = True) -> dict:
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    s = samples()
    corpus = (
        f"{Claim.objects.count():,} claims, {Appearance.objects.count():,} versions, "
        f"{Source.objects.count():,} sources, {Entity.objects.count():,} entities, "
        f"{ReviewEvent.objects.count():,} review events, {Conflict.objects.count():,} "
        f"conflicts; {connection.vendor}; {repeat} warm requests a page"
    )
    print(corpus)
    rows = []
    for figure, url, target in pages(s):
        row = measure(client, figure, url, target, repeat)
        print(f"  {figure}: p50 {row['p50_ms']:.1f} ms, floor {row['floor_ms']:.1f} ms")
        rows.append(row)
    jobs = [export(client), *([full_rescan()] if rescan else [])]
    return {"corpus": corpus, "samples": s, "pages": rows, "jobs": jobs}
