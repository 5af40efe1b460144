"""Importing a file's records (README, "Import"): the domain rules of the services, applied a
batch at a time — each row validated as the services validate it, written with bulk inserts
and their history, the engine run once per batch of facts — in one transaction that is
rolled back when any record has a problem, so that a file comes in whole or not at all.

Matching, so that importing a file again changes nothing: an entity by its name or an alias
(case and accents aside), a source by its URL, else its text (its content hash), a claim by
its external id, a version by its claim, source, quote and place, evidence by its claim and
source, a conflict by its pair of versions, a review event by its claim, time and step. What
is found is left as the desk has it; the report counts it as unchanged."""

import datetime
import functools
import gc
import hashlib
import json
import logging
import operator
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from itertools import groupby

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import policy
from claims.dates import PreciseDate
from claims.interchange import records_of
from claims.interchange.dump import desk_dump
from claims.interchange.records import ImportReport, Record
from claims.models import (
    DATED_TYPES,
    Alias,
    Appearance,
    Attribution,
    Citation,
    CitationKind,
    Claim,
    ClaimStatus,
    Conflict,
    ConflictKind,
    ConflictOrigin,
    ConflictResolution,
    ConflictState,
    ConflictTiming,
    Entity,
    EntityKind,
    Evidence,
    ImportJob,
    ImportStatus,
    Rank,
    RatingMapping,
    ReviewAction,
    ReviewEvent,
    SearchRecord,
    Source,
    SourceKind,
    Stance,
    TrackRecord,
    ValueType,
    Verdict,
)
from claims.text import normalize_name, normalize_text, search_document

from .base import IDS_PER_STATEMENT, history_in_bulk, insert_rows, service_context
from .citations import cited_by, reachable
from .conflicts import all_facts_locked, detect_facts, fingerprint, versions_of
from .search import refresh_search, search_new_claims

BATCH = 1000
# The sources and entities of earlier batches remembered, at most (some MB).
KNOWN_LIMIT = 10_000
# The engine's batch at the end: the facts of this many claims compared in one run.
DETECTION_BATCH = 500


# What importing needs: an editor's role.
IMPORT_ACTIONS = ["add_entity", "add_source", "add_claim", "record_appearance", "add_evidence"]
logger = logging.getLogger(__name__)


class _RolledBack(Exception):
    """Undo the import's transaction: it had problems, or was a dry run."""


