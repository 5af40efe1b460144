"""Recording where a claim appears."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from claims import policy
from claims.models import Appearance, Claim, Entity, Source, ValueType

from .conflicts import detect_conflicts, detect_conflicts_for_appearances
from .versioning import save_versioned

# Appearance.clean() checks each of the model's invariants in Python, with a message; the
# database constraints stay the last guard. (Validating them against the database would cost
# one query per check constraint, on every save.)


def _check_entities_allowed(claim: Claim, value_entities) -> None:
    if value_entities and claim.value_type != ValueType.ENTITIES:
        raise ValidationError(
            {
                "value_entities": _("This claim's value type is “%(type)s”; leave this empty.")
                % {"type": claim.get_value_type_display()}
            }
        )


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
    policy.require(by, "record_appearance")
    appearance = Appearance(claim=claim, source=source, added_by=by, **fields)
    value_entities = list(value_entities)
    appearance.full_clean(validate_constraints=False)
    _check_entities_allowed(claim, value_entities)
    appearance._history_user = by
    appearance.save()
    if value_entities:
        appearance.value_entities.set(value_entities)
    detect_conflicts(claim, by=by)
    return appearance


@transaction.atomic
def update_appearance(
    *,
    appearance: Appearance,
    by,
    based_on: int,
    value_entities: Iterable[Entity] | None = None,
    **changes,
) -> Appearance:
    """Edit a version on the version number ``based_on``; raises StaleVersion (naming who
    changed what since) if it moved on, ValidationError for bad input. Then compares the
    versions of its fact again (and of the claim it left, if it moved)."""
    policy.require(by, "change_appearance")
    old_claim_id = appearance.claim_id
    for name, value in changes.items():
        setattr(appearance, name, value)
    appearance.full_clean(exclude=["version"], validate_constraints=False)
    if value_entities is not None:
        value_entities = list(value_entities)
        _check_entities_allowed(appearance.claim, value_entities)
    save_versioned(appearance, by=by, based_on=based_on, fields=[*changes, "prefix", "suffix"])
    if value_entities is not None:
        appearance.value_entities.set(value_entities)
    detect_conflicts_for_appearances({old_claim_id, appearance.claim_id}, by=by)
    return appearance


@transaction.atomic
def record_claim_from_source(
    *,
    source: Source,
    by,
    claim: Claim | None = None,
    new_claim: dict | None = None,
    value_entities: Iterable[Entity] = (),
    **fields,
) -> Appearance:
    """Record a passage of ``source`` as a version of ``claim``, or of a new claim made from
    ``new_claim`` (statement, subject, property, value_type) — all or nothing."""
    if claim is None:
        policy.require(by, "add_claim")
        claim = Claim(created_by=by, **(new_claim or {}))
        claim.full_clean(exclude=["version"])
        claim._history_user = by
        claim.save()
    return record_appearance(
        claim=claim, source=source, by=by, value_entities=value_entities, **fields
    )
