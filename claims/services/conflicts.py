"""The contradiction engine: finds the versions of a fact that disagree, keeps their conflicts
in step with the values, and carries each conflict through its lifecycle."""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.utils import bulk_update_with_history

from claims import policy
from claims.dates import PreciseDate, precise_date_of
from claims.models import (
    Appearance,
    Claim,
    Conflict,
    ConflictOrigin,
    ConflictResolution,
    ConflictState,
    Rank,
    ReviewAction,
    ReviewEvent,
    ValueType,
)
from claims.text import normalize_name

from .base import history_in_bulk, insert_rows, record_history, save_as, service
from .comparison import (
    Absence,
    Difference,
    Version,
    agreed_value,
    compare,
    describe,
    differ,
    fact_value_type,
)
from .review import record_event
from .versioning import save_bumped

LABEL_LENGTH = 50


@dataclass
class DetectionResult:
    """What one run of the engine did. ``claim_ids`` is the fact group it scanned."""

    claim_ids: set[int] = field(default_factory=set)
    opened: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0

    def __iadd__(self, other: "DetectionResult") -> "DetectionResult":
        self.claim_ids |= other.claim_ids
        for name in ("opened", "updated", "closed", "reopened", "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def stated_value(appearance: Appearance, value_type: str) -> object | None:
    """The value ``appearance`` states, typed by ``value_type``; None when it states none.
    Reads ``value_entities``: prefetch it."""
    entities = ()
    if value_type == ValueType.ENTITIES:
        entities = [entity.pk for entity in appearance.value_entities.all()]
    return typed_value(
        value_type,
        number=appearance.value_number,
        date=appearance.value_date,
        date_precision=appearance.value_date_precision,
        text=appearance.value_text,
        boolean=appearance.value_boolean,
        entities=entities,
    )


def typed_value(value_type: str, *, number, date, date_precision, text, boolean, entities):
    """The value a version's columns state, typed by ``value_type`` (None: it states none).
    One rule for a model read (``stated_value``) and for the rescan's plain rows."""
    if value_type == ValueType.ENTITIES:
        return frozenset(entities) or None
    if value_type == ValueType.NUMBER:
        return number
    if value_type == ValueType.DATE:
        return None if date is None else PreciseDate(date, date_precision)
    if value_type == ValueType.ABSENCE:
        return None if date is None else Absence(PreciseDate(date, date_precision))
    if value_type == ValueType.TEXT:
        return text or None
    if value_type == ValueType.BOOLEAN:
        return boolean
    return None


def versions_of(appearances: list[Appearance], value_type: str) -> dict[int, Version]:
    """Versions keyed by appearance id; ``appearances`` come with their source and entities.

    A version is labelled by its source's title, and by its id too when another version comes
    from the same source. It holds as of its own ``as_of`` date, else its source's date."""
    per_source: dict[int, int] = {}
    for appearance in appearances:
        per_source[appearance.source_id] = per_source.get(appearance.source_id, 0) + 1
    versions = {}
    for appearance in appearances:
        title = appearance.source.title
        label = title if len(title) <= LABEL_LENGTH else f"{title[: LABEL_LENGTH - 1]}…"
        if per_source[appearance.source_id] > 1:
            label = f"{label} #{appearance.pk}"
        versions[appearance.pk] = Version(
            id=appearance.pk,
            label=label,
            value=stated_value(appearance, _value_type_of(appearance, value_type)),
            as_of=precise_date_of(appearance, "as_of")
            or precise_date_of(appearance.source, "published_on"),
            names={entity.pk: entity.name for entity in appearance.value_entities.all()},
        )
    return versions


def _value_type_of(appearance: Appearance, value_type: str) -> str:
    """A version is read by its own claim's value type when it is known (``with_values``
    annotates it): a fact's dates and its absences are compared together (``fact_key``)."""
    if annotated := getattr(appearance, "claim_value_type", None):
        return annotated
    if Appearance.claim.is_cached(appearance):
        return appearance.claim.value_type
    return value_type


def fingerprint(a: Version, b: Version, claim: Claim) -> str:
    """Changes whenever what was compared changes: a value, a date, the claim's options."""

    def canonical(version: Version) -> str:
        value = version.value
        if isinstance(value, frozenset):
            value = sorted(value)
        return f"{version.id}={value!r}@{version.as_of}"

    options = [canonical(a), canonical(b), fact_value_type(claim.value_type), str(claim.tolerance),
               str(claim.compare_text)]  # fmt: skip
    # Named only when off: the prints of conflicts recorded before the option existed hold.
    if not claim.changes_over_time:
        options.append("fixed")
    text = "|".join(options)
    return hashlib.sha256(text.encode()).hexdigest()


def _apply_difference(conflict: Conflict, difference: Difference, print_: str) -> None:
    conflict.kind = difference.kind
    conflict.detail = difference.detail
    conflict.timing = difference.timing
    conflict.fingerprint = print_


def _open(conflict: Conflict) -> None:
    conflict.state = ConflictState.OPEN
    conflict.resolution = ""
    conflict.resolution_note = ""
    conflict.prevailing = None
    conflict.resolved_by = None
    conflict.resolved_at = None


CONFLICT_FIELDS = [
    "kind",
    "detail",
    "timing",
    "fingerprint",
    "state",
    "resolution",
    "resolution_note",
    "prevailing",
    "resolved_by",
    "resolved_at",
    "updated_at",
]


# A version's fields no comparison reads (its quote is read again in the rare rewrite of a
# reopened decision's ranks).
UNCOMPARED = ["quote", "prefix", "suffix", "search_text"]


def fact_key(claim: Claim) -> str:
    """The key of the fact ``claim`` states: its subject, folded property and value type (a
    claim that none happened shares the dates' key); an unstructured claim is a fact of its
    own."""
    if claim.value_type == ValueType.NONE or claim.subject_id is None:
        return f"claim:{claim.pk}"
    return _structured_key(claim.subject_id, normalize_name(claim.property), claim.value_type)


def _structured_key(subject_id: int, property_key: str, value_type: str) -> str:
    return f"fact:{subject_id}:{property_key}:{fact_value_type(value_type)}"


# Every fact at once: an import takes it alone, every other write of versions shares it.
ALL_FACTS = "facts:all"
# Set while a transaction holds every fact (``all_facts_locked``): no key is locked one by one.
_all_facts_locked: ContextVar[bool] = ContextVar("all_facts_locked", default=False)


def lock_facts(*claims: Claim) -> None:
    """Serialise the writes of a fact's versions, on PostgreSQL: an advisory lock on each
    fact's key (in key order), held to the end of the transaction. Every service that records,
    edits, ranks or deletes a version, decides a conflict or reviews a claim takes it first,
    before any row lock — with a shared lock on every fact, which an import takes alone.

    Row locks are not enough: two editors creating a new claim of one fact at once each lock
    only the claims they can see, and neither sees the other's uncommitted claim, so their
    versions would never be compared. With the key locked, the second waits for the first to
    commit, then reads its versions. (SQLite lets one writer at a time: nothing to do.)

    One statement: the locks are taken in the array's order."""
    if connection.vendor != "postgresql" or _all_facts_locked.get():
        return
    keys = [ALL_FACTS, *sorted({fact_key(claim) for claim in claims})]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN n = 1 THEN pg_advisory_xact_lock_shared(hashtextextended(k, 0)) "
            "ELSE pg_advisory_xact_lock(hashtextextended(k, 0)) END "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(k, n)",
            [keys],
        )


