"""Merging a duplicate claim into the claim it duplicates."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from claims import policy
from claims.models import (
    Appearance,
    Claim,
    ClaimStatus,
    Conflict,
    Evidence,
    ReviewAction,
    TrackRecord,
)

from .base import delete_as, save_as, service
from .conflicts import detect_conflicts, lock_facts
from .review import record_event
from .search import refresh_search
from .versioning import save_bumped, save_versioned


def _refuse_merge(duplicate: Claim, into: Claim) -> None:
    if duplicate.pk == into.pk:
        raise ValidationError(_("A claim cannot be merged into itself."))
    for claim in (duplicate, into):
        if claim.merged_into_id is not None:
            raise ValidationError(
                _("Claim #%(id)s was already merged into #%(into)s.")
                % {"id": claim.pk, "into": claim.merged_into_id}
            )
    if duplicate.value_type != into.value_type:
        raise ValidationError(
            _(
                "Claim #%(a)s states a value of type “%(a_type)s” and #%(b)s one of type "
                "“%(b_type)s”: only claims with one value type can be merged."
            )
            % {
                "a": duplicate.pk,
                "a_type": duplicate.get_value_type_display(),
                "b": into.pk,
                "b_type": into.get_value_type_display(),
            }
        )


@service
def merge_claims(*, duplicate: Claim, into: Claim, by, based_on: int, note: str = "") -> Claim:
    """Merge ``duplicate`` into ``into``, the claim it duplicates: its versions, evidence and
    conflicts move to ``into`` (its history shows on ``into``'s timeline); ``duplicate`` is
    archived with a pointer to ``into``; a review event on each says so; the versions of
    ``into``'s fact are compared again. ``based_on`` is the duplicate's version the reviewer
    saw. Refused, with nothing written, when the two claims' value types differ."""
    policy.require(by, "merge_claims")
    lock_facts(duplicate, into)
    locked = {
        c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])
    }
    duplicate.merged_into_id = locked[duplicate.pk].merged_into_id
    into.merged_into_id = locked[into.pk].merged_into_id
    _refuse_merge(duplicate, into)
    speakers = set(into.appearances.values_list("speaker_id", flat=True))
    for appearance in Appearance.objects.select_for_update().filter(claim=duplicate):
        speakers.add(appearance.speaker_id)
        appearance.claim = into
        save_bumped(appearance, by=by, fields=["claim"])
    kept_sources = dict(into.evidence.values_list("source_id", "pk"))
    for evidence in Evidence.objects.filter(claim=duplicate).select_related("source"):
        if evidence.source_id in kept_sources:
            # ``into`` already cites this source; keep its stance and add the other's note.
            kept = Evidence.objects.get(pk=kept_sources[evidence.source_id])
            if evidence.note.strip() and evidence.note.strip() not in kept.note:
                kept.note = f"{kept.note}\n{evidence.note}".strip()
                save_as(kept, by=by)
            delete_as(evidence, by=by)
        else:
            evidence.claim = into
            save_as(evidence, by=by)
    for conflict in Conflict.objects.filter(claim=duplicate):
        conflict.claim = into
        save_as(conflict, by=by)
    Claim.objects.filter(pk__in=[duplicate.pk, into.pk]).recount_open_conflicts()
    old_status = duplicate.status
    duplicate.status, duplicate.merged_into = ClaimStatus.ARCHIVED, into
    save_versioned(duplicate, by=by, based_on=based_on, fields=["status", "merged_into"])
    record_event(
        claim=duplicate,
        by=by,
        action=ReviewAction.STATUS,
        old_value=old_status,
        new_value=ClaimStatus.ARCHIVED,
        note=note,
    )
    # One event on each, read "#7 → #3" on both timelines.
    for claim in (duplicate, into):
        record_event(
            claim=claim,
            by=by,
            action=ReviewAction.MERGED,
            old_value=f"#{duplicate.pk}",
            new_value=f"#{into.pk}",
            note=note,
        )
    refresh_search([duplicate, into])
    detect_conflicts(into, by=by)
    # The duplicate's speakers made ``into`` now; a reviewed duplicate counts no more.
    if ClaimStatus.REVIEWED in (old_status, locked[into.pk].status):
        TrackRecord.objects.recount(speakers)
    return into
