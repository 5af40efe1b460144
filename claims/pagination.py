"""Pages of long lists: counted exactly while that is cheap, estimated beyond."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Up to this many rows a list is counted; beyond, its count is the planner's estimate.
EXACT_UP_TO = 10_000


class EstimatingPaginator(Paginator):
    """Counts a list exactly up to ``EXACT_UP_TO`` rows (a bounded count: it stops there),
    and says *about* how many beyond, from PostgreSQL's planner. Counting a million claims
    cost more than the rest of the page, and "about 1,000,000" tells a reader as much.
    ``estimated`` says which it is; pages run to the estimate (a page past the real end is
    empty)."""

    estimated = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by()
        counted = rows[: EXACT_UP_TO + 1].count()
        if counted <= EXACT_UP_TO:
            return counted
        self.estimated = True
        return max(EXACT_UP_TO + 1, _rounded(_planned_rows(rows.values("pk"))))


def _planned_rows(queryset) -> int:
    """How many rows the planner expects ``queryset`` to give (an exact count elsewhere)."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count()
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _rounded(number: int) -> int:
    """Two significant digits: an estimate does not pretend to more."""
    digits = len(str(number)) - 2
    return round(number, -digits) if digits > 0 else number
