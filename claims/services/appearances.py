"""Recording where a claim appears."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from claims.models import Appearance, Claim, Entity, Source, ValueType

from .conflicts import detect_conflicts


@transaction.atomic
def record_appearance(
    *,
    claim: Claim,
    source: Source,
    by=None,
    value_entities: Iterable[Entity] = (),
    **fields,
) -> Appearance:
    """Record one version of ``claim`` in ``source``, validated as a whole, and compare it
    with the other versions of its fact (``detect_conflicts``), in one transaction.

    ``fields`` are Appearance fields (quote, start, end, speaker, attribution, dates, values).
    Raises ValidationError naming each problem; nothing is written then.
    """
    appearance = Appearance(claim=claim, source=source, added_by=by, **fields)
    value_entities = list(value_entities)
    appearance.full_clean()
    if value_entities and claim.value_type != ValueType.ENTITIES:
        raise ValidationError(
            {
                "value_entities": _("This claim's value type is “%(type)s”; leave this empty.")
                % {"type": claim.get_value_type_display()}
            }
        )
    appearance._history_user = by
    appearance.save()
    if value_entities:
        appearance.value_entities.set(value_entities)
    detect_conflicts(claim, by=by)
    return appearance
