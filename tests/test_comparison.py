"""The comparison of two versions, value type by value type (pure functions, no database)."""

from decimal import Decimal

import pytest

from claims.dates import PreciseDate
from claims.services import Version, compare

NAMES = {1: "United States", 2: "Niger", 3: "Morocco", 4: "Italy"}


def version(value, *, id=1, label="A", as_of=None):
    if isinstance(value, set):
        value = frozenset(value)
    return Version(
        id=id,
        label=label,
        value=value,
        as_of=PreciseDate.parse(as_of) if as_of else None,
        names=NAMES,
    )


def differ(a, b, value_type, **options):
    return compare(
        version(a, label="A", as_of="2022"),
        version(b, id=2, label="B", as_of="2022"),
        value_type=value_type,
        **options,
    )


def test_sets_that_differ_name_each_member_and_who_lists_it():
    difference = differ({1, 2, 3}, {1, 2, 4, 3}, "entities")
    assert difference.kind == "entity_set"
    assert "Italy: listed by «B», not by «A»." in difference.detail
    assert "The list of «A» is contained in that of «B»." in difference.detail
    assert difference.only_in_b == {4} and difference.only_in_a == frozenset()


def test_sets_that_cross_name_members_on_both_sides_and_no_containment():
    difference = differ({1, 2}, {1, 4}, "entities")
    assert "Italy: listed by «B», not by «A»." in difference.detail
    assert "Niger: listed by «A», not by «B»." in difference.detail
    assert "contained" not in difference.detail


def test_equal_sets_agree_whatever_their_order():
    assert differ({3, 1, 2}, {1, 2, 3}, "entities") is None


@pytest.mark.parametrize(
    ("a", "b", "tolerance", "conflict"),
    [
        (Decimal(0), Decimal(0), None, False),
        (Decimal(0), Decimal(1), None, True),
        (Decimal("10.5"), Decimal("10.50"), None, False),
        (Decimal(100), Decimal(102), Decimal(2), False),
        (Decimal(100), Decimal(103), Decimal(2), True),
    ],
)
def test_numbers(a, b, tolerance, conflict):
    difference = differ(a, b, "number", tolerance=tolerance)
    assert (difference is not None) == conflict
    if conflict:
        assert difference.kind == "number" and f"«B» says {b.normalize():f}" in difference.detail


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("2021", "2021-05", False),  # month within its year
        ("2021", "2022-05", True),  # month outside the year
        ("2021-05", "2021-05-31", False),  # day within its month
        ("2021-05", "2021-06-01", True),  # first day of the next month
        ("2021-12", "2022", True),  # across a year boundary
        ("2021-12-31", "2022-01-01", True),  # consecutive days across the year
        ("2021", "2021", False),
        ("2018-06-26", "2018-06-26", False),
    ],
)
def test_dates_conflict_only_when_their_periods_cannot_overlap(a, b, conflict):
    difference = differ(PreciseDate.parse(a), PreciseDate.parse(b), "date")
    assert (difference is not None) == conflict


def test_yes_no():
    assert differ(True, True, "boolean") is None
    assert "«A» says yes; «B» says no." in differ(True, False, "boolean").detail


def test_text_conflicts_only_when_the_claim_opts_in():
    assert differ("Niamey", "Rabat", "text") is None
    assert differ("Niamey", "Rabat", "text", compare_text=True).kind == "text"
    assert differ("Niamey", "  NIAMEY ", "text", compare_text=True) is None


@pytest.mark.parametrize("value_type", ["entities", "number", "date", "boolean", "text"])
def test_a_version_without_a_value_never_conflicts(value_type):
    values = {
        "entities": {1},
        "number": Decimal(1),
        "date": PreciseDate.parse("2021"),
        "boolean": True,
        "text": "x",
    }
    assert differ(None, values[value_type], value_type, compare_text=True) is None


def test_versions_of_the_same_time():
    difference = differ({1}, {2}, "entities")
    assert difference.timing == "same_time"
    assert "change over time" not in difference.detail


def test_versions_whose_dates_cannot_overlap_may_be_a_change_over_time():
    difference = compare(
        version(frozenset({1}), as_of="2021"),
        version(frozenset({1, 4}), id=2, label="B", as_of="2022-05"),
        value_type="entities",
    )
    assert difference.timing == "change_over_time"
    assert "May be a change over time: «A» holds as of 2021, «B» as of May 2022." in (
        difference.detail
    )


def test_an_undated_version_is_said_so():
    difference = compare(
        version(frozenset({1})),
        version(frozenset({1, 4}), id=2, label="B", as_of="2022-05"),
        value_type="entities",
    )
    assert difference.timing == "undated"
    assert "One version is undated: «A» gives no date; «B» holds as of May 2022." in (
        difference.detail
    )