def import_records(
    *,
    records: Iterable[Record],
    by,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> ImportReport:
    """Import ``records`` (from ``claims.interchange``'s readers) as ``by``, all or nothing:
    the report lists every problem, with its place in the file and its field, and when it
    lists any, nothing was written. ``dry_run`` checks the whole file and writes nothing.
    ``progress`` is told how many records have been read, after each batch."""
    for action in IMPORT_ACTIONS:
        policy.require(by, action)
    report = ImportReport()
    try:
        with service_context(), transaction.atomic(), all_facts_locked():
            importer = _Importer(by=by, report=report)
            importer.run(records, progress=progress, batch_size=batch_size)
            if not report.ok or dry_run:
                raise _RolledBack
    except _RolledBack:
        pass
    # A batch checks each step for all its records before the next: list them in file order.
    report.problems.sort(key=lambda problem: problem.position)
    return report


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


class _Fields:
    """A record's fields, read with the problems reported at the record's place and under the
    file's name for the field. ``names`` maps a model field to the file's name for it."""

    def __init__(self, importer: "_Importer", record: Record, names: dict | None = None):
        self.importer = importer
        self.position = record.position
        self.where = record.where
        self.names = names or {}
        self.failed = False
        self.problems = 0  # how many the record had, told or not
        self.told: set[str] = set()
        self.data = record.data if isinstance(record.data, dict) else {}
        if not isinstance(record.data, dict):
            self.problem("", _("expected an object with named fields"))

    def problem(self, name: str, message: str) -> None:
        """Report a problem with the field ``name`` (the model's or the file's name); the first
        one a field has is enough, and a record that is not an object has only that one."""
        name = self.names.get(name, name)
        self.problems += 1
        if name in self.told or "" in self.told and not self.data:
            self.failed = True
            return
        self.told.add(name)
        self.importer.report.problem(self.where, name, message, position=self.position)
        self.failed = True

    def given(self, name: str) -> bool:
        return self.data.get(name) not in (None, "")

    def text(self, name: str, *, required: bool = False) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.problem(name, _("This field is required."))
            return ""
        if not isinstance(value, str):
            self.problem(name, _("expected text"))
            return ""
        return str(value)

    def integer(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(name, _("“%(value)s” is not a whole number.") % {"value": value})
            return None
        return value

    def choice(self, name: str, choices: type[models.TextChoices], default: str = "") -> str:
        value = self.text(name) or default
        if value and value not in _values_of(choices):
            self.problem(
                name,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value[:40], "choices": ", ".join(choices.values)},
            )
            return default
        return value

    def date(self, name: str) -> tuple[datetime.date | None, str]:
        value = self.text(name)
        if not value:
            return None, ""
        try:
            date = PreciseDate.parse(value)
        except ValueError as error:
            self.problem(name, str(error))
            return None, ""
        return date.value, date.precision

    def timestamp(self, name: str) -> datetime.datetime | None:
        value = self.text(name)
        if not value:
            return None
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            self.problem(
                name,
                _("“%(value)s” is not a date and time (ISO 8601, e.g. 2024-05-02T14:30:00Z).")
                % {"value": value[:40]},
            )
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        return moment

    def boolean(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None or value == "" or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        folded = normalize_name(str(value))
        if folded in ("true", "yes", "oui", "vrai", "1"):
            return True
        if folded in ("false", "no", "non", "faux", "0"):
            return False
        self.problem(name, _("“%(value)s” is not yes or no.") % {"value": str(value)[:40]})
        return None

    def decimal(self, name: str) -> Decimal | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if isinstance(value, bool) or number is None or not number.is_finite():
            self.problem(name, _("“%(value)s” is not a number.") % {"value": str(value)[:40]})
            return None
        return number

    def ref(self, name: str, kind: str) -> int | None:
        """The database id of the item of list ``kind`` that the field names by its id."""
        value = self.data.get(name)
        if value is None:
            return None
        pk = self.importer.refs[kind].get(value) if isinstance(value, int) else None
        if pk is None:
            self.problem(
                name,
                _("“%(value)s” is not the id of an item of “%(kind)s” read before.")
                % {"value": str(value)[:40], "kind": kind},
            )
        return pk

    def person(self, name: str):
        username = self.text(name)
        return self.importer.person(username) if username else None

    def validate(self, instance: models.Model) -> None:
        """The model's own validation, each message under its field: its fields' validators
        (lengths, URLs, languages, digits) and its ``clean`` — what ``full_clean`` checks of a
        row whose fields the reading made of the right type and whose choices it checked,
        at a fraction of its cost."""
        for field in _validated_fields(type(instance)):
            value = getattr(instance, field.attname)
            if value not in field.empty_values:
                try:
                    field.run_validators(value)
                except ValidationError as error:
                    self.problem(field.name, " ".join(error.messages))
        try:
            instance.clean()
        except ValidationError as error:
            for field, messages in _messages(error).items():
                self.problem("" if field == NON_FIELD_ERRORS else field, " ".join(messages))


@functools.cache
@functools.cache
def _values_of(choices: type[models.TextChoices]) -> frozenset[str]:
    return frozenset(choices.values)


def _validated_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.validators and not field.is_relation and field.editable
    ]


class _Importer:
    def __init__(self, *, by, report: ImportReport):
        self.by = by
        self.user = policy.user_of(by)
        self.report = report
        self.may_review = policy.can(by, "review_claim")
        self.may_decide = policy.can(by, "decide_conflict")
        # A dump's ids (its rank in its list) → database ids, per list.
        self.refs: dict[str, dict[int, int]] = {
            kind: {} for kind in ("entities", "sources", "claims", "versions", "conflicts")
        }
        self.people: dict[str, object] = {}
        self.verdicts = {verdict.slug: verdict for verdict in Verdict.objects.all()}
        # Each verdict by the names a file may give it, read once (not at every row).
        self.verdict_named = {
            name: verdict
            for verdict in self.verdicts.values()
            for name in _verdict_names(verdict)
            if name
        }
        self.rating_mappings = RatingMapping.objects.select_related("verdict")  # read once
        # Rows with a larger id than these were made by this import.
        self.newest = {
            model: model.objects.aggregate(newest=models.Max("pk"))["newest"] or 0
            for model in (Claim, Appearance)
        }
        self.touched: set[int] = set()  # claims whose facts the engine compares at the end
        self.active: set[int] = set()  # claims given evidence or review steps (last activity)
        self.merges: list[tuple[str, int, int]] = []  # (where, claim, dump id merged into)
        self.left_out = {"reviews": 0, "decisions": 0}
        self.counted_claims: set[int] = set()
        # What earlier batches found or made, so that rows repeating them (a partner's
        # archive names the same articles and speakers again and again) are not looked up,
        # built and validated again: a source by the row's cells for it, an entity by its
        # folded name.
        self.known_sources: dict[tuple, Source] = {}
        self.known_entities: dict[str, int] = {}

    # --- The run ----------------------------------------------------------------------------

    def run(self, records: Iterable[Record], *, progress, batch_size: int) -> None:
        handlers = {
            "entities": self.entities,
            "sources": self.sources,
            "citations": self.citations,
            "claims": self.claims,
            "versions": self.versions,
            "evidence": self.evidence,
            "searches": self.searches,
            "conflicts": self.conflicts,
            "events": self.events,
            "rows": self.rows,
            "reviews": self.reviews,
        }
        # The collector leaves what exists now (Django, the modules) out of its collections.
        gc.freeze()
        try:
            self.read(records, handlers, progress=progress, batch_size=batch_size)
        finally:
            gc.unfreeze()
        self.finish()

    def recount_track_records(self, active: list[int]) -> None:
        """The track records of the speakers of the claims this import made or changed."""
        made = Q(pk__gt=self.newest[Appearance]) | Q(claim_id__gt=self.newest[Claim])
        speakers = set()
        for start in range(0, max(len(active), 1), IDS_PER_STATEMENT):
            changed = made | Q(claim_id__in=active[start : start + IDS_PER_STATEMENT])
            versions = Appearance.objects.filter(changed, speaker__isnull=False)
            speakers.update(versions.values_list("speaker_id", flat=True).distinct())
        TrackRecord.objects.recount(speakers)

    def read(self, records, handlers, *, progress, batch_size: int) -> None:
        for kind, group in groupby(records, key=lambda record: record.kind):
            handler = handlers.get(kind)
            batch: list[Record] = []
            for record in group:
                self.report.records += 1
                if handler is None:
                    self.report.problem(record.where, "", str(record.data))
                    continue
                batch.append(record._replace(position=self.report.records))
                if len(batch) >= batch_size:
                    self.take(handler, batch, progress)
                    batch = []
            if batch:
                self.take(handler, batch, progress)

    def take(self, handler, batch: list[Record], progress) -> None:
        # What earlier batches found is remembered up to a bound: memory stays flat.
        for known in (self.known_sources, self.known_entities):
            if len(known) > KNOWN_LIMIT:
                known.clear()
        handler(batch)
        # Rows refer to themselves (their state, their relations' caches): cycles that the
        # collector would free late, after many batches. Freed now, memory stays flat; the
        # objects older than the import are frozen (``run``), so this looks at the batch's.
        gc.collect()
        if progress:
            progress(self.report.records)

    def finish(self) -> None:
        self.apply_merges()
        touched = sorted(self.touched)
        active = sorted(self.touched | self.active)
        for start in range(0, len(active), IDS_PER_STATEMENT):
            Claim.objects.filter(pk__in=active[start : start + IDS_PER_STATEMENT]).mark_active()
        if self.report.ok:
            for start in range(0, len(touched), DETECTION_BATCH):
                claims = Claim.objects.filter(pk__in=touched[start : start + DETECTION_BATCH])
                self.report.conflicts_opened += detect_facts(
                    claims.order_by("pk"), by=self.by
                ).opened
                gc.collect()
        if self.report.ok:
            self.recount_track_records(active)
        if self.left_out["reviews"]:
            self.report.notes.append(
                _(
                    "%(count)d claims came in as new, without their status, verdict, "
                    "assignment, merge or review history: your role does not allow you to "
                    "review."
                )
                % {"count": self.left_out["reviews"]}
            )
        if self.left_out["decisions"]:
            self.report.notes.append(
                _(
                    "%(count)d conflict decisions and ranks were left out: your role does not "
                    "allow you to decide conflicts, which came in open."
                )
                % {"count": self.left_out["decisions"]}
            )

    def person(self, username: str):
        """The user called ``username``; one the desk does not know is added, inactive and
        without a password, so that the history keeps the name."""
        if username not in self.people:
            User = get_user_model()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, is_active=False)
                user.set_unusable_password()
                user.save()
                self.report.created["people"] += 1
            self.people[username] = user
        return self.people[username]

    def register(self, fields: _Fields, kind: str, pk: int) -> None:
        """Note the database id of the item the record describes, under the record's id."""
        ident = fields.data.get("id")
        if ident is None:
            return
        if not isinstance(ident, int) or isinstance(ident, bool):
            fields.problem("id", _("An id is a whole number."))
        elif ident in self.refs[kind]:
            fields.problem("id", _("Another item of this list has the id %(id)d.") % {"id": ident})
        else:
            self.refs[kind][ident] = pk

    # --- Entities ---------------------------------------------------------------------------

    def entities(self, batch: list[Record]) -> None:
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            entity = Entity(
                name=fields.text("name", required=True),
                kind=fields.choice("kind", EntityKind, EntityKind.OTHER),
                wikidata_id=fields.text("wikidata_id"),
                description=fields.text("description"),
            )
            if created_at := fields.timestamp("created_at"):
                entity.created_at = created_at
            fields.validate(entity)
            aliases = self.aliases(fields)
            wanted.append((fields, entity, aliases))
        wanted = [
            (fields, entity, aliases) for fields, entity, aliases in wanted if not fields.failed
        ]
        pks = self.resolve_entities([(entity, aliases) for _f, entity, aliases in wanted])
        for (fields, _entity, _aliases), pk in zip(wanted, pks, strict=True):
            self.register(fields, "entities", pk)

    def aliases(self, fields: _Fields) -> list[Alias]:
        value = fields.data.get("aliases") or []
        if not isinstance(value, list):
            fields.problem("aliases", _("expected a list of names"))
            return []
        aliases = []
        for item in value:
            name, language = (item, "") if isinstance(item, str) else (None, "")
            if isinstance(item, dict):
                name, language = item.get("name"), item.get("language") or ""
            if not isinstance(name, str) or not isinstance(language, str):
                fields.problem("aliases", _("An alias is a name, or a name and a language."))
                continue
            alias = Alias(name=name.strip(), language=language)
            try:
                alias.full_clean(exclude=["entity"], validate_constraints=False)
            except ValidationError as error:
                messages = " ".join(m for ms in _messages(error).values() for m in ms)
                fields.problem("aliases", f"“{name[:60]}”: {messages}")
                continue
            aliases.append(alias)
        return aliases

    def resolve_entities(self, wanted: list[tuple[Entity, list[Alias]]]) -> list[int]:
        """The ids of the entities ``wanted`` (validated, unsaved, with their aliases): one
        the desk has under its Wikidata id, or called by its name or one of its aliases, else
        a new one. Three queries, and the bulk inserts."""
        keys = {key for entity, aliases in wanted for key in _keys(entity, aliases)}
        wikidata = {entity.wikidata_id for entity, _aliases in wanted if entity.wikidata_id}
        known: dict[str, int] = {}
        for entity in Entity.objects.named_any(keys).prefetch_related("aliases").order_by("pk"):
            for key in _keys(entity, entity.aliases.all()):
                known.setdefault(key, entity.pk)
        by_wikidata = dict(
            Entity.objects.filter(wikidata_id__in=wikidata).values_list("wikidata_id", "pk")
        )
        chosen: list[int | Entity] = []
        new: dict[str, Entity] = {}  # key → an entity this batch adds
        for entity, aliases in wanted:
            keys = _keys(entity, aliases)
            found = by_wikidata.get(entity.wikidata_id) if entity.wikidata_id else None
            found = found or next((known[key] for key in keys if key in known), None)
            found = found or next((new[key] for key in keys if key in new), None)
            if found is None:
                found = entity
                entity.import_aliases = aliases
                for key in keys:
                    new.setdefault(key, entity)
                self.report.created["entities"] += 1
            else:
                self.report.unchanged["entities"] += 1
            chosen.append(found)
        created = list({id(entity): entity for entity in new.values()}.values())
        if created:
            self.insert(Entity, created)
            rows = []
            for entity in created:
                seen = {entity.normalized_name}
                for alias in entity.import_aliases:
                    if alias.normalized not in seen:
                        seen.add(alias.normalized)
                        alias.entity = entity
                        rows.append(alias)
            insert_rows(Alias, rows)
        return [item if isinstance(item, int) else item.pk for item in chosen]

    def mentioned(self, names: dict[str, Entity]) -> dict[str, int]:
        """Entities named in a CSV's cells: folded name → id, each found or made (``names``:
        name → the entity a new one would be)."""
        known = self.known_entities
        for entity in names.values():
            entity.normalized_name = normalize_name(entity.name)
        wanted = [(e, []) for e in names.values() if e.normalized_name not in known]
        self.report.unchanged["entities"] += len(names) - len(wanted)
        pks = self.resolve_entities(wanted)
        known.update(
            (entity.normalized_name, pk) for (entity, _a), pk in zip(wanted, pks, strict=True)
        )
        return {entity.normalized_name: known[entity.normalized_name] for entity in names.values()}

    # --- Sources ----------------------------------------------------------------------------

    def sources(self, batch: list[Record]) -> None:
        wanted = []
        for record in batch:
            fields = _Fields(self, record, {"published_on": "published"})
            source = self.source_of(fields, publisher=fields.ref("publisher", "entities"))
            wanted.append((fields, source))
        wanted = [(fields, source) for fields, source in wanted if not fields.failed]
        found = self.resolve_sources([source for _fields, source in wanted])
        for (fields, _source), source in zip(wanted, found, strict=True):
            self.register(fields, "sources", source.pk)

    def citations(self, batch: list[Record]) -> None:
        """A dump's citations between its sources: those the desk does not have, none that
        would make a source its own origin."""
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            citation = Citation(
                citing_id=fields.ref("source", "sources"),
                cited_id=fields.ref("cites", "sources"),
                kind=fields.choice("kind", CitationKind, CitationKind.CITES),
                note=fields.text("note"),
                added_by=fields.person("added_by") or self.user,
            )
            if created_at := fields.timestamp("created_at"):
                citation.created_at = created_at
            fields.validate(citation)
            if not fields.failed:
                wanted.append((fields, citation))
        edges = cited_by({c.citing_id for _fields, c in wanted} | {c.cited_id for _f, c in wanted})
        new = []
        for fields, citation in wanted:
            if citation.cited_id in edges.get(citation.citing_id, ()):
                self.report.unchanged["citations"] += 1
            elif citation.citing_id == citation.cited_id or citation.citing_id in reachable(
                citation.cited_id, edges
            ):
                fields.problem("cites", _("A source cannot be its own origin."))
            else:
                edges.setdefault(citation.citing_id, set()).add(citation.cited_id)
                new.append(citation)
        if new:
            self.insert(Citation, new)
            self.report.created["citations"] += len(new)

    def source_of(self, fields: _Fields, *, prefix: str = "", publisher=None) -> Source:
        """A source from the record's fields (their names starting with ``prefix``), validated
        as the services validate it."""
        published, precision = fields.date(f"{prefix}published")
        source = Source(
            title=fields.text(f"{prefix}title", required=True),
            url=fields.text(f"{prefix}url"),
            publisher_id=publisher,
            kind=fields.choice(f"{prefix}kind", SourceKind, SourceKind.ARTICLE),
            language=fields.text(f"{prefix}language")
            or (settings.LANGUAGE_CODE[:2] if prefix else ""),
            published_on=published,
            published_precision=precision,
            author=fields.text(f"{prefix}author"),
            text=fields.text(f"{prefix}text"),
            added_by=fields.person("added_by") or self.user,
        )
        if created_at := fields.timestamp("created_at"):
            source.created_at = created_at
        names = {name: f"{prefix}{name}" for name in ("title", "url", "kind", "language", "text")}
        names["published_on"] = names["published_precision"] = f"{prefix}published"
        # The file's names: a row's own, if it has them for these (a ClaimReview's paths).
        fields.names.update({field: fields.names.get(name, name) for field, name in names.items()})
        fields.validate(source)
        return source

    def resolve_sources(self, wanted: list[Source]) -> list[Source]:
        """The sources ``wanted`` (validated, unsaved) are: the desk's source with the same
        URL; without a URL, the same text; without either, the same title (of a source without
        a URL). Else new, saved."""
        keys = [_source_keys(source)[0] for source in wanted]
        found = {}
        existing = Source.objects.filter(
            models.Q(url__in={value for kind, value in keys if kind == "url"})
            | models.Q(content_sha256__in={value for kind, value in keys if kind == "text"})
            | models.Q(url="", title__in={value for kind, value in keys if kind == "title"})
        ).order_by("pk")
        for source in existing:
            for source_key in _source_keys(source):
                found.setdefault(source_key, source)
        chosen, new = [], {}
        for source, source_key in zip(wanted, keys, strict=True):
            if source_key in found:
                chosen.append(found[source_key])
                self.report.unchanged["sources"] += 1
            elif source_key in new:
                chosen.append(new[source_key])
                self.report.unchanged["sources"] += 1
            else:
                new[source_key] = source
                chosen.append(source)
                self.report.created["sources"] += 1
        if new:
            for source in new.values():
                source.search_text = search_document(source.title, source.url)
            self.insert(Source, list(new.values()))
            # A publisher's names are searched too.
            refresh_search(sources=[s.pk for s in new.values() if s.publisher_id])
        return chosen

    # --- Claims -----------------------------------------------------------------------------

    def claims(self, batch: list[Record]) -> None:
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            claim = self.claim_of(
                fields,
                subject=fields.ref("subject", "entities"),
                recorded_by=fields.ref("recorded_by", "entities"),
            )
            external_id = fields.text("external_id") or claim.external_id
            self.identify(fields, claim, external_id, field="external_id")
            self.dumped_review(fields, claim)
            wanted.append((fields, claim))
        wanted = [(fields, claim) for fields, claim in wanted if not fields.failed]
        found_claims = self.find_claims(wanted)
        self.insert_claims([claim for claim in found_claims if claim and claim.pk is None], [])
        for (fields, claim), found in zip(wanted, found_claims, strict=True):
            if found is None:
                continue
            if found.pk > self.newest[Claim] and found is not claim:
                fields.problem("external_id", _("Another claim of the file has this id."))
                continue
            self.register(fields, "claims", found.pk)
            if found is claim and fields.given("merged_into") and self.may_review:
                self.merges.append((fields.where, claim, fields.data["merged_into"]))

    def claim_of(
        self, fields: _Fields, *, subject: int | None, recorded_by: int | None = None
    ) -> Claim:
        """A claim from the record's fields, validated as ``create_claim`` validates it."""
        claim = Claim(
            statement=normalize_text(fields.text("statement", required=True)).strip(),
            subject_id=subject,
            recorded_by_id=recorded_by,
            property=fields.text("property"),
            value_type=fields.choice("value_type", ValueType, ValueType.NONE),
            tolerance=fields.decimal("tolerance"),
            compare_text=bool(fields.boolean("compare_text")),
            # Absent (older dumps, partners' files): it can change, as a claim made here.
            changes_over_time=fields.boolean("changes_over_time") is not False,
            created_by=fields.person("created_by") or self.user,
        )
        if created_at := fields.timestamp("created_at"):
            claim.created_at = created_at
        claim.refresh_property_key()
        fields.validate(claim)
        if subject is None and claim.value_type != ValueType.NONE and not fields.given("subject"):
            fields.problem("subject", _("A structured claim needs a subject."))
        return claim

    def identify(self, fields: _Fields, claim: Claim, external_id: str, *, field: str) -> None:
        """Give ``claim`` the external id the file's ``field`` gives it."""
        limit = Claim._meta.get_field("external_id").max_length
        if len(external_id) > limit:
            fields.problem(field, _("An id has at most %(limit)d characters.") % {"limit": limit})
        claim.external_id = external_id

    def verdict(self, fields: _Fields, name: str) -> Verdict | None:
        """The desk's verdict a field names, by its slug or its label in English or French,
        case and accents aside."""
        value = fields.text(name)
        if not value:
            return None
        if verdict := self.verdict_named.get(normalize_name(value)):
            return verdict
        fields.problem(
            name,
            _("“%(value)s” is not one of the desk's verdicts (%(verdicts)s).")
            % {"value": value[:60], "verdicts": ", ".join(self.verdicts)},
        )
        return None

    def dumped_review(self, fields: _Fields, claim: Claim) -> None:
        """A dump's review state of a claim: status, verdict, proposal and assignee — kept
        only when the importing user may review."""
        status = fields.choice("status", ClaimStatus, ClaimStatus.NEW)
        verdict = self.verdict(fields, "verdict")
        proposed = self.verdict(fields, "proposed_verdict")
        proposed_by = fields.person("proposed_by")
        assignee = fields.person("assignee")
        if not self.may_review:
            if status != ClaimStatus.NEW or verdict or proposed or assignee:
                self.left_out["reviews"] += 1
            return
        claim.status, claim.verdict, claim.assignee = status, verdict, assignee
        claim.proposed_verdict, claim.proposed_by = proposed, proposed_by
        claim.brings_history = True  # its review events are in the file
        claim.proposal_note = fields.text("proposal_note")
        if status == ClaimStatus.REVIEWED and verdict is None:
            fields.problem("verdict", _("A reviewed claim needs a verdict."))
        if (proposed is None) != (proposed_by is None) or (
            proposed and status != ClaimStatus.IN_REVIEW
        ):
            fields.problem(
                "proposed_verdict",
                _("A proposed verdict has its reviewer, and waits on a claim in review."),
            )

    def find_claims(self, wanted: list[tuple[_Fields, Claim]]) -> list[Claim | None]:
        """The claims ``wanted`` (validated, unsaved) are, by their external ids: the desk's
        claim, which must state the same (else a problem, and None), or a new one — the first
        of the batch with its id, left for ``insert_claims``. One query."""
        found = {
            claim.external_id: claim
            for claim in Claim.objects.filter(external_id__in={c.external_id for _f, c in wanted})
        }
        chosen, new = [], []
        for fields, claim in wanted:
            existing = found.get(claim.external_id)
            if existing is None:
                found[claim.external_id] = claim
                new.append(claim)
                chosen.append(claim)
                continue
            differs = [
                name
                for name in ("statement", "subject_id", "property_key", "value_type")
                if getattr(existing, name) != getattr(claim, name)
            ]
            if differs:
                field = differs[0].removesuffix("_id").removesuffix("_key")
                fields.problem(
                    field,
                    _(
                        "Claim “%(id)s” says otherwise (“%(statement)s”): an import does not "
                        "change a claim; give this one another id."
                    )
                    % {"id": claim.external_id[:60], "statement": existing.statement[:80]},
                )
                chosen.append(None)
            else:
                chosen.append(existing)
        # Found in the desk as it was before the import (not made by an earlier batch), and
        # not counted with the batch before (a CSV's claim may span two batches).
        found_before = {
            c.pk for c in chosen if c is not None and c.pk and c.pk <= self.newest[Claim]
        }
        self.report.unchanged["claims"] += len(found_before - self.counted_claims)
        self.counted_claims = found_before
        return chosen

    def insert_claims(self, claims: list[Claim], versions: list[Appearance]) -> None:
        """Save new claims, searchable by what they and their ``versions`` (all of them, not
        saved yet either) say, with their history; a claim brought reviewed says so in its
        review history, as a review would."""
        claims = list({id(claim): claim for claim in claims}.values())
        if not claims:
            return
        search_new_claims(claims, versions)
        for claim in claims:
            claim.searched_with_versions = bool(versions)
        self.insert(Claim, claims)
        self.report.created["claims"] += len(claims)
        events = []
        now = timezone.now()
        for claim in claims:
            if claim.verdict and not getattr(claim, "brings_history", False):
                note = _("Imported with its verdict.")
                # When the file says the claim was reviewed (a ClaimReview's date), else now.
                at = now
                if reviewed_on := getattr(claim, "import_reviewed_on", None):
                    at = datetime.datetime.combine(reviewed_on, datetime.time(), datetime.UTC)
                events += [
                    ReviewEvent(claim=claim, actor=self.user, action=ReviewAction.STATUS,
                                old_value=ClaimStatus.NEW, new_value=claim.status, note=note,
                                created_at=at),
                    ReviewEvent(claim=claim, actor=self.user, action=ReviewAction.VERDICT,
                                new_value=claim.verdict.label, note=note, created_at=at),
                ]  # fmt: skip
        insert_rows(ReviewEvent, events)
        if events:
            self.report.created["events"] += len(events)

    def insert(self, model: type[models.Model], rows: list[models.Model]) -> None:
        """Save new ``rows`` of ``model`` in one statement (a chunk), with their history."""
        insert_rows(model, rows)
        history_in_bulk(model, [row.pk for row in rows], by=self.by, at=timezone.now())

    def apply_merges(self) -> None:
        """A dump's merged claims point at the claims they were merged into, now that every
        claim is in."""
        for where, claim, into in self.merges:
            target = self.refs["claims"].get(into) if isinstance(into, int) else None
            if target is None or target == claim.pk:
                self.report.problem(
                    where,
                    "merged_into",
                    _("“%(value)s” is not the id of another claim of the file.")
                    % {"value": str(into)[:40]},
                )
            elif claim.status != ClaimStatus.ARCHIVED:
                self.report.problem(
                    where, "merged_into", _("A claim merged into another stays archived.")
                )
            else:
                Claim.objects.filter(pk=claim.pk).update(merged_into=target)

    # --- Versions ---------------------------------------------------------------------------

    def versions(self, batch: list[Record]) -> None:
        fields_of = [_Fields(self, record, VERSION_NAMES) for record in batch]
        claim_ids = [fields.ref("claim", "claims") for fields in fields_of]
        source_ids = [fields.ref("source", "sources") for fields in fields_of]
        claims = Claim.objects.in_bulk(set(claim_ids) - {None})
        sources = Source.objects.in_bulk(set(source_ids) - {None})
        wanted = []
        for fields, claim_id, source_id in zip(fields_of, claim_ids, source_ids, strict=True):
            speaker = fields.ref("speaker", "entities")
            if claim_id is None or source_id is None:
                continue
            claim, source = claims[claim_id], sources[source_id]
            entities = []
            if claim.value_type == ValueType.ENTITIES and fields.given("value"):
                value = fields.data["value"]
                if isinstance(value, list):
                    entities = [self.refs["entities"].get(item) for item in value]
                if not isinstance(value, list) or None in entities:
                    fields.problem("value", _("expected a list of ids of entities read before"))
            version = self.version_of(fields, claim, source, speaker=speaker, entities=entities)
            version.rank = fields.choice("rank", Rank, Rank.NORMAL)
            version.rank_reason = fields.text("rank_reason")
            if not self.may_decide and version.rank != Rank.NORMAL:
                version.rank, version.rank_reason = Rank.NORMAL, ""
                self.left_out["decisions"] += 1
            if version.rank != Rank.NORMAL and not version.rank_reason.strip():
                fields.problem(
                    "rank_reason", _("A preferred or deprecated version needs a reason.")
                )
            wanted.append((fields, version))
        for fields, pk in self.write_versions(wanted, repeat=True):
            self.register(fields, "versions", pk)

    def version_of(self, fields, claim, source, *, speaker, entities) -> Appearance:
        """A version from the record's fields, validated as ``record_appearance`` validates
        it (a quote given without its place is looked for in the source's text)."""
        said_on, said_on_precision = fields.date("said_on")
        as_of, as_of_precision = fields.date("as_of")
        version = Appearance(
            claim=claim,
            source=source,
            speaker_id=speaker,
            speaker_description=fields.text("speaker_description"),
            attribution=fields.choice("attribution", Attribution, Attribution.DIRECT_QUOTE),
            quote=normalize_text(fields.text("quote")),
            start=fields.integer("start"),
            end=fields.integer("end"),
            said_on=said_on,
            said_on_precision=said_on_precision,
            as_of=as_of,
            as_of_precision=as_of_precision,
            added_by=fields.person("added_by") or self.user,
        )
        if created_at := fields.timestamp("created_at"):
            version.created_at = created_at
        # Its set of entities' ids, written with it (a set is not a field of the row).
        version.import_entities = entities
        self.value_into(fields, version, claim.value_type)
        # A quote without its place is placed in its source's text (Appearance.clean).
        fields.validate(version)
        return version

    def value_into(self, fields: _Fields, version: Appearance, value_type: str) -> None:
        """Set the version's value from the field ``value``, read as its claim's type."""
        if not fields.given("value"):
            return
        if value_type == ValueType.NONE:
            fields.problem("value", _("This claim states no value (value type “none”)."))
        elif value_type == ValueType.NUMBER:
            version.value_number = fields.decimal("value")
        elif value_type in DATED_TYPES:
            version.value_date, version.value_date_precision = fields.date("value")
        elif value_type == ValueType.TEXT:
            version.value_text = normalize_text(fields.text("value"))
        elif value_type == ValueType.BOOLEAN:
            version.value_boolean = fields.boolean("value")

    def write_versions(self, wanted, *, repeat: bool) -> list[tuple[_Fields, int]]:
        """Insert the versions ``wanted`` ((fields, version) pairs, validated) that the
        desk does not have — the same claim, source, quote and place — with their entities
        and history. ``repeat``: a version the file gave before is a version of its own (a
        dump may hold two alike); else it is the same version. Returns (fields, id) for each
        version read without a problem, inserted or found."""
        wanted = [item for item in wanted if not item[0].failed]
        existing: dict[tuple, int | Appearance] = {}
        known = {
            v.claim.pk for _f, v in wanted if not getattr(v.claim, "searched_with_versions", False)
        }
        for *version_key, pk in Appearance.objects.filter(claim_id__in=known).values_list(
            "claim_id", "source_id", "quote", "start", "pk"
        ):
            if not repeat or pk <= self.newest[Appearance]:
                existing.setdefault(tuple(version_key), pk)
                # A version without a quote is any the desk has of the claim in the source
                # (a ClaimReview's appearance of a claim the desk has quoted there).
                existing.setdefault((*version_key[:2], "", None), pk)
        kept, new = [], []
        for fields, version in wanted:
            version_key = (version.claim.pk, version.source.pk, version.quote, version.start)
            found = existing.get(version_key)
            if found is not None:
                self.report.unchanged["versions"] += 1
                kept.append((fields, found))
                continue
            new.append(version)
            kept.append((fields, version))
            if not repeat:
                existing[version_key] = version
        if new:
            self.insert_versions(new)
        return [(fields, getattr(found, "pk", found)) for fields, found in kept]

    def insert_versions(self, versions: list[Appearance]) -> None:
        """Save new versions with their entities and history, and make their claims
        searchable by them (claims saved with them already are)."""
        for version in versions:
            if not version.search_text:
                version.search_text = search_document(version.quote, version.value_text)
        insert_rows(Appearance, versions)
        through = Appearance.value_entities.through
        insert_rows(
            through,
            [
                through(appearance_id=version.pk, entity_id=entity)
                for version in versions
                for entity in version.import_entities
            ],
        )
        history_in_bulk(Appearance, [v.pk for v in versions], by=self.by, at=timezone.now())
        # The engine compares them at the end: a new unstructured claim's versions state no
        # value, and a version with no value never conflicts — it is left out.
        self.touched |= {
            v.claim.pk
            for v in versions
            if v.claim.value_type != ValueType.NONE or v.claim.pk <= self.newest[Claim]
        }
        refresh_search(
            {v.claim.pk for v in versions if not getattr(v.claim, "searched_with_versions", False)}
        )
        self.report.created["versions"] += len(versions)

    # --- Evidence, conflicts, the review history --------------------------------------------

    def evidence(self, batch: list[Record]) -> None:
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            item = Evidence(
                claim_id=fields.ref("claim", "claims"),
                source_id=fields.ref("source", "sources"),
                stance=fields.choice("stance", Stance, ""),
                note=fields.text("note"),
                added_by=fields.person("added_by") or self.user,
            )
            if not item.stance:
                fields.problem("stance", _("This field is required."))
            if created_at := fields.timestamp("created_at"):
                item.created_at = created_at
            fields.validate(item)
            if not fields.failed:
                wanted.append(item)
        self.write_evidence(wanted)

    def searches(self, batch: list[Record]) -> None:
        """A dump's search records (for claims that none happened): those the desk does not
        have — the same claim, thing searched, query and day."""
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            search = SearchRecord(
                claim_id=fields.ref("claim", "claims"),
                searched=fields.text("searched"),
                url=fields.text("url"),
                query=normalize_text(fields.text("query")),
                covered_from=fields.date("covered_from")[0],
                covered_to=fields.date("covered_to")[0],
                searched_on=fields.date("searched_on")[0],
                found_nothing=fields.boolean("found_nothing") is not False,
                found=normalize_text(fields.text("found")),
                added_by=fields.person("added_by") or self.user,
            )
            if created_at := fields.timestamp("created_at"):
                search.created_at = created_at
            if search.searched_on is None:
                fields.problem("searched_on", _("This field is required."))
            fields.validate(search)
            if not fields.failed:
                wanted.append(search)
        key = operator.attrgetter("claim_id", "searched", "query", "searched_on")
        existing = {
            key(search)
            for search in SearchRecord.objects.filter(claim_id__in={s.claim_id for s in wanted})
        }
        new = [search for search in wanted if key(search) not in existing]
        self.report.unchanged["search records"] += len(wanted) - len(new)
        if new:
            self.insert(SearchRecord, new)
            self.report.created["search records"] += len(new)

    def write_evidence(self, wanted: list[Evidence]) -> None:
        """Insert the evidence ``wanted`` (validated) that the desk does not have: a claim
        has a source for evidence once."""
        existing = set(
            Evidence.objects.filter(claim_id__in={item.claim_id for item in wanted}).values_list(
                "claim_id", "source_id"
            )
        )
        new = []
        for item in wanted:
            if (item.claim_id, item.source_id) in existing:
                self.report.unchanged["evidence"] += 1
            else:
                existing.add((item.claim_id, item.source_id))
                new.append(item)
        if new:
            self.insert(Evidence, new)
            self.active |= {item.claim_id for item in new}
            self.report.created["evidence"] += len(new)

    def conflicts(self, batch: list[Record]) -> None:
        """A dump's conflicts with their decisions. Before the engine runs at the end: it
        finds them in step with their versions, and leaves them as they are."""
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            pair = fields.data.get("versions")
            if not (isinstance(pair, list) and len(pair) == 2):
                fields.problem("versions", _("expected the ids of its two versions"))
                continue
            a, b = (
                self.refs["versions"].get(item) if isinstance(item, int) else None for item in pair
            )
            if a is None or b is None or a == b:
                fields.problem("versions", _("expected the ids of two versions read before"))
                continue
            conflict = Conflict(
                claim_id=fields.ref("claim", "claims"),
                appearance_a_id=a,
                appearance_b_id=b,
                origin=fields.choice("origin", ConflictOrigin, ConflictOrigin.AUTO),
                kind=fields.choice("kind", ConflictKind, ConflictKind.OTHER),
                detail=fields.text("detail", required=True),
                timing=fields.choice("timing", ConflictTiming, ""),
                flagged_by=fields.person("flagged_by"),
            )
            if fields.given("state") and fields.data["state"] != ConflictState.OPEN:
                if not self.may_decide:
                    self.left_out["decisions"] += 1
                else:
                    conflict.state = fields.choice("state", ConflictState, ConflictState.OPEN)
                    conflict.resolution = fields.choice("resolution", ConflictResolution, "")
                    conflict.resolution_note = fields.text("resolution_note")
                    conflict.prevailing_id = fields.ref("prevailing", "versions")
                    conflict.resolved_by = fields.person("resolved_by")
                    conflict.resolved_at = fields.timestamp("resolved_at")
            if created_at := fields.timestamp("created_at"):
                conflict.created_at = created_at
            conflict.order_pair()
            if not fields.failed:
                wanted.append((fields, conflict))
        pairs = {(c.appearance_a_id, c.appearance_b_id) for _f, c in wanted}
        existing = {
            (c.appearance_a_id, c.appearance_b_id): c.pk
            for c in Conflict.objects.filter(
                appearance_a__in={a for a, _b in pairs}, appearance_b__in={b for _a, b in pairs}
            )
        }
        versions = {
            version.pk: version
            for version in Appearance.objects.filter(pk__in={pk for pair in pairs for pk in pair})
            .select_related("source", "claim")
            .prefetch_related("value_entities")
        }
        new = []
        for fields, conflict in wanted:
            pair = (conflict.appearance_a_id, conflict.appearance_b_id)
            if pair in existing:
                self.report.unchanged["conflicts"] += 1
                self.register(fields, "conflicts", existing[pair])
                continue
            try:
                # Few rows: the model's constraints are checked one query each.
                conflict.full_clean(validate_unique=False)
            except ValidationError as error:
                for name, messages in _messages(error).items():
                    fields.problem("" if name == NON_FIELD_ERRORS else name, " ".join(messages))
                continue
            a, b = versions[pair[0]], versions[pair[1]]
            compared = versions_of([a, b], a.claim.value_type)
            conflict.fingerprint = fingerprint(compared[a.pk], compared[b.pk], conflict.claim)
            existing[pair] = conflict
            new.append((fields, conflict))
        if new:
            self.insert(Conflict, [conflict for _fields, conflict in new])
            self.report.created["conflicts"] += len(new)
            Claim.objects.of_conflicts([c for _f, c in new]).recount_open_conflicts()
        for fields, conflict in new:
            self.register(fields, "conflicts", conflict.pk)

    def events(self, batch: list[Record]) -> None:
        if not self.may_review:
            self.left_out["reviews"] += len(batch)
            return
        wanted = []
        for record in batch:
            fields = _Fields(self, record)
            event = ReviewEvent(
                claim_id=fields.ref("claim", "claims"),
                created_at=fields.timestamp("at") or timezone.now(),
                actor=fields.person("actor"),
                action=fields.choice("action", ReviewAction, ""),
                old_value=fields.text("from")[:300],
                new_value=fields.text("to")[:300],
                note=fields.text("note"),
                conflict_id=fields.ref("conflict", "conflicts"),
            )
            if not event.action:
                fields.problem("action", _("This field is required."))
            if not fields.failed:
                wanted.append(event)
        existing = set(
            ReviewEvent.objects.filter(claim_id__in={e.claim_id for e in wanted}).values_list(
                "claim_id", "created_at", "action", "old_value", "new_value"
            )
        )
        new = []
        for event in wanted:
            event_key = (
                event.claim_id,
                event.created_at,
                event.action,
                event.old_value,
                event.new_value,
            )
            if event_key in existing:
                self.report.unchanged["events"] += 1
            else:
                existing.add(event_key)
                new.append(event)
        insert_rows(ReviewEvent, new)
        self.active |= {event.claim_id for event in new}
        self.report.created["events"] += len(new)

    # --- A CSV's rows -----------------------------------------------------------------------

    def rows(self, batch: list[Record]) -> None:
        self.write_rows([_Fields(self, record, VERSION_NAMES) for record in batch])

    def write_rows(self, fields_of: list[_Fields]) -> list[Claim | None]:
        """Rows of a CSV of versions: each names its claim, its source and its entities, found
        in the desk or made, then gives a version of the claim. Returns each row's claim
        (None for a row with a problem)."""
        mentioned = self.mentioned(self.names_in(fields_of))
        # Each step is taken for the rows whose earlier steps had no problem.
        sources = self.row_sources(fields_of)
        claims = self.row_claims(fields_of, mentioned)
        wanted = []
        for fields, source, claim in zip(fields_of, sources, claims, strict=True):
            if source is None or claim is None:
                continue
            entities = []
            if claim.value_type == ValueType.ENTITIES:
                names = _names(fields, "value")
                # A name that is not one was reported: it names no entity.
                entities = [mentioned.get(normalize_name(name)) for name in names]
                entities = [pk for pk in entities if pk is not None]
            speaker = mentioned.get(normalize_name(fields.text("speaker")))
            version = self.version_of(fields, claim, source, speaker=speaker, entities=entities)
            wanted.append((fields, version))
        # New claims are saved with what their versions say, searchable at once.
        new = [claim for claim in claims if claim is not None and claim.pk is None]
        versions = [v for fields, v in wanted if not fields.failed and v.claim.pk is None]
        self.insert_claims(new, versions)
        self.write_versions(wanted, repeat=False)
        return claims

    def names_in(self, fields_of: list[_Fields]) -> dict[str, Entity]:
        """The entities a batch of rows names (subject, speaker, members of a set): name →
        the entity a new one would be. A speaker is a person unless the row says otherwise
        (a ClaimReview's author), with the Wikidata id it gives."""
        limit = Entity._meta.get_field("name").max_length
        names: dict[str, Entity] = {}
        for fields in fields_of:
            for name in _names(fields, "subject"):
                names.setdefault(name, Entity(name=name, kind=EntityKind.OTHER))
            for name in _names(fields, "speaker"):
                person = fields.data.get("speaker_person", True)
                names.setdefault(
                    name,
                    Entity(
                        name=name,
                        kind=EntityKind.PERSON if person else EntityKind.ORGANIZATION,
                        wikidata_id=fields.data.get("speaker_wikidata") or "",
                    ),
                )
            if fields.data.get("value_type") == ValueType.ENTITIES:
                for name in _names(fields, "value"):
                    names.setdefault(name, Entity(name=name, kind=EntityKind.OTHER))
        for fields in fields_of:
            for column in ("subject", "speaker", "value"):
                for name in _names(fields, column):
                    if len(name) > limit or not normalize_name(name):
                        fields.problem(
                            column,
                            _("“%(name)s…” is not a name (a letter or digit, at most %(limit)d).")
                            % {"name": name[:40], "limit": limit},
                        )
                        names.pop(name, None)
        return names

    def row_sources(self, fields_of: list[_Fields]) -> list[Source | None]:
        wanted = []
        for fields in fields_of:
            before = fields.problems
            if not fields.given("source_title"):
                if not fields.given("source_url"):
                    fields.problem("source_title", _("A row needs its source: a URL or a title."))
                    wanted.append(None)
                    continue
                fields.data["source_title"] = fields.data["source_url"]
            cells = tuple(fields.data.get(name) for name in SOURCE_CELLS)
            if cells in self.known_sources:
                # The same cells as an earlier row's: the same source, valid.
                self.report.unchanged["sources"] += 1
                wanted.append(self.known_sources[cells])
                continue
            source = self.source_of(fields, prefix="source_")
            if fields.problems == before:
                source.import_cells = cells
                wanted.append(source)
            else:
                wanted.append(None)
        unsaved = [i for i, source in enumerate(wanted) if source is not None and source.pk is None]
        found = self.resolve_sources([wanted[i] for i in unsaved])
        for i, source in zip(unsaved, found, strict=True):
            self.known_sources[wanted[i].import_cells] = source
            wanted[i] = source
        return wanted

    def row_claims(self, fields_of: list[_Fields], mentioned: dict) -> list[Claim | None]:
        wanted = []
        # A claim's rows repeat its cells: the claim read from the first serves the others.
        read: dict[tuple, Claim] = {}
        for fields in fields_of:
            cells = tuple(fields.data.get(name) for name in CLAIM_CELLS)
            if cells in read:
                wanted.append((fields, read[cells]))
                continue
            before = fields.problems
            subject = mentioned.get(normalize_name(fields.text("subject")))
            claim = self.claim_of(fields, subject=subject)
            external_id = fields.text("claim_id") or _statement_id(claim.statement)
            self.identify(fields, claim, external_id, field="claim_id")
            if verdict := self.verdict(fields, "verdict"):
                if self.may_review:
                    claim.status, claim.verdict = ClaimStatus.REVIEWED, verdict
                    claim.import_reviewed_on = fields.date("reviewed_on")[0]
                else:
                    self.left_out["reviews"] += 1
            if fields.problems == before:
                read[cells] = claim
                wanted.append((fields, claim))
            else:
                wanted.append(None)
        found = iter(self.find_claims([item for item in wanted if item is not None]))
        return [None if item is None else next(found) for item in wanted]

    # --- ClaimReview ------------------------------------------------------------------------

    def reviews(self, batch: list[Record]) -> None:
        """ClaimReviews (``claims.interchange.claimreview``): each review's rows are a CSV's,
        its rating is read as a verdict through the desk's rating mappings, and a review by
        another publisher is kept as a fact-check the claim has for evidence."""
        reviews, fields_of = [], []
        row_names = {**VERSION_NAMES, "verdict": "reviewRating", "reviewed_on": "datePublished"}
        for record in batch:
            review = _Fields(self, record)
            verdict = self.rating_verdict(review)
            first = len(fields_of)
            for row in review.data.get("rows", []):
                data = {**row["data"], "reviewed_on": review.data["reviewed_on"]}
                data["verdict"] = verdict.slug if verdict else ""
                # The model's names → the CSV's → the review's JSON paths.
                names = {field: row["names"].get(name, name) for field, name in row_names.items()}
                fields = _Fields(self, record._replace(data=data), names | row["names"])
                # A problem of the review (its statement) is told once, not once per row.
                fields.told = review.told
                fields_of.append(fields)
            reviews.append((review, first))
        claims = self.write_rows(fields_of)
        evidence = []
        for (review, first), source in zip(reviews, self.review_sources(reviews), strict=True):
            claim = claims[first] if first < len(claims) else None
            if claim is None or source is None or review.failed:
                continue
            note = _("Reviewed by %(publisher)s: “%(rating)s”.") % {
                "publisher": review.data["publisher"]["name"],
                "rating": _rating_text(review.data["rating"]),
            }
            evidence.append(
                Evidence(claim=claim, source=source, stance=Stance.CONTEXT, note=note,
                         added_by=self.user)
            )  # fmt: skip
        self.write_evidence(evidence)

    def rating_verdict(self, review: _Fields) -> Verdict | None:
        """The desk's verdict for a review's rating: a rating mapping's, else the verdict
        with that name (this tracker's own feed names its verdicts). Unmapped: a problem."""
        rating, publisher = review.data["rating"], review.data["publisher"]["name"]
        if not (rating["name"] or rating["value"]):
            return None
        if not self.may_review:
            self.left_out["reviews"] += 1
            return None
        value, best, worst = (_integer(rating[key]) for key in ("value", "best", "worst"))
        verdict = self.rating_mappings.verdict_for(
            publisher=publisher, label=rating["name"], value=value, best=best, worst=worst
        )
        verdict = verdict or self.verdict_named.get(normalize_name(rating["name"]))
        if verdict is None:
            review.problem(
                "reviewRating",
                _(
                    "The rating “%(rating)s” of %(publisher)s is not mapped to a verdict: add "
                    "a rating mapping (administration, Rating mappings) and import again."
                )
                % {
                    "rating": _rating_text(rating),
                    "publisher": publisher or _("an unnamed publisher"),
                },
            )
        return verdict

    def review_sources(self, reviews: list[tuple[_Fields, int]]) -> list[Source | None]:
        """Each review as a source — a fact-check by its publisher, found or made — when it is
        another publisher's and has its address; else None."""
        desk = normalize_name(settings.DESK["name"])
        wanted = [
            review
            if review.data["review"]["source_url"]
            and normalize_name(review.data["publisher"]["name"]) not in ("", desk)
            else None
            for review, _first in reviews
        ]
        publishers = {
            review.data["publisher"]["name"]: Entity(
                name=review.data["publisher"]["name"],
                kind=EntityKind.PERSON
                if review.data["publisher"]["person"]
                else EntityKind.ORGANIZATION,
                wikidata_id=review.data["publisher"]["wikidata"],
            )
            for review in wanted
            if review is not None
        }
        ids = self.mentioned(publishers)
        sources = []
        for review in wanted:
            if review is not None:
                data = {**review.data["review"], "source_kind": SourceKind.FACT_CHECK}
                fields = _Fields(self, Record("reviews", review.where, data), REVIEW_NAMES)
                publisher = ids[normalize_name(review.data["publisher"]["name"])]
                source = self.source_of(fields, prefix="source_", publisher=publisher)
                review = None if fields.failed else source
            sources.append(review)
        found = iter(self.resolve_sources([source for source in sources if source is not None]))
        return [None if source is None else next(found) for source in sources]


