"""A claim's full timeline: the review history and every recorded change, newest first."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from claims.models import Appearance, Claim, ReviewEvent

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


def describe_changes(records, model, *, skip=frozenset()) -> list[tuple[object, str]]:
    """(record, "field “old” → “new”, …") for each historical record that changed a field,
    comparing it with the record before it (records of one object, oldest first). One query
    per changed relation, to name the related objects."""
    fields = [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in SKIPPED | skip and field.editable
    ]
    changes = []
    for previous, record in zip(records, records[1:], strict=False):
        delta = record.diff_against(previous, included_fields=fields, foreign_keys_are_objs=True)
        if delta.changes:
            changes.append(
                (
                    record,
                    ", ".join(
                        f"{model._meta.get_field(change.field).verbose_name} "
                        f"“{_shown(change.old)}” → “{_shown(change.new)}”"
                        for change in delta.changes
                    ),
                )
            )
    return changes


def claim_timeline(claim: Claim) -> list[TimelineEntry]:
    """Everything that happened to ``claim``, newest first: its review events (status, verdict,
    assignment, conflicts flagged, detected, resolved, dismissed, reopened — with notes), its
    creation and edits, and its versions added, changed and deleted. Three queries, plus one
    per related object named in a change."""
    entries = [
        TimelineEntry(
            at=event.created_at,
            actor=who(event.actor),
            what=event.get_action_display(),
            detail=" → ".join(part for part in (event.old_label, event.new_label) if part),
            note=event.note,
        )
        for event in ReviewEvent.objects.filter(claim=claim).select_related("actor")
    ]

    claim_records = list(
        Claim.history.filter(id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if claim_records:
        first = claim_records[0]
        entries.append(
            TimelineEntry(first.history_date, who(first.history_user), _("claim created"))
        )
    for record, what in describe_changes(claim_records, Claim, skip=TOLD_BY_EVENTS):
        entries.append(
            TimelineEntry(record.history_date, who(record.history_user), _("claim edited"), what)
        )

    appearance_records = list(
        Appearance.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    per_version: dict[int, list] = {}
    for record in appearance_records:
        per_version.setdefault(record.id, []).append(record)
    for version_id, records in per_version.items():
        first = records[0]
        label = _("version #%(id)s") % {"id": version_id}
        entries.append(
            TimelineEntry(
                first.history_date,
                who(first.history_user),
                _("version added"),
                f"{label}: “{_shown(first.quote)}”",
            )
        )
        for record, what in describe_changes(
            [r for r in records if r.history_type != "-"], Appearance, skip={"claim"}
        ):
            entries.append(
                TimelineEntry(
                    record.history_date,
                    who(record.history_user),
                    _("version changed"),
                    f"{label}: {what}",
                )
            )
        for record in records:
            if record.history_type == "-":
                entries.append(
                    TimelineEntry(
                        record.history_date, who(record.history_user), _("version deleted"), label
                    )
                )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
