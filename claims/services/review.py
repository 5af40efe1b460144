"""Writes that leave a trace in the review history."""

from django.db import transaction

from claims import policy
from claims.models import (
    Appearance,
    Claim,
    Conflict,
    ConflictKind,
    ConflictOrigin,
    ReviewAction,
    ReviewEvent,
)


def record_event(
    *,
    claim: Claim,
    actor,
    action: str,
    old_value: str = "",
    new_value: str = "",
    note: str = "",
    conflict: Conflict | None = None,
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        old_value=old_value,
        new_value=new_value,
        note=note,
        conflict=conflict,
    )


@transaction.atomic
def flag_conflict(
    *,
    appearance_a: Appearance,
    appearance_b: Appearance,
    kind: str = ConflictKind.OTHER,
    detail: str,
    by=None,
) -> Conflict:
    """Flag by hand that two versions of a claim contradict each other.

    Raises ValidationError (same version twice, versions of different claims, no detail, pair
    already flagged); nothing is written then."""
    policy.require(by, "flag_conflict")
    conflict = Conflict(
        claim_id=appearance_a.claim_id,
        appearance_a=appearance_a,
        appearance_b=appearance_b,
        kind=kind,
        detail=detail.strip(),
        origin=ConflictOrigin.MANUAL,
        flagged_by=by,
    )
    conflict.full_clean()
    conflict._history_user = by
    conflict.save()
    record_event(
        claim=conflict.claim,
        actor=by,
        action=ReviewAction.CONFLICT_FLAGGED,
        new_value=conflict.kind,
        note=conflict.detail,
        conflict=conflict,
    )
    return conflict
