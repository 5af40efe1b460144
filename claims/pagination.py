"""Pages of long lists: counted exactly while that is cheap, estimated beyond."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Up to this many rows a list is counted; beyond, its count is the planner's estimate.
EXACT_UP_TO = 10_000


class EstimatingPaginator(Paginator):
    """On PostgreSQL, counts a list exactly up to ``EXACT_UP_TO`` rows (a bounded count: it
    stops there), and says *about* how many beyond, from the planner's estimate. Counting a
    million claims cost more than the rest of the page, and "about 1,000,000" tells a reader
    as much. ``estimated`` says which it is; pages run to the estimate (a page past the real
    end is empty). SQLite counts exactly."""

    estimated = False

    @cached_property
    def count(self) -> int:
        # The rows' ids only: a list's annotations (counts of versions) are not counted.
        rows = self.object_list.order_by().values("pk")
        if connections[rows.db].vendor != "postgresql":
            return rows.count()  # SQLite: a desk's own, small database; no planner to ask
        counted = rows[: EXACT_UP_TO + 1].count()
        if counted <= EXACT_UP_TO:
            return counted
        self.estimated = True
        plan = json.loads(rows.explain(format="json"))
        return max(EXACT_UP_TO + 1, _rounded(int(plan[0]["Plan"]["Plan Rows"])))


def _rounded(number: int) -> int:
    """Two significant digits: an estimate does not pretend to more."""
    digits = len(str(number)) - 2
    return round(number, -digits) if digits > 0 else number
