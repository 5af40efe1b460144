"""Comparing two versions of a fact: pure functions, no database.

A version is a value as one source states it, with the time it holds (``as_of``). Each value
type has its own notion of disagreement; the result names what differs, in plain words, so
that an editor reads *why* two versions conflict.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from claims.dates import PreciseDate
from claims.models import ConflictKind, ConflictTiming, ValueType
from claims.text import normalize_name


@dataclass(frozen=True)
class Version:
    id: int
    # How the detail names this version: its source's title, usually.
    label: str
    # frozenset of entity ids | Decimal | PreciseDate | str | bool | None (states no value)
    value: object
    as_of: PreciseDate | None = None
    # Entity id → name, to name the members of a set.
    names: dict[int, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Absence:
    """What a version of a claim that none happened states: none in ``period``."""

    period: PreciseDate

    def __str__(self) -> str:
        return _("none in %(period)s") % {"period": self.period.label()}

    def contradicted_by(self, occurrence: PreciseDate) -> bool:
        """Whether an occurrence dated ``occurrence`` falls within the period (wholly: one in
        "2021" is not known to fall in May 2021)."""
        start, end = self.period.interval()
        occurred_from, occurred_to = occurrence.interval()
        return start <= occurred_from and occurred_to <= end


@dataclass(frozen=True)
class Difference:
    kind: str
    detail: str
    timing: str
    # For sets: the members each version lists and the other does not (entity ids).
    only_in_a: frozenset = frozenset()
    only_in_b: frozenset = frozenset()


def describe(value: object, names: dict[int, str] | None = None) -> str:
    """A value as a reader would write it."""
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted((names or {}).get(i, f"#{i}") for i in value)) + "}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _quoted(version: Version) -> str:
    return f"«{version.label}»"


def compare_entity_sets(a: Version, b: Version) -> tuple[str, frozenset, frozenset]:
    """How two sets that differ differ. Members compare by entity, so two spellings of one
    entity never differ."""
    only_a, only_b = a.value - b.value, b.value - a.value
    names = {**a.names, **b.names}

    def listed(member: int, by: Version, not_by: Version) -> str:
        return _("%(member)s: listed by %(by)s, not by %(not_by)s.") % {
            "member": names.get(member, f"#{member}"),
            "by": _quoted(by),
            "not_by": _quoted(not_by),
        }

    by_name = {"key": lambda member: names.get(member, "")}
    lines = [listed(member, b, a) for member in sorted(only_b, **by_name)]
    lines += [listed(member, a, b) for member in sorted(only_a, **by_name)]
    if not only_a or not only_b:
        smaller, larger = (a, b) if not only_a else (b, a)
        lines.append(
            _("The list of %(smaller)s is contained in that of %(larger)s.")
            % {"smaller": _quoted(smaller), "larger": _quoted(larger)}
        )
    return " ".join(lines), frozenset(only_a), frozenset(only_b)


def numbers_differ(a: Decimal, b: Decimal, tolerance: Decimal | None = None) -> bool:
    return abs(a - b) > (tolerance or 0)


def dates_differ(a: PreciseDate, b: PreciseDate) -> bool:
    """Two dates conflict only when their periods cannot overlap: "2021" agrees with
    "2021-05", and conflicts with "2022-05"."""
    return not a.overlaps(b)


def texts_differ(a: str, b: str) -> bool:
    return normalize_name(a) != normalize_name(b)


KIND_OF_TYPE = {
    ValueType.ENTITIES: ConflictKind.ENTITY_SET,
    ValueType.NUMBER: ConflictKind.NUMBER,
    ValueType.DATE: ConflictKind.DATE,
    ValueType.TEXT: ConflictKind.TEXT,
    ValueType.BOOLEAN: ConflictKind.BOOLEAN,
}


def fact_value_type(value_type: str) -> str:
    """The value type a fact is compared as: a claim that none happened (in a period) is
    compared with the dates of the occurrences of the same subject and property."""
    return ValueType.DATE if value_type == ValueType.ABSENCE else value_type


def _absence_and_occurrence(a: Version, b: Version) -> tuple[Version, Version] | None:
    """(the version saying none happened, the one reporting an occurrence) when ``a`` and
    ``b`` are such a pair; None otherwise."""
    if isinstance(a.value, Absence) and isinstance(b.value, PreciseDate):
        return a, b
    if isinstance(b.value, Absence) and isinstance(a.value, PreciseDate):
        return b, a
    return None


def timing_of(a: Version, b: Version, changes_over_time: bool = True) -> tuple[str, str]:
    """Whether two versions speak of the same time, and a sentence saying so. For a fact fixed
    once for all (a launch date), dates do not matter: nothing is said."""
    if not changes_over_time:
        return "", ""
    if a.as_of is None or b.as_of is None:
        dated = b if a.as_of is None else a
        undated = a if a.as_of is None else b
        if dated.as_of is None:
            return ConflictTiming.UNDATED, _("Neither version is dated.")
        return ConflictTiming.UNDATED, _(
            "One version is undated: %(undated)s gives no date; %(dated)s holds as of %(date)s."
        ) % {"undated": _quoted(undated), "dated": _quoted(dated), "date": dated.as_of.label()}
    if a.as_of.overlaps(b.as_of):
        return ConflictTiming.SAME_TIME, ""
    return ConflictTiming.CHANGE_OVER_TIME, _(
        "May be a change over time: %(a)s holds as of %(a_date)s, %(b)s as of %(b_date)s."
    ) % {"a": _quoted(a), "a_date": a.as_of.label(), "b": _quoted(b), "b_date": b.as_of.label()}


def differ(
    a: Version,
    b: Version,
    *,
    value_type: str,
    tolerance: Decimal | None = None,
    compare_text: bool = False,
    changes_over_time: bool = True,
) -> bool:
    """Whether two versions of one fact disagree (``compare`` says how; this is the cheap
    test a rescan of every fact runs). Whether the fact ``changes_over_time`` says when they
    hold, not whether they differ.

    A version with no value says nothing and never conflicts. Free text conflicts only when the
    claim opts in (``compare_text``): otherwise it is for people to judge."""
    if a.value is None or b.value is None:
        return False
    if isinstance(a.value, Absence) or isinstance(b.value, Absence):
        # Two versions saying none agree; one saying none and one reporting an occurrence in
        # its period contradict each other (a fact's dates and its absences are compared
        # together: ``fact_key``).
        pair = _absence_and_occurrence(a, b)
        return pair is not None and pair[0].value.contradicted_by(pair[1].value)
    value_type = fact_value_type(value_type)  # two occurrences: compared as the dates they are
    if value_type == ValueType.ENTITIES:
        return a.value != b.value
    if value_type == ValueType.NUMBER:
        return numbers_differ(a.value, b.value, tolerance)
    if value_type == ValueType.DATE:
        return dates_differ(a.value, b.value)
    if value_type == ValueType.TEXT:
        return compare_text and texts_differ(a.value, b.value)
    if value_type == ValueType.BOOLEAN:
        return a.value != b.value
    return False


def compare(
    a: Version,
    b: Version,
    *,
    value_type: str,
    tolerance: Decimal | None = None,
    compare_text: bool = False,
    changes_over_time: bool = True,
) -> Difference | None:
    """What differs between two versions of one fact, in plain words, or None when they agree
    (``differ``)."""
    if not differ(a, b, value_type=value_type, tolerance=tolerance, compare_text=compare_text):
        return None
    only_a = only_b = frozenset()
    kind = KIND_OF_TYPE[fact_value_type(value_type)]
    timing, when = timing_of(a, b, changes_over_time)
    if pair := _absence_and_occurrence(a, b):
        timing, when = "", ""  # the period is the claim's own: no other time to weigh
        none, occurrence = pair
        kind = ConflictKind.ABSENCE
        detail = _(
            "%(none)s says none were recorded in %(period)s; %(other)s reports one on %(date)s."
        ) % {
            "none": _quoted(none),
            "period": none.value.period.label(),
            "other": _quoted(occurrence),
            "date": occurrence.value.label(),
        }
    elif value_type == ValueType.ENTITIES:
        detail, only_a, only_b = compare_entity_sets(a, b)
    else:
        detail = _("%(a)s says %(a_value)s; %(b)s says %(b_value)s.") % {
            "a": _quoted(a),
            "a_value": describe(a.value),
            "b": _quoted(b),
            "b_value": describe(b.value),
        }
    return Difference(
        kind=kind,
        detail=f"{detail}\n{when}" if when else detail,
        timing=timing,
        only_in_a=only_a,
        only_in_b=only_b,
    )


def agreed_value(versions: list[Version], **options) -> object | None:
    """The value all ``versions`` agree on (the most precise, for dates), or None if they
    do not all agree. Versions with no value are left out."""
    stated = [version for version in versions if version.value is not None]
    if not stated:
        return None
    for index, a in enumerate(stated):
        for b in stated[index + 1 :]:
            if compare(a, b, **options) is not None:
                return None
    values = [version.value for version in stated]
    if isinstance(values[0], PreciseDate):
        return min(values, key=lambda date: date.interval()[1] - date.interval()[0])
    return values[0]
