"""The verdict scale, shipped as data: administrators rename or extend it."""

from django.utils.translation import gettext as _

from claims import policy
from claims.models import Verdict

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
