"""Deciding what a fact's value is: its open conflicts read as one disagreement between values.

The engine files a conflict per pair of versions that differ: one version listing Italy among
the co-chairs, against two that do not, makes two conflicts. A reviewer decides about the
values, not the pairs — which value holds (every version stating it is preferred, the others
set aside), or, for what can change over time, that each held at its date, or that there is
no real contradiction — and each of the conflicts is decided accordingly, in one transaction.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import policy
from claims.dates import precise_date_of
from claims.models import (
    Appearance,
    Claim,
    Conflict,
    ConflictOrigin,
    ConflictResolution,
    ConflictState,
    Rank,
    ReviewAction,
    ValueType,
)

from .base import save_as, service
from .comparison import Version, compare, describe
from .conflicts import (
    _locked_conflict,
    describe_conflicts,
    dismiss_conflict,
    lock_facts,
    resolve_conflict,
    versions_of,
)
from .review import record_event
from .versioning import save_bumped


class ValueDecision(models.TextChoices):
    HOLDS = "holds", gettext_lazy("This value holds")
    EACH_AT_ITS_DATE = "each_at_its_date", gettext_lazy("Each value held at its date")
    DISMISS = "dismiss", gettext_lazy("Not a real contradiction")


@dataclass(frozen=True)
class Witness:
    """A version as a decision names it: where and when it was said."""

    appearance: Appearance
    source: str
    date: str  # as a reader writes it ("mai 2022"), "" when undated


@dataclass
class Value:
    """One of the values in disagreement, with the versions that state it."""

    text: str
    witnesses: list[Witness] = field(default_factory=list)

    @property
    def choice(self) -> str:
        """The form's choice for this value (``ValueDecisionForm``): named by a version."""
        return f"holds:{self.witnesses[0].appearance.pk}"


@dataclass
class Disagreement:
    """A fact's open conflicts found by the engine, as the values they oppose."""

    claim: Claim
    conflicts: list[Conflict]
    values: list[Value]
    versions: dict[int, Version]  # the versions in the conflicts, by id

    @property
    def conflict_ids(self) -> str:
        return ",".join(str(conflict.pk) for conflict in self.conflicts)

    @property
    def may_each_hold(self) -> bool:
        return self.claim.changes_over_time

    def appearance(self, pk: int) -> Appearance | None:
        """The version ``pk`` of the disagreement, or None."""
        found = (w.appearance for v in self.values for w in v.witnesses if w.appearance.pk == pk)
        return next(found, None)


def _witness(appearance: Appearance) -> Witness:
    date = precise_date_of(appearance, "as_of") or precise_date_of(
        appearance.source, "published_on"
    )
    return Witness(appearance, appearance.source.title, date.label() if date else "")


def disagreement_of(claim: Claim) -> Disagreement | None:
    """The open conflicts the engine found between versions of ``claim``'s fact, grouped by
    the values they state (versions stating one value agree), each conflict described
    (``describe_conflicts``), or None. Three queries."""
    if claim.value_type == ValueType.NONE:
        return None
    engine = Conflict.objects.involving(claim).open().filter(origin=ConflictOrigin.AUTO)
    conflicts = list(engine.select_related("claim").order_by("pk"))
    if not conflicts:
        return None
    ids = {pk for c in conflicts for pk in (c.appearance_a_id, c.appearance_b_id)}
    appearances = list(
        Appearance.objects.filter(pk__in=ids).with_values().order_by("source__published_on", "pk")
    )
    versions = versions_of(appearances, claim.value_type)
    values: dict[str, Value] = {}
    for appearance in appearances:
        version = versions[appearance.pk]
        text = describe(version.value, version.names)
        values.setdefault(text, Value(text)).witnesses.append(_witness(appearance))
    describe_conflicts(conflicts, appearances)
    return Disagreement(claim, conflicts, list(values.values()), versions)


