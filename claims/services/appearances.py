"""Recording where a claim appears: its versions, added, edited, ranked and deleted."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from claims import policy
from claims.models import (
    Appearance,
    Claim,
    ClaimStatus,
    Conflict,
    Entity,
    Rank,
    ReviewAction,
    Source,
    TrackRecord,
    ValueType,
)

from .base import delete_as, record_history, service, without_history
from .conflicts import detect_conflicts, detect_conflicts_for_appearances, lock_facts
from .review import record_event
from .search import refresh_search
from .versioning import save_bumped, save_versioned
from .workflow import create_claim

# Appearance.clean() checks each of the model's invariants in Python, with a message; the
# database constraints stay the last guard. (Validating them against the database would cost
# one query per check constraint, on every save.)

# What an edit may change: the rank changes only by a decision (resolve_conflict) or by a
# reviewer through rank_version, both of which leave a review event.
EDITABLE_FIELDS = {
    "claim", "source", "speaker", "speaker_description", "attribution", "quote", "start", "end",
    "said_on", "said_on_precision", "as_of", "as_of_precision", "value_number", "value_date",
    "value_date_precision", "value_text", "value_boolean",
}  # fmt: skip


def _check_fields(fields) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be set here: %(names)s. A rank changes by a decision.")
            % {"names": ", ".join(sorted(unknown))}
        )


def _check_entities_allowed(claim: Claim, value_entities) -> None:
    if value_entities and claim.value_type != ValueType.ENTITIES:
        raise ValidationError(
            {
                "value_entities": _("This claim's value type is “%(type)s”; leave this empty.")
                % {"type": claim.get_value_type_display()}
            }
        )


@service
def record_appearance(
    *,
    claim: Claim,
    source: Source,
    by,
    value_entities: Iterable[Entity] = (),
    **fields,
) -> Appearance:
    """Record one version of ``claim`` in ``source``, validated as a whole, and compare it
    with the other versions of its fact (``detect_conflicts``), in one transaction.

    ``fields`` are Appearance fields (quote, start, end, speaker, attribution, dates, values).
    Raises ValidationError naming each problem; nothing is written then.
    """
    policy.require(by, "record_appearance")
    _check_fields(fields)
    lock_facts(claim)
    appearance = Appearance(claim=claim, source=source, added_by=policy.user_of(by), **fields)
    value_entities = list(value_entities)
    appearance.full_clean(validate_constraints=False)
    _check_entities_allowed(claim, value_entities)
    # One history record of the version as recorded, its set of entities included.
    appearance.save_without_historical_record()
    with without_history(appearance):
        appearance.value_entities.set(value_entities)
    record_history(appearance, by=by, history_type="+")
    Claim.objects.filter(pk=claim.pk).mark_active()
    refresh_search([claim])
    detect_conflicts(claim, by=by)
    _recount_track_records([claim.pk], [appearance.speaker_id])
    return appearance


def _recount_track_records(claim_ids, speakers) -> None:
    """The speakers' track records, if one of the claims (as now) is reviewed. Last in a
    service: it locks the speakers (``TrackRecordQuerySet.recount``)."""
    if Claim.objects.filter(pk__in=claim_ids, status=ClaimStatus.REVIEWED).exists():
        TrackRecord.objects.recount(speakers)


@service
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
    _check_fields(changes)
    # The instance may come from a form that already holds the new values: the claim it
    # leaves is read from the database.
    old_claim = Claim.objects.get(appearances=appearance.pk)
    old_speaker = Appearance.objects.values_list("speaker_id", flat=True).get(pk=appearance.pk)
    for name, value in changes.items():
        setattr(appearance, name, value)
    lock_facts(old_claim, appearance.claim)
    appearance.full_clean(exclude=["version"], validate_constraints=False)
    if value_entities is not None:
        value_entities = list(value_entities)
        _check_entities_allowed(appearance.claim, value_entities)
        # Before the save: its history record holds the new set (all undone if it is stale).
        with without_history(appearance):
            appearance.value_entities.set(value_entities)
    save_versioned(appearance, by=by, based_on=based_on, fields=[*changes, "prefix", "suffix"])
    touched = Claim.objects.filter(pk__in=[old_claim.pk, appearance.claim_id])
    touched.mark_active()
    if old_claim.pk != appearance.claim_id:
        touched.recount_open_conflicts()  # a version moved to another claim takes its conflicts
    refresh_search([old_claim, appearance.claim_id])
    detect_conflicts_for_appearances({old_claim.pk, appearance.claim_id}, by=by)
    if {"claim", "speaker"} & set(changes):
        _recount_track_records(
            [old_claim.pk, appearance.claim_id], [old_speaker, appearance.speaker_id]
        )
    return appearance


@service
def delete_appearance(*, appearance: Appearance, by) -> None:
    """Delete a version (its conflicts go with it) and compare what is left of its fact. An
    editor may delete the versions they recorded (``policy.may_delete_version``)."""
    if not policy.may_delete_version(by, appearance):
        policy.require(by, "delete_appearance")
    claim_id = appearance.claim_id
    lock_facts(appearance.claim)
    # Its conflicts go with it: the claims on their other side count one fewer.
    conflicts = Conflict.objects.of_versions([appearance.pk])
    involved = [claim_id, *Claim.objects.of_conflicts(conflicts).values_list("pk", flat=True)]
    delete_as(appearance, by=by)
    Claim.objects.filter(pk__in=involved).recount_open_conflicts()
    Claim.objects.filter(pk=claim_id).mark_active()
    refresh_search([claim_id])
    detect_conflicts_for_appearances([claim_id], by=by)
    _recount_track_records([claim_id], [appearance.speaker_id])


@service
def rank_version(*, appearance: Appearance, by, rank: str, reason: str) -> Appearance:
    """A reviewer ranks a version by hand (preferred, normal, deprecated), with the reason; a
    review event says so. Its revision goes up, so a form opened before is stale."""
    policy.require(by, "rank_version")
    lock_facts(appearance.claim)
    appearance = Appearance.objects.select_for_update().get(pk=appearance.pk)
    if rank not in Rank.values:
        raise ValidationError({"rank": _("Unknown rank: %(rank)s.") % {"rank": rank}})
    reason = reason.strip()
    if rank != Rank.NORMAL and not reason:
        raise ValidationError(
            {"rank_reason": _("A preferred or deprecated version needs a reason.")}
        )
    old = appearance.rank
    appearance.rank, appearance.rank_reason = rank, reason
    save_bumped(appearance, by=by, fields=["rank", "rank_reason"])
    record_event(
        claim=appearance.claim,
        by=by,
        action=ReviewAction.RANK,
        old_value=old,
        new_value=rank,
        note=_("Version from «%(source)s»: %(reason)s")
        % {"source": appearance.source.title[:80], "reason": reason or "—"},
    )
    return appearance


@service
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
        claim = create_claim(by=by, **(new_claim or {}))
    return record_appearance(
        claim=claim, source=source, by=by, value_entities=value_entities, **fields
    )
