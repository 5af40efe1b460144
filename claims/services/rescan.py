"""A full rescan: every fact compared again, fast enough for a million claims.

Running the engine (``detect_facts``) over every claim reads each version as a model, with its
source and entities, under locks — about a thousand claims a second. Almost every fact is
already in step, so a rescan first reads every version once, as plain rows in fact order, and
compares each fact in memory with the engine's own rules (``differing_pairs``, ``in_step``,
``left_alone``); only the facts where the engine would write something are then handed to
``detect_facts``, which reads them again under its locks and writes. A fact an editor changes
during the scan is compared again by that editor's own write, so nothing is missed."""

from collections import namedtuple

from django.db import connection, models, transaction
from django.db.models import Case, F, OuterRef, Subquery, Value, When

from claims.dates import PreciseDate
from claims.models import Appearance, Claim, Conflict, ValueType

from .comparison import Version, fact_value_type
from .conflicts import (
    DetectionResult,
    detect_facts,
    differing_pairs,
    in_step,
    left_alone,
    typed_value,
)

# How many facts ``detect_facts`` takes at a time when some need writing.
APPLY_BATCH = 500
# Fewer conflicts than this opened by a rescan leave the planner's statistics to autovacuum.
ANALYZE_AFTER = 1_000

_Known = namedtuple("_Known", "origin state fingerprint")


class _IdList(models.Aggregate):
    """The ids aggregated, comma-separated: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="STRING_AGG((%(expressions)s)::text, ',')"
        )


def _rows():
    """Every claim with each of its versions (a claim with none: one row of Nones), as
    tuples, in fact order: subject, property key, value type, claim, version."""
    entities = (
        Appearance.value_entities.through.objects.filter(appearance_id=OuterRef("appearances"))
        .values("appearance_id")
        .annotate(ids=_IdList("entity_id"))
        .values("ids")
    )
    return (
        Claim.objects.annotate(
            entity_ids=Case(When(value_type=ValueType.ENTITIES, then=Subquery(entities))),
            # A claim that none happened is one fact with the dates of its occurrences.
            fact_type=Case(
                When(value_type=ValueType.ABSENCE, then=Value(ValueType.DATE.value)),
                default=F("value_type"),
            ),
        )
        .order_by("subject_id", "property_key", "fact_type", "pk", "appearances__pk")
        .values_list(
            "pk",
            "subject_id",
            "property_key",
            "value_type",
            "tolerance",
            "compare_text",
            "changes_over_time",
            "appearances__pk",
            "appearances__value_number",
            "appearances__value_date",
            "appearances__value_date_precision",
            "appearances__value_text",
            "appearances__value_boolean",
            "appearances__as_of",
            "appearances__as_of_precision",
            "appearances__source__published_on",
            "appearances__source__published_precision",
            "entity_ids",
        )
    )


def _facts(rows):
    """(its first claim's id, a claim with its options, its versions by id, the number of
    claims read so far), one fact at a time, from ``_rows()``. The claim is unsaved and holds
    only what compares a fact (``comparison_options``, ``fingerprint``): one per set of
    options."""
    compared_by: dict[tuple, Claim] = {}
    key = first = compared = None
    versions: dict[int, Version] = {}
    claims = 0
    last_claim = None
    for row in rows:
        (pk, subject, property_key, value_type, tolerance, compare_text, changes_over_time,
         version_id, number, date, date_precision, text, boolean, as_of, as_of_precision,
         published_on, published_precision, entity_ids) = row  # fmt: skip
        if value_type == ValueType.NONE or subject is None:
            row_key = ("claim", pk)
        else:
            row_key = ("fact", subject, property_key, fact_value_type(value_type))
        if row_key != key:
            if key is not None:
                yield first, compared, versions, claims
            key, versions, first = row_key, {}, pk
            options = (value_type, tolerance, compare_text, changes_over_time)
            if (compared := compared_by.get(options)) is None:
                compared = compared_by[options] = Claim(
                    value_type=value_type,
                    tolerance=tolerance,
                    compare_text=compare_text,
                    changes_over_time=changes_over_time,
                )
        if pk != last_claim:
            claims, last_claim = claims + 1, pk
        if version_id is not None:
            if as_of is not None:
                holds = PreciseDate(as_of, as_of_precision)
            elif published_on is not None:
                holds = PreciseDate(published_on, published_precision)
            else:
                holds = None
            value = typed_value(
                value_type,
                number=number,
                date=date,
                date_precision=date_precision,
                text=text,
                boolean=boolean,
                entities=(int(pk) for pk in entity_ids.split(",")) if entity_ids else (),
            )
            versions[version_id] = Version(id=version_id, label="", value=value, as_of=holds)
    if key is not None:
        yield first, compared, versions, claims


def rescan(*, by, progress=None, every: int = 1_000, batch_size: int = APPLY_BATCH):
    """``detect_facts`` over every fact, writing only where a fact is out of step (the facts
    of ``batch_size`` claims at a time, each batch its own transaction); ``progress(scanned)``
    hears how many claims were compared, after about ``every`` more. Returns what was done
    (a DetectionResult)."""
    known = {
        (a, b): _Known(origin, state, print_)
        for a, b, origin, state, print_ in Conflict.objects.values_list(
            "appearance_a_id", "appearance_b_id", "origin", "state", "fingerprint"
        ).iterator(chunk_size=10_000)
    }
    involved = {pk for pair in known for pk in pair}
    fact_of_version: dict[int, int] = {}  # a version with a conflict → its fact's first claim
    out_of_step: set[int] = set()  # each fact by its first claim, whose options compare it
    summary = DetectionResult()
    reported = scanned = 0
    # One snapshot for the whole read, and no cursor held open across transactions.
    with transaction.atomic():
        for first, claim, versions, scanned in _facts(_rows().iterator(chunk_size=5_000)):
            for pk in involved.intersection(versions):
                fact_of_version[pk] = first
            # Every pair is gone through: the conflicts of pairs that differ leave ``known``.
            outcomes = [
                conflict is not None and in_step(conflict, print_)
                for _pair, print_, conflict in differing_pairs(versions, claim, known)
            ]
            if all(outcomes):
                summary.unchanged += len(outcomes)
            else:
                out_of_step.add(first)
            if progress and scanned - reported >= every:
                progress(reported := scanned)
    if progress:
        progress(scanned)
    # What is left of the conflicts no longer differs: the engine closes those still open.
    for (a, b), conflict in known.items():
        facts = {fact_of_version[pk] for pk in (a, b) if pk in fact_of_version}
        if not left_alone(conflict):
            out_of_step |= facts
        elif not facts & out_of_step:  # else counted when its fact is written
            summary.unchanged += 1
    firsts = sorted(out_of_step)
    analysed = len(known)  # the conflicts the planner's statistics are taken to know
    for start in range(0, len(firsts), batch_size):
        batch = Claim.objects.filter(pk__in=firsts[start : start + batch_size]).order_by("pk")
        summary += detect_facts(batch.only("value_type", "subject_id", "property"), by=by)
        if (now := len(known) + summary.opened) - analysed >= max(analysed, ANALYZE_AFTER):
            _analyze_conflicts()
            analysed = now
    return summary


def _analyze_conflicts() -> None:
    # The conflicts table has doubled: a plan made for the small one (the open-conflict
    # recount walking every open conflict for each claim) made each batch 10× slower at a
    # million claims. Autovacuum would analyse it, in its own time or (turned off during a
    # bulk load) never.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Conflict._meta.db_table}")