def _set_aside(conflict: Conflict, *, by, note: str, holds: str) -> None:
    """Resolve a conflict between two versions that both state another value than the one
    that holds: both are deprecated."""
    conflict = _locked_conflict(conflict)
    conflict.state = ConflictState.RESOLVED
    conflict.resolution = ConflictResolution.ANOTHER_VALUE
    conflict.resolution_note = note
    conflict.resolved_by = policy.user_of(by)
    conflict.resolved_at = timezone.now()
    save_as(conflict, by=by)
    Claim.objects.of_conflicts([conflict]).recount_open_conflicts()
    reason = _("Another value holds (%(value)s): %(note)s") % {"value": holds, "note": note}
    for appearance in (conflict.appearance_a, conflict.appearance_b):
        appearance = Appearance.objects.select_for_update().get(pk=appearance.pk)
        appearance.rank, appearance.rank_reason = Rank.DEPRECATED, reason
        save_bumped(appearance, by=by, fields=["rank", "rank_reason"])
    record_event(
        claim=conflict.claim,
        by=by,
        action=ReviewAction.CONFLICT_RESOLVED,
        old_value=ConflictState.OPEN,
        new_value=conflict.resolution,
        note=note,
        conflict=conflict,
    )


@service
def decide_value(
    *,
    claim: Claim,
    by,
    conflict_ids: list[int],
    decision: str,
    note: str,
    holds: Appearance | None = None,
) -> Disagreement:
    """Decide the disagreement about ``claim``'s value that the reviewer saw — its open
    conflicts ``conflict_ids`` —: the value stated by ``holds`` holds (``HOLDS``), each value
    held at its date (``EACH_AT_ITS_DATE``, for what can change over time), or there is no
    real contradiction (``DISMISS``). A note is required. Refused, with nothing written, when
    the disagreement changed since it was shown (a version recorded, a conflict decided)."""
    policy.require(by, "decide_conflict")
    if decision not in ValueDecision.values:
        raise ValidationError({"decision": _("Choose what holds.")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why: the note is kept with the decision.")})
    lock_facts(claim)
    disagreement = disagreement_of(claim)
    shown = sorted(set(conflict_ids))
    if disagreement is None or [c.pk for c in disagreement.conflicts] != shown:
        raise ValidationError(
            _(
                "The disagreement changed since the page was shown (a version recorded or a "
                "conflict decided meanwhile): look at it again."
            )
        )
    if decision == ValueDecision.DISMISS:
        for conflict in disagreement.conflicts:
            dismiss_conflict(conflict=conflict, by=by, note=note)
        return disagreement
    if decision == ValueDecision.EACH_AT_ITS_DATE:
        for conflict in disagreement.conflicts:
            resolve_conflict(conflict=conflict, by=by, note=note, both_hold=True)
        return disagreement
    chosen = disagreement.versions.get(getattr(holds, "pk", None))
    if chosen is None:
        raise ValidationError({"holds": _("Choose the value that holds.")})
    # The versions that agree with it hold with it ("2021" with "2021-05"); the others are
    # set aside.
    options = {**claim.comparison_options(), "compare_text": True}
    winners = {
        pk for pk, version in disagreement.versions.items()
        if compare(version, chosen, **options) is None
    }  # fmt: skip
    value = describe(chosen.value, chosen.names)
    for conflict in disagreement.conflicts:
        a, b = conflict.appearance_a_id in winners, conflict.appearance_b_id in winners
        if not a and not b:
            _set_aside(conflict, by=by, note=note, holds=value)
            continue
        if a and b:
            # Both agree with it, not with each other ("2021-03" and "2021-05" with "2021"):
            # the one that states it exactly prevails.
            a = disagreement.versions[conflict.appearance_a_id].value == chosen.value
        prevailing = conflict.appearance_a if a else conflict.appearance_b
        resolve_conflict(conflict=conflict, by=by, note=note, prevailing=prevailing)
    return disagreement
