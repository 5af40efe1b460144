"""The claims list's exports, of exactly the filtered claims: CSV (a row a claim, or a row a
version) and JSON (each claim with its versions). Both are generators of text, read in
chunks of claims: a response streams them, and memory does not grow with the claims."""

import csv
import json
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from .dates import precise_date_text
from .models import DATED_TYPES, Appearance, Claim, ValueType
from .services import current_value_of
from .text import normalize_name

CHUNK = 500

# The CSV's columns are codes, the same in every language (scripts read them); each coded
# cell has its label beside it, in the reader's language.
CSV_COLUMNS = [
    "id", "statement", "status", "status_label", "verdict", "verdict_label", "subject",
    "property", "value_type", "current_value", "versions", "sources", "open_conflicts",
    "assignee", "last_activity", "url",
]  # fmt: skip
VERSION_CSV_COLUMNS = [
    "claim_id", "statement", "version_id", "source", "source_url", "published_on", "speaker",
    "attribution", "attribution_label", "quote", "said_on", "as_of", "value", "rank",
    "rank_label", "url",
]  # fmt: skip
# Excel reads a CSV as the system's code page unless it starts with a byte order mark: without
# it, "Niamey, 2 mars" comes out "2 mars" but "Déclaration" as "DÃ©claration".
BOM = "\ufeff"


class _Echo:
    """The file csv.writer writes to: each row comes back as text."""

    def write(self, text: str) -> str:
        return text


def _csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _with_versions(claims):
    """``claims`` read a chunk at a time, each with its versions (sources, speakers and
    entities): three queries a chunk."""
    versions = Appearance.objects.with_values().select_related("speaker").order_by("pk")
    return claims.prefetch_related(Prefetch("appearances", queryset=versions)).iterator(
        chunk_size=CHUNK
    )


def _shown(value) -> str:
    """A version's value in a cell: a set's names joined, yes / no in the reader's language."""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return "" if value is None else str(value)


def export_name(kind: str, filters: dict, extension: str) -> str:
    """A file name that says what the file holds: ``claims-2026-11-26-status-new-q-maroc.csv``
    — the kind, today's date and the filters (folded to ASCII, at most 60 characters)."""
    chosen = [
        f"{name}-{'-'.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in filters.items()
        if value not in (None, "", []) and name != "ordering"
    ]
    described = slugify(normalize_name(" ".join(chosen)))[:60].strip("-")
    parts = [kind, timezone.localdate().isoformat(), described]
    return "-".join(part for part in parts if part) + f".{extension}"


def claims_csv(claims, *, link: Callable[[str], str]) -> Iterator[str]:
    """``claims`` (from ``Claim.objects.with_counts()``, subject, verdict and assignee joined)
    as CSV lines, a claim a row with its current value; ``link`` makes a path absolute."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(CSV_COLUMNS)
    for claim in _with_versions(claims):
        versions = list(claim.appearances.all())
        current = current_value_of(claim, versions)
        row = [
            claim.pk,
            claim.statement,
            claim.status,
            claim.get_status_display(),
            claim.verdict.slug if claim.verdict else "",
            str(claim.verdict) if claim.verdict else "",
            claim.subject.name if claim.subject else "",
            claim.property,
            claim.value_type,
            current.text,
            len(versions),
            len({version.source_id for version in versions}),
            claim.open_conflicts,
            claim.assignee.get_username() if claim.assignee else "",
            claim.last_activity_at.isoformat(),
            link(reverse("claims:claim-detail", args=[claim.pk])),
        ]
        yield writer.writerow([_csv_cell(value) for value in row])


def versions_csv(claims, *, link: Callable[[str], str]) -> Iterator[str]:
    """The versions of ``claims`` as CSV lines, a version a row, claim by claim."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(VERSION_CSV_COLUMNS)
    for claim in _with_versions(claims):
        for version in claim.appearances.all():
            value = version_value(version, claim.value_type)
            row = [
                claim.pk,
                claim.statement,
                version.pk,
                version.source.title,
                version.source.url,
                version.source.published_label,
                version.speaker.name if version.speaker else version.speaker_description,
                version.attribution,
                version.get_attribution_display(),
                version.quote,
                precise_date_text(version, "said_on") or "",
                precise_date_text(version, "as_of") or "",
                _shown(value),
                version.rank,
                version.get_rank_display(),
                link(reverse("claims:claim-detail", args=[claim.pk])),
            ]
            yield writer.writerow([_csv_cell(cell) for cell in row])


def version_value(version: Appearance, value_type: str):
    """A version's value as JSON: names for entities, a string for a number (no float
    rounding) or a date (as precise as it was said: "2021", "2022-05", "2018-06-26")."""
    if value_type == ValueType.ENTITIES:
        return sorted(entity.name for entity in version.value_entities.all()) or None
    if value_type == ValueType.NUMBER:
        return None if version.value_number is None else str(version.value_number)
    if value_type in DATED_TYPES:
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
        "open_conflicts": claim.open_conflicts,
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
                "speaker_description": version.speaker_description,
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
