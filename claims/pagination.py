"""Pages of long lists: counted exactly while that is cheap, estimated beyond."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Up to this many rows a list is counted; beyond, its count is the planner's estimate.
EXACT_UP_TO = 1_000


def count_about(queryset) -> tuple[int, bool]:
    """How many rows ``queryset`` has, and whether that is an estimate: on PostgreSQL, counted
    exactly up to ``EXACT_UP_TO`` rows (a bounded count: it stops there), estimated beyond
    by the planner. Counting a million claims cost more than the rest of a page, and "about
    1,000,000" tells a reader as much. SQLite (a desk's own, small database, and no planner
    to ask) counts exactly."""
    # The rows' ids only: a list's annotations (counts of versions) are not counted.
    rows = queryset.order_by().values("pk")
    if connections[rows.db].vendor != "postgresql":
        return rows.count(), False
    counted = rows[: EXACT_UP_TO + 1].count()
    if counted <= EXACT_UP_TO:
        return counted, False
    plan = json.loads(rows.explain(format="json"))
    return max(EXACT_UP_TO + 1, _rounded(int(plan[0]["Plan"]["Plan Rows"]))), True


class EstimatingPaginator(Paginator):
    """Pages of a list counted by ``count_about``; ``estimated`` says whether its count is an
    estimate. Pages run to the estimate (a page past the real end is empty)."""

    estimated = False

    @cached_property
    def count(self) -> int:
        count, self.estimated = count_about(self.object_list)
        return count


def _rounded(number: int) -> int:
    """Two significant digits: an estimate does not pretend to more."""
    digits = len(str(number)) - 2
    return round(number, -digits) if digits > 0 else number
