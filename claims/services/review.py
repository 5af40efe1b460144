"""Writes that leave a trace in the review history."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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

from .base import save_as, service


def record_event(
    *,
    claim: Claim,
    by,
    action: str,
    old_value: str = "",
    new_value: str = "",
    note: str = "",
    conflict: Conflict | None = None,
) -> ReviewEvent:
    """Append one step to ``claim``'s review history; called by the services that take it,
    in their transaction."""
    Claim.objects.filter(pk=claim.pk).mark_active()
    return ReviewEvent.objects.create(
        claim=claim,
        actor=policy.user_of(by),
        action=action,
        old_value=old_value[:300],
        new_value=new_value[:300],
        note=note,
        conflict=conflict,
    )


@service
def flag_conflict(
    *,
    appearance_a: Appearance,
    appearance_b: Appearance,
    kind: str = ConflictKind.OTHER,
    detail: str,
    by,
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
        flagged_by=policy.user_of(by),
    )
    conflict.full_clean()
    save_as(conflict, by=by)
    Claim.objects.of_conflicts([conflict]).recount_open_conflicts()
    record_event(
        claim=conflict.claim,
        by=by,
        action=ReviewAction.CONFLICT_FLAGGED,
        new_value=conflict.kind,
        note=conflict.detail,
        conflict=conflict,
    )
    return conflict


@service
def change_conflict(*, conflict: Conflict, by, kind: str, detail: str) -> Conflict:
    """Correct the kind or detail of a conflict flagged by hand; a review event keeps what it
    said before. What the engine detected is the engine's to describe."""
    policy.require(by, "change_conflict")
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.origin != ConflictOrigin.MANUAL:
        raise ValidationError(
            _("This conflict was detected automatically: its kind and detail follow the values.")
        )
    old = f"{conflict.kind}: {conflict.detail}"
    conflict.kind, conflict.detail = kind, detail.strip()
    conflict.full_clean()
    if old == f"{conflict.kind}: {conflict.detail}":
        return conflict
    save_as(conflict, by=by)
    record_event(
        claim=conflict.claim,
        by=by,
        action=ReviewAction.CONFLICT_EDITED,
        old_value=old,
        new_value=f"{conflict.kind}: {conflict.detail}",
        conflict=conflict,
    )
    return conflict
