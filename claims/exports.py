"""The claims list's exports, of exactly the filtered claims: CSV (a row a claim, what the
list shows) and JSON (each claim with its versions). Both are generators of text, read in
chunks of claims: a response streams them, and memory does not grow with the claims."""

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from .dates import precise_date_text
from .models import Appearance, Claim, ValueType

CHUNK = 500

CSV_COLUMNS = [
    "id", "statement", "status", "verdict", "subject", "property", "assignee", "versions",
    "open_conflicts", "updated_at",
]  # fmt: skip


class _Echo:
    """The file csv.writer writes to: each row comes back as text."""

    def write(self, text: str) -> str:
        return text


def _csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def claims_csv(claims) -> Iterator[str]:
    """``claims`` (from ``Claim.objects.with_counts()``, subject, verdict and assignee joined)
    as CSV lines."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for claim in claims.iterator(chunk_size=CHUNK):
        row = [
            claim.pk,
            claim.statement,
            claim.status,
            claim.verdict.label if claim.verdict else "",
            claim.subject.name if claim.subject else "",
            claim.property,
            claim.assignee.get_username() if claim.assignee else "",
            claim.appearance_count,
            claim.open_conflict_count,
            claim.updated_at.isoformat(),
        ]
        yield writer.writerow([_csv_cell(value) for value in row])


def version_value(version: Appearance, value_type: str):
    """A version's value as JSON: names for entities, a string for a number (no float
    rounding) or a date (as precise as it was said: "2021", "2022-05", "2018-06-26")."""
    if value_type == ValueType.ENTITIES:
        return sorted(entity.name for entity in version.value_entities.all()) or None
    if value_type == ValueType.NUMBER:
        return None if version.value_number is None else str(version.value_number)
    if value_type == ValueType.DATE:
        return precise_date_text(version, "value_date")
    if value_type == ValueType.TEXT:
        return version.value_text or None
    if value_type == ValueType.BOOLEAN:
        return version.value_boolean
    return None


def claim_json(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "statement": claim.statement,
        "status": claim.status,
        "verdict": claim.verdict.slug if claim.verdict else None,
        "subject": claim.subject.name if claim.subject else None,
        "property": claim.property,
        "value_type": claim.value_type,
        "tolerance": None if claim.tolerance is None else str(claim.tolerance),
        "assignee": claim.assignee.get_username() if claim.assignee else None,
        "open_conflicts": claim.open_conflict_count,
        "updated_at": claim.updated_at.isoformat(),
        "versions": [
            {
                "id": version.pk,
                "source": {
                    "id": version.source_id,
                    "title": version.source.title,
                    "url": version.source.url or None,
                },
                "speaker": version.speaker.name if version.speaker else None,
                "attribution": version.attribution,
                "quote": version.quote,
                "start": version.start,
                "end": version.end,
                "said_on": precise_date_text(version, "said_on"),
                "as_of": precise_date_text(version, "as_of"),
                "value": version_value(version, claim.value_type),
                "rank": version.rank,
            }
            for version in claim.appearances.all()
        ],
    }


def claims_json(claims) -> Iterable[str]:
    """``claims`` as the text of one JSON array, a claim at a time; versions read a chunk of
    claims at a time."""
    versions = Appearance.objects.select_related("source", "speaker").prefetch_related(
        "value_entities"
    )
    claims = claims.prefetch_related(Prefetch("appearances", queryset=versions.order_by("pk")))
    yield "["
    for number, claim in enumerate(claims.iterator(chunk_size=CHUNK)):
        yield ("," if number else "") + "\n" + json.dumps(claim_json(claim))
    yield "\n]\n"
