"""The desk's full dump: one JSON document holding everything the import reads — entities with
their aliases, sources with their texts and who cites whom, claims, their versions, evidence
and searches, conflicts with their decisions, and the review history (README, "The full
dump").

The document is relational, one top-level list a table, each in the order its rows were made:
an item refers to items of earlier lists by their ``id``, its rank in its list (1, 2, 3…) —
so that a dump imported into an empty database and dumped again is the same file, whatever
ids the database gives. People are named by their user names; claims carry their
``external_id``, by which an import finds them again.

Both directions stream: the writer reads a chunk of rows at a time, and the reader parses the
file as it goes (ijson), so neither holds the desk in memory."""

import json
from array import array
from bisect import bisect_left
from collections.abc import Iterator

import ijson
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _

from claims.dates import precise_date_text
from claims.exports import version_value
from claims.models import (
    Appearance,
    Citation,
    Claim,
    Conflict,
    Entity,
    Evidence,
    ReviewEvent,
    SearchRecord,
    Source,
    ValueType,
)

from .records import Record

FORMAT = "claim-tracker-dump"
VERSION = 1
CHUNK = 1000
# The lists of a dump, in the order they are written and read.
SECTIONS = [
    "entities", "sources", "citations", "claims", "versions", "evidence", "searches",
    "conflicts", "events",
]  # fmt: skip


class Ordinals:
    """The dump's ids of a table's rows: their rank by primary key, 1 for the first. Eight
    bytes a row (the sorted keys), whatever the table's size."""

    def __init__(self, queryset):
        self.keys = array(
            "q", queryset.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=CHUNK)
        )

    def __call__(self, pk: int | None) -> int | None:
        """The row's id in the dump; None for no row, or for a row not in the table (an event
        keeps the id of a conflict deleted with its version)."""
        if pk is None:
            return None
        rank = bisect_left(self.keys, pk)
        return rank + 1 if rank < len(self.keys) and self.keys[rank] == pk else None


def _time(value) -> str | None:
    return None if value is None else value.isoformat()


def _rows(queryset) -> Iterator:
    return queryset.order_by("pk").iterator(chunk_size=CHUNK)


class _Writer:
    def __init__(self):
        self.entity = Ordinals(Entity.objects)
        self.source = Ordinals(Source.objects)
        self.claim = Ordinals(Claim.objects)
        self.version = Ordinals(Appearance.objects)
        self.conflict = Ordinals(Conflict.objects)
        self.people = dict(get_user_model().objects.values_list("pk", "username"))

    def person(self, pk: int | None) -> str | None:
        return None if pk is None else self.people[pk]

    def entities(self):
        for entity in _rows(Entity.objects.prefetch_related("aliases")):
            yield {
                "id": self.entity(entity.pk),
                "name": entity.name,
                "kind": entity.kind,
                "wikidata_id": entity.wikidata_id,
                "description": entity.description,
                "aliases": [
                    {"name": alias.name, "language": alias.language}
                    for alias in sorted(entity.aliases.all(), key=lambda alias: alias.pk)
                ],
                "created_at": _time(entity.created_at),
            }

    def sources(self):
        for source in _rows(Source.objects):
            yield {
                "id": self.source(source.pk),
                "title": source.title,
                "url": source.url,
                "publisher": self.entity(source.publisher_id),
                "kind": source.kind,
                "language": source.language,
                "published": precise_date_text(source, "published_on"),
                "author": source.author,
                "text": source.text,
                "added_by": self.person(source.added_by_id),
                "created_at": _time(source.created_at),
            }

    def citations(self):
        for citation in _rows(Citation.objects):
            yield {
                "source": self.source(citation.citing_id),
                "cites": self.source(citation.cited_id),
                "kind": citation.kind,
                "note": citation.note,
                "added_by": self.person(citation.added_by_id),
                "created_at": _time(citation.created_at),
            }

    def claims(self):
        for claim in _rows(Claim.objects.select_related("verdict", "proposed_verdict")):
            yield {
                "id": self.claim(claim.pk),
                "external_id": claim.external_id,
                "statement": claim.statement,
                "subject": self.entity(claim.subject_id),
                "property": claim.property,
                "value_type": claim.value_type,
                "tolerance": None if claim.tolerance is None else str(claim.tolerance),
                "compare_text": claim.compare_text,
                "changes_over_time": claim.changes_over_time,
                "recorded_by": self.entity(claim.recorded_by_id),
                "status": claim.status,
                "verdict": claim.verdict.slug if claim.verdict else None,
                "proposed_verdict": (
                    claim.proposed_verdict.slug if claim.proposed_verdict else None
                ),
                "proposed_by": self.person(claim.proposed_by_id),
                "proposal_note": claim.proposal_note,
                "assignee": self.person(claim.assignee_id),
                "merged_into": self.claim(claim.merged_into_id),
                "created_by": self.person(claim.created_by_id),
                "created_at": _time(claim.created_at),
            }

    def versions(self):
        entities = Prefetch("value_entities", queryset=Entity.objects.only("pk"))
        # Each version's claim is read for its value type only.
        versions = Appearance.objects.annotate(value_type=F("claim__value_type"))
        for version in _rows(versions.prefetch_related(entities)):
            yield {
                "id": self.version(version.pk),
                "claim": self.claim(version.claim_id),
                "source": self.source(version.source_id),
                "speaker": self.entity(version.speaker_id),
                "speaker_description": version.speaker_description,
                "attribution": version.attribution,
                "quote": version.quote,
                "start": version.start,
                "end": version.end,
                "said_on": precise_date_text(version, "said_on"),
                "as_of": precise_date_text(version, "as_of"),
                "value": self.value(version),
                "rank": version.rank,
                "rank_reason": version.rank_reason,
                "added_by": self.person(version.added_by_id),
                "created_at": _time(version.created_at),
            }

    def value(self, version: Appearance):
        """The value a version states, as its claim's value type reads it (None: none)."""
        if version.value_type == ValueType.ENTITIES:
            return sorted(self.entity(e.pk) for e in version.value_entities.all()) or None
        return version_value(version, version.value_type)

    def evidence(self):
        for item in _rows(Evidence.objects):
            yield {
                "claim": self.claim(item.claim_id),
                "source": self.source(item.source_id),
                "stance": item.stance,
                "note": item.note,
                "added_by": self.person(item.added_by_id),
                "created_at": _time(item.created_at),
            }

    def searches(self):
        for record in _rows(SearchRecord.objects):
            yield {
                "claim": self.claim(record.claim_id),
                "searched": record.searched,
                "url": record.url,
                "query": record.query,
                "covered_from": _time(record.covered_from),
                "covered_to": _time(record.covered_to),
                "searched_on": _time(record.searched_on),
                "found_nothing": record.found_nothing,
                "found": record.found,
                "added_by": self.person(record.added_by_id),
                "created_at": _time(record.created_at),
            }

    def conflicts(self):
        for conflict in _rows(Conflict.objects):
            yield {
                "id": self.conflict(conflict.pk),
                "claim": self.claim(conflict.claim_id),
                "versions": [
                    self.version(conflict.appearance_a_id),
                    self.version(conflict.appearance_b_id),
                ],
                "origin": conflict.origin,
                "kind": conflict.kind,
                "detail": conflict.detail,
                "timing": conflict.timing,
                "state": conflict.state,
                "resolution": conflict.resolution,
                "resolution_note": conflict.resolution_note,
                "prevailing": self.version(conflict.prevailing_id),
                "flagged_by": self.person(conflict.flagged_by_id),
                "resolved_by": self.person(conflict.resolved_by_id),
                "resolved_at": _time(conflict.resolved_at),
                "created_at": _time(conflict.created_at),
            }

    def events(self):
        for event in _rows(ReviewEvent.objects):
            yield {
                "claim": self.claim(event.claim_id),
                "at": _time(event.created_at),
                "actor": self.person(event.actor_id),
                "action": event.action,
                "from": event.old_value,
                "to": event.new_value,
                "note": event.note,
                "conflict": self.conflict(event.conflict_id),
            }


