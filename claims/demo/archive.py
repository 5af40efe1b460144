"""A partner's archive as a CSV of versions, for the import's benchmark and tests: same seed,
same rows. Shaped like a fact-checker's archive: a claim has one to four versions (the mean
is two), quoted in articles that each quote several claims, by speakers of whom a few say
most; two claims in five are structured (a number, or a set of entities), and their versions
mostly agree; half the claims come with a verdict of the desk's scale."""

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta

from claims.interchange.table import COLUMNS

from .generate import Vocabulary, _skewed, _word

VERDICTS = ["accurate", "Mostly accurate", "trompeur", "Inexact", "unverifiable"]
PROPERTIES = {
    "none": [""],
    "number": [f"{what} in {year}" for what in ("population", "budget", "members", "deaths",
               "arrests", "jobs") for year in range(2010, 2025)],
    "entities": [f"{what} {n}" for what in ("co-chairs", "members", "signatories", "partners")
                 for n in range(10)],
}  # fmt: skip
VERSIONS = [1, 2, 3, 4]
VERSION_WEIGHTS = [4, 3, 2, 1]


def _names(rng: random.Random, count: int) -> list[str]:
    return [f"{_word(rng)} {_word(rng)}" for _ in range(count)]


def archive_rows(versions: int, *, seed: int = 1) -> Iterator[dict]:
    """``versions`` rows (about half as many claims), as a CSV's cells by column."""
    rng = random.Random(seed)
    people = _names(rng, max(10, versions // 50))
    subjects = _names(rng, max(10, versions // 30))
    members = _names(rng, 60)
    articles = max(1, versions // 6)
    vocabulary = Vocabulary.of("en")
    written, claim = 0, 0
    while written < versions:
        claim += 1
        statement = " ".join(vocabulary.draw(rng, rng.randint(8, 20))).capitalize() + "."
        kind = rng.choices(["none", "number", "entities"], weights=[6, 2, 2])[0]
        value = ""
        if kind == "number":
            value = str(rng.randint(1, 10_000))
        elif kind == "entities":
            value = "; ".join(sorted(set(rng.sample(members, rng.randint(1, 3)))))
        verdict = rng.choice(VERDICTS) if rng.random() < 0.5 else ""
        subject = rng.choice(subjects) if kind != "none" else ""
        prop = rng.choice(PROPERTIES[kind])
        for _ in range(min(versions - written, rng.choices(VERSIONS, VERSION_WEIGHTS)[0])):
            written += 1
            article = rng.randrange(articles)
            # An article has one date, and what it reports was said in the month before.
            published = date(2015, 2, 1) + timedelta(days=article * 7919 % 3650)
            said = published - timedelta(days=rng.randrange(28))
            stated = value
            if kind == "number" and rng.random() < 0.05:  # a version that disagrees
                stated = str(int(value) + rng.randint(1, 50))
            yield {
                "claim_id": f"archive-{seed}-{claim}",
                "statement": statement,
                "subject": subject,
                "property": prop,
                "value_type": kind,
                "value": stated,
                "speaker": people[_skewed(rng, len(people))],
                "attribution": "reported",
                "quote": " ".join(vocabulary.draw(rng, rng.randint(6, 18))),
                "said_on": said.isoformat(),
                "source_url": f"https://archive.example.org/{seed}/{article}",
                "source_title": f"Article {article}",
                "source_language": "en",
                "source_published": published.isoformat()[:7],
                "verdict": verdict,
            }


def write_archive(path, versions: int, *, seed: int = 1) -> None:
    """Write ``archive_rows`` to ``path`` as CSV, a row at a time."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(archive_rows(versions, seed=seed))