def _rating_text(rating: dict) -> str:
    """A ClaimReview's rating as its publisher gives it: its name, else its value on its scale."""
    return rating["name"] or f"{rating['value']} ({rating['worst']}–{rating['best']})"


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _verdict_names(verdict: Verdict) -> set[str]:
    """The names a file may give a verdict: its slug, its label in English or French."""
    return {verdict.slug, normalize_name(verdict.label), normalize_name(verdict.label_fr)}


def _names(fields: _Fields, column: str) -> list[str]:
    """The names in a cell: one, or for a set of entities several, separated by semicolons."""
    cell = fields.data.get(column)
    if not isinstance(cell, str):
        return []
    names = cell.split(";") if column == "value" else [cell]
    return [name.strip() for name in names if name.strip()]


def _statement_id(statement: str) -> str:
    """The external id of a claim a CSV gives without one: its statement's, folded — rows with
    the same statement are versions of one claim, found again on the next import."""
    return f"statement:{hashlib.sha256(normalize_name(statement).encode()).hexdigest()}"


# A CSV row's cells for its claim (and its review).
CLAIM_CELLS = ("claim_id", "statement", "subject", "property", "value_type", "verdict",
               "reviewed_on")  # fmt: skip
# A CSV row's cells for its source.
SOURCE_CELLS = ("source_url", "source_title", "source_kind", "source_language",
                "source_published", "source_text")  # fmt: skip