def desk_dump() -> Iterator[str]:
    """The whole desk as the text of one JSON document, a row at a time. Read in one
    transaction (on PostgreSQL a repeatable-read snapshot, when not inside another), so that
    every id it refers to is in it."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and len(connection.savepoint_ids) == 0:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        writer = _Writer()
        yield f'{{"format": "{FORMAT}", "version": {VERSION}'
        for section in SECTIONS:
            yield f',\n"{section}": ['
            for number, item in enumerate(getattr(writer, section)()):
                yield ("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False)
            yield "\n]"
        yield "\n}\n"


def read_dump(file) -> Iterator[Record]:
    """The records of a dump (a binary file), in the order of the file: one pass, an item at a
    time. A file that is not such a dump yields one record of kind ``"invalid"``."""
    builder, depth = None, 0
    section, index = None, -1
    seen_format = False
    try:
        for prefix, event, value in ijson.parse(file, use_float=False):
            if builder is not None:
                builder.event(event, value)
                depth += event in ("start_map", "start_array")
                depth -= event in ("end_map", "end_array")
                if depth == 0:
                    yield Record(section, f"{section}[{index}]", builder.value)
                    builder = None
                continue
            if prefix == "format" and event == "string":
                seen_format = value == FORMAT
            elif prefix == "version" and event == "number" and value != VERSION:
                message = _(
                    "This dump is of version %(version)s; this tracker reads version %(ours)d."
                )
                yield Record("invalid", "version", message % {"version": value, "ours": VERSION})
                return
            elif prefix in SECTIONS and event == "start_array":
                section, index = prefix, -1
            elif section and prefix == f"{section}.item":
                index += 1
                if event in ("start_map", "start_array"):
                    builder, depth = ijson.ObjectBuilder(), 1
                    builder.event(event, value)
                else:
                    yield Record(section, f"{section}[{index}]", value)
    except ijson.JSONError as error:
        yield Record("invalid", "", _("The file is not valid JSON: %(error)s") % {"error": error})
        return
    if not seen_format:
        message = _("This is not a dump of this tracker: its “format” is not “%(format)s”.")
        yield Record("invalid", "format", message % {"format": FORMAT})