@contextmanager
def all_facts_locked():
    """Hold every fact to the end of the transaction (an import): writes of versions by
    others wait, and the import's own runs of the engine lock no key one by one — a big
    import would otherwise fill PostgreSQL's lock table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [ALL_FACTS])
    token = _all_facts_locked.set(True)
    try:
        yield
    finally:
        _all_facts_locked.reset(token)


def detect_conflicts(claim: Claim, *, by) -> DetectionResult:
    """Compare every pair of versions of the fact ``claim`` states — its own appearances and
    those of claims on the same subject and property — and bring the conflicts in step.

    New disagreements open a conflict; an open one whose versions came to agree is closed with
    a note; a closed one whose versions changed is reopened; a conflict flagged by hand is left
    to people. Idempotent."""
    return detect_facts([claim], by=by)


@dataclass
class _Changes:
    """What a run of the engine writes, gathered over every fact it compares."""

    to_create: list[Conflict] = field(default_factory=list)
    to_update: list[Conflict] = field(default_factory=list)
    events: list[tuple[Conflict, str, str]] = field(default_factory=list)
    rerank: list[Appearance] = field(default_factory=list)


def _fact_groups(claims: list[Claim]) -> dict[str, tuple[Claim, dict[int, Claim]]]:
    """Fact key → (the claim whose options compare it, its claims by id), for the facts
    ``claims`` state; the claims locked, in id order (two queries)."""
    compared_by: dict[str, Claim] = {}
    for claim in claims:
        compared_by.setdefault(fact_key(claim), claim)
    ids = {claim.pk for claim in claims}
    structured = [claim for claim in claims if fact_key(claim).startswith("fact:")]
    if structured:
        # The claims of the subjects with one of the properties: a few more than the facts'
        # claims (a subject's other facts of those properties), sorted out here, as tuples —
        # one short query through the (subject, property key) index. (An OR of a term a fact
        # was the engine's slowest part: Django's building it, then the planner's.)
        candidates = Claim.objects.filter(
            subject_id__in={claim.subject_id for claim in structured},
            property_key__in={normalize_name(claim.property) for claim in structured},
        ).values_list("pk", "subject_id", "property_key", "value_type")
        ids |= {
            pk
            for pk, subject, key, value_type in candidates
            if _structured_key(subject, key, value_type) in compared_by
        }
    groups = {key: (claim, {}) for key, claim in compared_by.items()}
    # Locked in id order: two runs on one fact (two editors adding versions at once) would
    # otherwise both create the same new conflict, and a claim being marked reviewed counts
    # its open conflicts under this lock. Without the search texts: long, and of no use here.
    found = Claim.objects.filter(pk__in=ids).defer("search_text", "search_vector")
    for member in found.order_by("pk").select_for_update():
        if (key := fact_key(member)) in groups:
            groups[key][1][member.pk] = member
    # Each fact compared with its claim as just read (the caller's may hold a few fields).
    return {
        key: (members.get(claim.pk, claim), members) for key, (claim, members) in groups.items()
    }


def differing_pairs(versions: dict[int, Version], claim: Claim, existing: dict):
    """Each pair of ``versions`` that differ, compared with ``claim``'s options: (the pair,
    its fingerprint, its conflict or None), the conflict popped from ``existing`` (conflicts
    by pair) — what is left there no longer differs. How they differ is not worked out
    (``compare``): most pairs have their conflict already."""
    options = claim.comparison_options()
    for a_id, b_id in combinations(sorted(versions), 2):
        a, b = versions[a_id], versions[b_id]
        if differ(a, b, **options):
            conflict = existing.pop((a_id, b_id), None)
            yield (a_id, b_id), fingerprint(a, b, claim), conflict


def in_step(conflict, print_: str) -> bool:
    """Whether the conflict of a pair that differs is as the engine would write it."""
    return conflict.origin == ConflictOrigin.MANUAL or conflict.fingerprint == print_


def left_alone(conflict) -> bool:
    """Whether the engine leaves the conflict of a pair that no longer differs as it is: one
    flagged by hand, or one already closed, is for people."""
    return conflict.origin == ConflictOrigin.MANUAL or conflict.state != ConflictState.OPEN


def _compare_fact(
    claim: Claim,
    appearances: list[Appearance],
    existing: dict[tuple[int, int], Conflict],
    changes: _Changes,
    result: DetectionResult,
    now,
) -> None:
    """Compare the versions of one fact (``appearances``, with ``claim``'s options) and add to
    ``changes`` what brings its conflicts (``existing``, by pair) in step."""
    versions = versions_of(appearances, claim.value_type)
    by_id = {appearance.pk: appearance for appearance in appearances}
    for (a_id, b_id), print_, conflict in differing_pairs(versions, claim, existing):
        if conflict is not None and in_step(conflict, print_):
            result.unchanged += 1
            continue
        difference = compare(versions[a_id], versions[b_id], **claim.comparison_options())
        if conflict is None:
            conflict = Conflict(
                claim_id=by_id[a_id].claim_id,
                appearance_a_id=a_id,
                appearance_b_id=b_id,
                origin=ConflictOrigin.AUTO,
            )
            _apply_difference(conflict, difference, print_)
            changes.to_create.append(conflict)
            result.opened += 1
        elif conflict.state == ConflictState.OPEN:
            _apply_difference(conflict, difference, print_)
            conflict.updated_at = now
            changes.to_update.append(conflict)
            result.updated += 1
        else:
            if conflict.resolution == ConflictResolution.PREVAILS:
                changes.rerank += [by_id[a_id], by_id[b_id]]
            _open(conflict)
            _apply_difference(conflict, difference, print_)
            conflict.updated_at = now
            changes.to_update.append(conflict)
            changes.events.append(
                (
                    conflict,
                    ReviewAction.CONFLICT_REOPENED,
                    gettext_noop(
                        "Reopened automatically: the versions changed since it was closed."
                    ),
                )
            )
            result.reopened += 1

    # What is left no longer differs: the versions agree, or are no longer of the same fact.
    # The tracker's notes are kept in the catalogue's English; pages show them translated.
    for (a_id, b_id), conflict in existing.items():
        if left_alone(conflict):
            result.unchanged += 1
            continue
        both_here = a_id in versions and b_id in versions
        conflict.state = ConflictState.RESOLVED
        conflict.resolution = ConflictResolution.NOW_AGREE
        conflict.resolution_note = (
            gettext_noop("Closed automatically: the two versions now agree.")
            if both_here
            else gettext_noop(
                "Closed automatically: the two versions no longer state the same fact."
            )
        )
        conflict.resolved_at = conflict.updated_at = now
        # What was compared last: agreeing values (changed again, they reopen it); or nothing,
        # for versions no longer of one fact — back in one fact and still differing, the
        # conflict reopens though their values never changed.
        conflict.fingerprint = (
            fingerprint(versions[a_id], versions[b_id], claim) if both_here else ""
        )
        changes.to_update.append(conflict)
        changes.events.append((conflict, ReviewAction.CONFLICT_CLOSED, conflict.resolution_note))
        result.closed += 1


def _write(changes: _Changes, *, by, now) -> None:
    """At most one bulk write (and its history) per kind of change."""
    touched = {conflict.claim_id for conflict in [*changes.to_create, *changes.to_update]}
    if touched:
        Claim.objects.filter(pk__in=touched).mark_active(now)
    if changes.to_create:
        insert_rows(Conflict, changes.to_create)
        history_in_bulk(Conflict, [conflict.pk for conflict in changes.to_create], by=by, at=now)
        changes.events += [
            (conflict, ReviewAction.CONFLICT_DETECTED, conflict.detail)
            for conflict in changes.to_create
        ]
    if changes.to_update:
        bulk_update_with_history(
            changes.to_update, Conflict, CONFLICT_FIELDS, default_user=policy.user_of(by)
        )
    Claim.objects.of_conflicts([*changes.to_create, *changes.to_update]).recount_open_conflicts()
    if changes.rerank:
        for appearance in changes.rerank:
            # A new revision: a form opened on the old rank is stale.
            appearance.rank, appearance.rank_reason = Rank.NORMAL, ""
            appearance.version += 1
            appearance.updated_at = now
        Appearance.objects.bulk_update(
            changes.rerank, ["rank", "rank_reason", "version", "updated_at"]
        )
        for appearance in changes.rerank:  # rare: a decided conflict reopened
            record_history(appearance, by=by)
    if changes.events:
        insert_rows(
            ReviewEvent,
            [
                ReviewEvent(
                    claim_id=conflict.claim_id,
                    actor=None,
                    action=action,
                    new_value=conflict.state,
                    note=note,
                    conflict_id=conflict.pk,
                    created_at=now,
                )
                for conflict, action, note in changes.events
            ],
        )


@service
def detect_facts(claims, *, by) -> DetectionResult:
    """``detect_conflicts`` for every fact ``claims`` state at once (an import's batch), each
    fact compared with the options of the first of ``claims`` that states it.

    A fixed number of queries whatever the number of facts and pairs: lock the facts, read
    their claims (locked), their appearances, their entities, their conflicts; then at most
    one bulk write (and its history) per kind of change."""
    claims = list(claims)
    result = DetectionResult()
    if not claims:
        return result
    lock_facts(*claims)
    groups = _fact_groups(claims)
    claim_of = {pk: member for _claim, members in groups.values() for pk, member in members.items()}
    result.claim_ids = set(claim_of)
    appearances: dict[int, list[Appearance]] = {}
    # What a comparison reads: values, dates, the source's title and date, the entities.
    compared = Appearance.objects.filter(claim__in=list(claim_of)).with_values()
    for appearance in compared.defer(*UNCOMPARED).order_by("pk"):
        appearances.setdefault(appearance.claim_id, []).append(appearance)
    conflicts = (
        Conflict.objects.of_versions([a.pk for found in appearances.values() for a in found])
        .annotate(claim_a=F("appearance_a__claim_id"), claim_b=F("appearance_b__claim_id"))
        .order_by("pk")
    )
    # Each conflict is brought in step once, with the first fact it involves (a conflict
    # between versions of two facts — a claim moved to another property — involves both).
    fact_of = {pk: key for key, (_claim, members) in groups.items() for pk in members}
    existing: dict[str, dict[tuple[int, int], Conflict]] = {key: {} for key in groups}
    for conflict in conflicts:
        key = fact_of.get(conflict.claim_a) or fact_of[conflict.claim_b]
        existing[key][(conflict.appearance_a_id, conflict.appearance_b_id)] = conflict

    now = timezone.now()
    changes = _Changes()
    for key, (claim, members) in groups.items():
        versions = [a for pk in sorted(members) for a in appearances.get(pk, [])]
        versions.sort(key=lambda appearance: appearance.pk)
        _compare_fact(claim, versions, existing[key], changes, result, now)
    _write(changes, by=by, now=now)
    return result


def detect_in_batches(claims, *, by, batch_size: int = 500, progress=None) -> DetectionResult:
    """``detect_facts`` over every claim of ``claims`` (a queryset), a batch at a time, each
    batch in its own transaction; ``progress(scanned)`` hears how far it is. A claim already
    compared as part of an earlier batch's fact is skipped."""
    # What tells a claim's fact (detect_facts reads the claims again, locked); keyset
    # pagination: each batch is one short query, whatever the table's size.
    claims = claims.order_by("pk").only("value_type", "subject_id", "property")
    summary = DetectionResult()
    scanned = last = 0
    while batch := list(claims.filter(pk__gt=last)[:batch_size]):
        summary += detect_facts([c for c in batch if c.pk not in summary.claim_ids], by=by)
        scanned, last = scanned + len(batch), batch[-1].pk
        if progress:
            progress(scanned)
    return summary


def detect_conflicts_for_appearances(appearances, *, by) -> DetectionResult:
    """Run the engine on every fact touched by ``appearances`` (claims as ids too)."""
    claim_ids = {getattr(item, "claim_id", item) for item in appearances}
    return detect_facts(Claim.objects.filter(pk__in=claim_ids).order_by("pk"), by=by)


# --- Lifecycle ----------------------------------------------------------------------------------


def _locked_conflict(conflict: Conflict) -> Conflict:
    # Two reviewers acting on one conflict at once: the second sees the first one's outcome.
    # The fact is locked first, as the engine and mark_reviewed lock it: a claim is not marked
    # reviewed while one of its conflicts is being reopened.
    lock_facts(Claim.objects.get(pk=conflict.claim_id))
    return (
        Conflict.objects.select_for_update()
        .select_related("appearance_a", "appearance_b", "claim")
        .get(pk=conflict.pk)
    )


def _locked_versions(conflict: Conflict) -> list[Appearance]:
    # An editor saving one of the versions at this moment waits, then finds it stale.
    return list(
        Appearance.objects.select_for_update()
        .filter(pk__in=[conflict.appearance_a_id, conflict.appearance_b_id])
        .order_by("pk")
    )


@service
def resolve_conflict(
    *,
    conflict: Conflict,
    by,
    note: str,
    prevailing: Appearance | None = None,
    both_hold: bool = False,
) -> Conflict:
    """Resolve an open conflict: one version prevails (it becomes preferred and the other
    deprecated), or both hold at their dates (a change over time). A note is required."""
    policy.require(by, "decide_conflict")
    conflict = _locked_conflict(conflict)
    if conflict.state != ConflictState.OPEN:
        raise ValidationError(_("Only an open conflict can be resolved; reopen it first."))
    if not note.strip():
        raise ValidationError({"note": _("Say why this version prevails, or why both hold.")})
    if (prevailing is None) == (not both_hold):
        raise ValidationError(
            _("Choose the version that prevails, or that both hold at their dates.")
        )
    if both_hold and not conflict.claim.changes_over_time:
        raise ValidationError(
            _(
                "This fact is fixed once for all: versions that differ cannot both hold. "
                "Choose the version that prevails, or dismiss the conflict."
            )
        )
    pair = (conflict.appearance_a, conflict.appearance_b)
    if prevailing is not None and prevailing.pk not in (pair[0].pk, pair[1].pk):
        raise ValidationError(
            {"prevailing": _("The prevailing version must be one of the two versions.")}
        )
    conflict.state = ConflictState.RESOLVED
    conflict.resolution = ConflictResolution.BOTH_HOLD if both_hold else ConflictResolution.PREVAILS
    conflict.prevailing = prevailing
    conflict.resolution_note = note.strip()
    conflict.resolved_by = policy.user_of(by)
    conflict.resolved_at = timezone.now()
    save_as(conflict, by=by)
    Claim.objects.of_conflicts([conflict]).recount_open_conflicts()
    if prevailing is not None:
        reason = _("Conflict decided: %(note)s") % {"note": conflict.resolution_note}
        for appearance in _locked_versions(conflict):
            appearance.rank = Rank.PREFERRED if appearance.pk == prevailing.pk else Rank.DEPRECATED
            appearance.rank_reason = reason
            save_bumped(appearance, by=by, fields=["rank", "rank_reason"])
    record_event(
        claim=conflict.claim,
        by=by,
        action=ReviewAction.CONFLICT_RESOLVED,
        old_value=ConflictState.OPEN,
        new_value=conflict.resolution,
        note=conflict.resolution_note,
        conflict=conflict,
    )
    return conflict


@service
def dismiss_conflict(*, conflict: Conflict, by, note: str) -> Conflict:
    """Dismiss an open conflict as not a real contradiction; the reason is required."""
    policy.require(by, "decide_conflict")
    conflict = _locked_conflict(conflict)
    if conflict.state != ConflictState.OPEN:
        raise ValidationError(_("Only an open conflict can be dismissed; reopen it first."))
    if not note.strip():
        raise ValidationError({"note": _("Say why this is not a real contradiction.")})
    conflict.state = ConflictState.DISMISSED
    conflict.resolution_note = note.strip()
    conflict.resolved_by = policy.user_of(by)
    conflict.resolved_at = timezone.now()
    save_as(conflict, by=by)
    Claim.objects.of_conflicts([conflict]).recount_open_conflicts()
    record_event(
        claim=conflict.claim,
        by=by,
        action=ReviewAction.CONFLICT_DISMISSED,
        old_value=ConflictState.OPEN,
        new_value=ConflictState.DISMISSED,
        note=conflict.resolution_note,
        conflict=conflict,
    )
    return conflict


@service
def reopen_conflict(*, conflict: Conflict, by, note: str = "") -> Conflict:
    """Reopen a resolved or dismissed conflict; versions it had ranked are ranked normal again."""
    policy.require(by, "decide_conflict")
    conflict = _locked_conflict(conflict)
    if conflict.state == ConflictState.OPEN:
        raise ValidationError(_("This conflict is already open."))
    old_state = conflict.state
    if conflict.resolution == ConflictResolution.PREVAILS:
        for appearance in _locked_versions(conflict):
            appearance.rank, appearance.rank_reason = Rank.NORMAL, ""
            save_bumped(appearance, by=by, fields=["rank", "rank_reason"])
    _open(conflict)
    save_as(conflict, by=by)
    Claim.objects.of_conflicts([conflict]).recount_open_conflicts()
    record_event(
        claim=conflict.claim,
        by=by,
        action=ReviewAction.CONFLICT_REOPENED,
        old_value=old_state,
        new_value=ConflictState.OPEN,
        note=note.strip(),
        conflict=conflict,
    )
    return conflict


class Decision(models.TextChoices):
    """What a reviewer decides about a conflict."""

    PREVAILS_A = "prevails_a", gettext_lazy("Resolve: version A prevails")
    PREVAILS_B = "prevails_b", gettext_lazy("Resolve: version B prevails")
    BOTH_HOLD = "both_hold", gettext_lazy("Resolve: both hold at their dates")
    DISMISS = "dismiss", gettext_lazy("Dismiss: not a real contradiction")
    REOPEN = "reopen", gettext_lazy("Reopen")


@service
def decide_conflict(*, conflict: Conflict, by, decision: str, note: str) -> Conflict:
    """Carry out a reviewer's ``decision`` (a Decision value) on ``conflict``."""
    if decision == Decision.PREVAILS_A:
        return resolve_conflict(
            conflict=conflict, by=by, note=note, prevailing=conflict.appearance_a
        )
    if decision == Decision.PREVAILS_B:
        return resolve_conflict(
            conflict=conflict, by=by, note=note, prevailing=conflict.appearance_b
        )
    if decision == Decision.BOTH_HOLD:
        return resolve_conflict(conflict=conflict, by=by, note=note, both_hold=True)
    if decision == Decision.DISMISS:
        return dismiss_conflict(conflict=conflict, by=by, note=note)
    if decision == Decision.REOPEN:
        return reopen_conflict(conflict=conflict, by=by, note=note)
    raise ValidationError(_("Unknown decision: %(decision)s.") % {"decision": decision})


# --- The claim's current value ------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentValue:
    # "preferred", "agreed", "disputed" or "none"
    basis: str
    value: object = None
    text: str = ""


def current_value(claim: Claim) -> CurrentValue:
    """The value of the claim's preferred version; with none preferred, the value all its
    normal versions agree on; else "disputed". Deprecated versions do not count. Two queries
    (versions with their sources, their entities)."""
    if claim.value_type == ValueType.NONE:
        return CurrentValue("none")
    return current_value_of(claim, list(claim.appearances.with_values()))


def current_values(claims: list[Claim]) -> dict[int, CurrentValue]:
    """``current_value`` of each of ``claims``, by id, in two queries whatever their number."""
    per_claim: dict[int, list[Appearance]] = {}
    for appearance in Appearance.objects.filter(claim__in=claims).with_values():
        per_claim.setdefault(appearance.claim_id, []).append(appearance)
    return {claim.pk: current_value_of(claim, per_claim.get(claim.pk, [])) for claim in claims}


def current_value_of(claim: Claim, appearances: list[Appearance]) -> CurrentValue:
    """``current_value`` from the claim's versions ``appearances``, read with their sources
    and entities (an export reads them for a chunk of claims at once)."""
    if claim.value_type == ValueType.NONE:
        return CurrentValue("none")
    appearances = [a for a in appearances if a.rank != Rank.DEPRECATED]
    versions = versions_of(appearances, claim.value_type)
    preferred = [versions[a.pk] for a in appearances if a.rank == Rank.PREFERRED]
    candidates = preferred or list(versions.values())
    if not any(version.value is not None for version in candidates):
        return CurrentValue("none")
    # Agreement ignores the time a value held and compares texts whatever the claim's option.
    value = agreed_value(
        candidates, value_type=claim.value_type, tolerance=claim.tolerance, compare_text=True
    )
    if value is None:
        return CurrentValue("disputed", text=_("disputed"))
    names = {k: v for version in candidates for k, v in version.names.items()}
    return CurrentValue("preferred" if preferred else "agreed", value, describe(value, names))


# --- Versions side by side ----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionColumn:
    appearance: Appearance
    value: object
    text: str
    # For sets: (member name, listed by some versions but not all) pairs.
    members: tuple[tuple[str, bool], ...] = ()
    # For other values: this value disagrees with another version's.
    differs: bool = False
    as_of: object = None


def versions_side_by_side(claim: Claim) -> list[VersionColumn]:
    """Every version of ``claim`` with its value, the members or values that differ marked.
    Two queries (versions with their source, its publisher and their speaker; their
    entities)."""
    appearances = list(
        claim.appearances.with_values()
        .select_related("speaker", "source__publisher")
        .order_by("source__published_on", "source__title", "pk")
    )
    versions = versions_of(appearances, claim.value_type)
    # A version set aside by a decision (deprecated) no longer makes the others differ, and
    # is not marked itself: its rank says why.
    kept = {a.pk for a in appearances if a.rank != Rank.DEPRECATED}
    stated = [v for v in versions.values() if v.value is not None and v.id in kept]
    columns = []
    if claim.value_type == ValueType.ENTITIES:
        common = frozenset.intersection(*(v.value for v in stated)) if stated else frozenset()
        for appearance in appearances:
            version = versions[appearance.pk]
            members = tuple(
                sorted(
                    (
                        (version.names[pk], pk not in common and appearance.pk in kept)
                        for pk in version.value or ()
                    ),
                    key=lambda member: member[0],
                )
            )
            columns.append(
                VersionColumn(
                    appearance,
                    version.value,
                    describe(version.value, version.names) if version.value else "",
                    members=members,
                    as_of=version.as_of,
                )
            )
        return columns
    options = {
        "value_type": claim.value_type,
        "tolerance": claim.tolerance,
        "compare_text": True,
    }
    for appearance in appearances:
        version = versions[appearance.pk]
        differs = (
            version.value is not None
            and appearance.pk in kept
            and any(compare(version, other, **options) is not None for other in stated)
        )
        columns.append(
            VersionColumn(
                appearance,
                version.value,
                "" if version.value is None else describe(version.value),
                differs=differs,
                as_of=version.as_of,
            )
        )
    return columns


# --- Conflicts described to the reader -----------------------------------------------------------


def describe_conflicts(conflicts, appearances: list[Appearance] | None = None) -> list[Conflict]:
    """``conflicts`` with ``description``: what differs, in the reader's language. The
    engine's conflicts are described again from their two versions as they are now (the
    engine keeps a conflict in step with its versions; its stored ``detail`` is in the
    language of whoever's write detected it), and get ``values``: (source, value) of each
    version; a conflict flagged by hand, or whose versions no longer differ, keeps what was
    written. Two queries (the versions, their entities), none when the caller read the
    versions (``appearances``, with sources and entities)."""
    conflicts = list(conflicts)
    if appearances is None:
        engine = [c for c in conflicts if c.origin == ConflictOrigin.AUTO]
        pairs = {pk for c in engine for pk in (c.appearance_a_id, c.appearance_b_id)}
        appearances = Appearance.objects.filter(pk__in=pairs).with_values()
    appearances = {appearance.pk: appearance for appearance in appearances}
    for conflict in conflicts:
        conflict.description = conflict.detail
        conflict.values = []  # (the version's source, the value it states), for a short list
        pair = [
            appearances.get(conflict.appearance_a_id),
            appearances.get(conflict.appearance_b_id),
        ]
        if conflict.origin != ConflictOrigin.AUTO or None in pair:
            continue
        claim = conflict.claim
        a, b = versions_of(pair, claim.value_type).values()
        difference = compare(a, b, **claim.comparison_options())
        if difference is not None:
            conflict.description = difference.detail
            conflict.values = [(v.label, describe(v.value, v.names)) for v in (a, b)]
    return conflicts
