"""A claim's full timeline: the review history and every recorded change, newest first."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from claims.models import Appearance, Claim, Evidence, ReviewAction, ReviewEvent, Source

# Claim fields whose changes the review events already tell, with their notes.
TOLD_BY_EVENTS = {
    "status",
    "verdict",
    "assignee",
    "proposed_verdict",
    "proposed_by",
    "proposal_note",
}
SKIPPED = {"id", "version", "created_at", "updated_at", "property_key", "prefix", "suffix"}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    what: str
    detail: str = ""
    note: str = ""


def who(user) -> str:
    return user.get_username() if user else _("the tracker")


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    return text if len(text) <= 80 else f"{text[:79]}…"


def _label(model, name: str, value):
    """A stored value as the pages show it: a choice by its label ("deprecated" → «écartée»),
    anything else as it is."""
    choices = model._meta.get_field(name).flatchoices
    return dict(choices).get(value, value) if choices else value


def describe_changes(records, model, *, skip=frozenset(), sets=None) -> list[tuple[object, str]]:
    """(record, "field “old” → “new”, …") for each historical record that changed a field,
    comparing it with the record before it (records of one object, oldest first). One query
    per changed relation, to name the related objects; for a model with a tracked set (a
    version's entities), two more — or none when ``sets`` (``_tracked_sets``) is given."""
    fields = [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in SKIPPED | skip and field.editable
    ]
    if sets is None:
        sets = _tracked_sets(records, model)
    changes = []
    for previous, record in zip(records, records[1:], strict=False):
        delta = record.diff_against(previous, included_fields=fields, foreign_keys_are_objs=True)
        described = [
            f"{model._meta.get_field(change.field).verbose_name} "
            f"“{_shown(_label(model, change.field, change.old))}” → "
            f"“{_shown(_label(model, change.field, change.new))}”"
            for change in delta.changes
        ]
        for name, per_record in sets.items():
            old = per_record.get(previous.history_id, "")
            new = per_record.get(record.history_id, "")
            if old != new:
                label = model._meta.get_field(name).verbose_name
                described.append(f"{label} “{_shown(old)}” → “{_shown(new)}”")
        if described:
            changes.append((record, ", ".join(described)))
    return changes


def _tracked_sets(records, model) -> dict[str, dict[int, str]]:
    """For each many-to-many field whose history is kept: {history id: the names of the set,
    sorted and joined}. One query a field, for every record at once."""
    if not records:
        return {}
    sets = {}
    for name in (field.name for field in getattr(records[0], "_history_m2m_fields", [])):
        field = model._meta.get_field(name)
        rows_model = (
            type(records[0])
            ._meta.get_field(f"{type(records[0])._meta.model_name}_{name}")
            .related_model
        )
        target = field.m2m_reverse_field_name()
        rows = rows_model.objects.filter(
            history__in=[record.history_id for record in records]
        ).values_list("history_id", f"{target}_id", f"{target}__name")
        per_record: dict[int, list[str]] = {}
        for history_id, related, related_name in rows:
            per_record.setdefault(history_id, []).append(related_name or f"#{related}")
        sets[name] = {key: ", ".join(sorted(value)) for key, value in per_record.items()}
    return sets


def _lifecycle_entries(records, model, whats, *, label, first_detail, skip) -> list[TimelineEntry]:
    """Entries for the objects whose history ``records`` are (ordered by object, then time):
    added, each change (with what changed), deleted."""
    added, changed, deleted = whats
    records = list(records)
    sets = _tracked_sets(records, model)
    per_object: dict[int, list] = {}
    for record in records:
        per_object.setdefault(record.id, []).append(record)
    entries = []
    for records_of_one in per_object.values():
        first = records_of_one[0]
        entries.append(
            TimelineEntry(
                first.history_date,
                who(first.history_user),
                added,
                f"{label(first)}: {first_detail(first)}",
            )
        )
        kept = [record for record in records_of_one if record.history_type != "-"]
        for record, what in describe_changes(kept, model, skip=skip, sets=sets):
            entries.append(
                TimelineEntry(
                    record.history_date,
                    who(record.history_user),
                    changed,
                    f"{label(record)}: {what}",
                )
            )
        for record in records_of_one:
            if record.history_type == "-":
                entries.append(
                    TimelineEntry(
                        record.history_date, who(record.history_user), deleted, label(record)
                    )
                )
    return entries


def claim_timeline(claim: Claim) -> list[TimelineEntry]:
    """Everything that happened to ``claim``, newest first: its review events (status, verdict,
    assignment, conflicts flagged, detected, edited, resolved, dismissed, reopened, versions
    ranked — with notes), its creation and edits, its versions added, changed (their sets of
    entities too) and deleted, and its evidence added, changed and removed. Four queries, plus
    one per related object named in a change. The history of the claims merged into it is
    part of it."""
    ids = claim.lineage_ids()
    entries = [
        TimelineEntry(
            at=event.created_at,
            actor=who(event.actor),
            what=event.get_action_display(),
            detail=" → ".join(part for part in (event.old_label, event.new_label) if part),
            # What the engine found is the conflict's description, shown in the reader's
            # language with the conflict; the note keeps it in the language of its detection.
            note=""
            if event.actor is None and event.action == ReviewAction.CONFLICT_DETECTED
            else event.note,
        )
        for event in ReviewEvent.objects.filter(claim__in=ids)
        .with_verdict_labels()
        .select_related("actor")
    ]

    claim_records: dict[int, list] = {}
    for record in (
        Claim.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        claim_records.setdefault(record.id, []).append(record)
    for claim_id, records in claim_records.items():
        # A merged claim's entries name it; the claim's own do not need to.
        named = "" if claim_id == claim.pk else f"#{claim_id}"
        first = records[0]
        entries.append(
            TimelineEntry(first.history_date, who(first.history_user), _("claim created"), named)
        )
        for record, what in describe_changes(records, Claim, skip=TOLD_BY_EVENTS):
            entries.append(
                TimelineEntry(
                    record.history_date,
                    who(record.history_user),
                    _("claim edited"),
                    f"{named}: {what}" if named else what,
                )
            )

    appearance_records = (
        Appearance.history.filter(claim_id__in=ids)
        .select_related("history_user", "source")
        .defer("source__text", "source__search_text")
        .order_by("id", "history_date", "history_id")
    )
    entries += _lifecycle_entries(
        appearance_records,
        Appearance,
        (_("version added"), _("version changed"), _("version deleted")),
        # A version is named by its source (ids mean nothing to a reader).
        label=lambda record: (
            _("version from «%(source)s»")
            % {"source": _shown(record.source.title if record.source else f"#{record.source_id}")}
        ),
        first_detail=lambda record: f"“{_shown(record.quote)}”",
        skip={"claim"},
    )
    evidence_records = (
        Evidence.history.filter(claim_id__in=ids)
        .select_related("history_user", "source")
        .order_by("id", "history_date", "history_id")
    )
    entries += _lifecycle_entries(
        evidence_records,
        Evidence,
        (_("evidence added"), _("evidence changed"), _("evidence removed")),
        label=lambda record: _("evidence #%(id)s") % {"id": record.id},
        first_detail=lambda record: f"{_shown(record.source)} ({record.get_stance_display()})",
        skip={"claim"},
    )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


# --- The desk's recent activity ------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    at: datetime
    actor: object  # a user, None for the tracker
    what: str
    detail: str = ""
    claim: Claim | None = None  # what the entry links to: a claim, else a source
    source: Source | None = None


def recent_activity(limit: int = 15) -> list[Activity]:
    """What the desk did last, newest first: review steps, and the editors' work the review
    history does not hold — sources added, versions recorded, evidence added. Four queries,
    each the newest ``limit`` of its kind (on the indexes of their dates)."""
    events = ReviewEvent.objects.with_verdict_labels().select_related("claim", "actor")
    entries = [
        Activity(
            event.created_at,
            event.actor,
            event.get_action_display(),
            event.new_label,
            claim=event.claim,
        )  # fmt: skip
        for event in events[:limit]
    ]

    def created(model):
        newest = model.history.filter(history_type="+").order_by("-history_date", "-history_id")
        return newest.select_related("history_user")

    entries += [
        Activity(
            record.history_date,
            record.history_user,
            _("source added"),
            source=Source(pk=record.id, title=record.title),
        )  # fmt: skip
        for record in created(Source).only("id", "title", "history_date", "history_user")[:limit]
    ]
    # A version or evidence whose claim was deleted since is left out.
    entries += [
        Activity(
            record.history_date, record.history_user, _("version recorded"), claim=record.claim
        )  # fmt: skip
        for record in created(Appearance).select_related("claim")[:limit]
        if record.claim
    ]
    entries += [
        Activity(
            record.history_date,
            record.history_user,
            _("evidence added"),
            record.get_stance_display(),
            claim=record.claim,
        )  # fmt: skip
        for record in created(Evidence).select_related("claim")[:limit]
        if record.claim
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
