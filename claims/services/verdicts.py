"""The verdict scale, shipped as data: administrators rename or extend it, and map other
publishers' ClaimReview ratings to it."""

from django.utils.translation import gettext as _

from claims import policy
from claims.models import RatingMapping, Verdict

from .base import delete_as, service


@service
def save_verdict(*, verdict: Verdict, by) -> Verdict:
    """Add or change a verdict of the scale, validated as a whole."""
    policy.require(by, "manage_verdicts")
    verdict.full_clean()
    verdict.save()
    return verdict


@service
def delete_verdict(*, verdict: Verdict, by) -> None:
    """Delete a verdict no claim has been given."""
    policy.require(by, "manage_verdicts")
    delete_as(
        verdict,
        by=by,
        refusal=_("Claims have the verdict “%(label)s”: rename it rather than delete it.")
        % {"label": verdict.label},
    )


@service
def save_rating_mapping(*, mapping: RatingMapping, by) -> RatingMapping:
    """Add or change how another publisher's rating reads as a verdict, for imports."""
    policy.require(by, "manage_verdicts")
    mapping.full_clean()
    mapping.save()
    return mapping


@service
def delete_rating_mapping(*, mapping: RatingMapping, by) -> None:
    policy.require(by, "manage_verdicts")
    mapping.delete()