# The file's names for a version's fields, where they are not the model's.
VERSION_NAMES = {
    "said_on_precision": "said_on",
    "as_of_precision": "as_of",
    "value_number": "value",
    "value_date": "value",
    "value_date_precision": "value",
    "value_text": "value",
    "value_boolean": "value",
    "value_entities": "value",
}

# A ClaimReview's names for the review as a source.
REVIEW_NAMES = {
    "source_title": "headline",
    "source_url": "url",
    "source_language": "inLanguage",
    "source_published": "datePublished",
}


def _keys(entity: Entity, aliases) -> list[str]:
    """The folded names an entity goes by: its name, then its aliases."""
    keys = [entity.normalized_name or normalize_name(entity.name)]
    keys += [alias.normalized or normalize_name(alias.name) for alias in aliases]
    return [key for key in dict.fromkeys(keys) if key]


def _source_keys(source: Source) -> list[tuple[str, str]]:
    """What finds a source again, the strongest first: its URL, its text, its title (for a
    source without a URL: a ClaimReview names a work without giving its text)."""
    keys = []
    if source.url:
        keys.append(("url", source.url))
    if source.text:
        keys.append(("text", source.content_sha256))
    if not source.url:
        keys.append(("title", source.title))
    return keys


def export_desk(*, by) -> Iterator[str]:
    """The whole desk as a dump's text, streamed (``claims.interchange.dump``): for those who
    may have it all — the history and people's names are in it."""
    policy.require(by, "dump_desk")
    return desk_dump()


