"""The verdict scale, shipped as data: administrators rename or extend it."""

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from claims import policy
from claims.models import Verdict

from .base import service


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
    try:
        verdict.delete()
    except ProtectedError:
        raise ValidationError(
            _("Claims have the verdict “%(label)s”: rename it rather than delete it.")
            % {"label": verdict.label}
        ) from None