# --- Imports of uploaded files ----------------------------------------------------------------


def start_import(*, upload, by, format: str = "", dry_run: bool = False) -> ImportJob:
    """Keep an uploaded file and import it: at once when it is small, else in the background
    (``claims.tasks.import_file``, run by ``manage.py db_worker``). The job tells how far it
    is and, once done, what came of it."""
    for action in IMPORT_ACTIONS:
        policy.require(by, action)
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": upload.name, "limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    job = ImportJob.objects.create(
        user=by, file_name=upload.name[:255], format=format, dry_run=dry_run, size=upload.size
    )
    job.path.parent.mkdir(parents=True, exist_ok=True)
    with open(job.path, "wb") as file:
        for chunk in upload.chunks():
            file.write(chunk)
    if job.size <= settings.IMPORT_INLINE_BYTES:
        run_import_job(job.pk)
        job.refresh_from_db()
    else:
        from claims.tasks import import_file

        transaction.on_commit(lambda: import_file.enqueue(job.pk))
    return job


def run_import_job(job_id: int) -> None:
    """Import a job's file (a background task's body), telling its progress on the way, and
    keep the report with the job. The file is deleted once read."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.finished:
        return  # a task run twice
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        with open(job.path, "rb") as file:

            def progress(records: int) -> None:
                percent = 100 * file.tell() // job.size if job.size else 100
                ahead = job.progress_path.with_suffix(".writing")
                ahead.write_text(json.dumps({"records": records, "percent": percent}))
                ahead.replace(job.progress_path)

            report = import_records(
                records=records_of(file, job.format or None),
                by=job.user,
                dry_run=job.dry_run,
                progress=progress,
            )
    except Exception:
        logger.exception("Import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.report = {"ok": False, "summary": _("The import stopped on an error of ours.")}
    else:
        job.report = report.as_json()
        job.status = (
            ImportStatus.REFUSED
            if not report.ok
            else ImportStatus.CHECKED
            if job.dry_run
            else ImportStatus.DONE
        )
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "finished_at"])
    job.path.unlink(missing_ok=True)
    job.progress_path.unlink(missing_ok=True)
