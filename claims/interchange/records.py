"""What a reader makes of a file, and what an import reports back."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class Record(NamedTuple):
    """One item of a file: its kind ("entities", "versions", "row"…), where it is in the file
    ("line 12", "claims[3]") and what it holds, keyed by the file's own field names."""

    kind: str
    where: str
    data: Any
    position: int = 0  # its rank in the file, counted by the import


@dataclass(frozen=True)
class Problem:
    where: str  # "line 12", "claims[3]", or "" for the file as a whole
    field: str  # the file's name for the field ("said_on"), or ""
    message: str
    position: int = 0  # the record's rank in the file: problems are listed in file order

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.where, self.field) if part)
        return f"{place}: {self.message}" if place else self.message


# The problems a report keeps in full; beyond, it counts them.
MAX_PROBLEMS = 1000


@dataclass
class ImportReport:
    """What an import did, or would have done: rows created and found unchanged per kind, and
    every problem (when there is one, nothing was written)."""

    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    records: int = 0
    conflicts_opened: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, where: str, field_name: str, message: str, *, position: int = 0) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            problem = Problem(where, field_name, str(message), position or self.records)
            self.problems.append(problem)

    def as_json(self) -> dict:
        """What an import page shows of the report, kept with the import."""
        return {
            "ok": self.ok,
            "summary": self.summary(),
            "created": dict(self.created),
            "unchanged": dict(self.unchanged),
            "problems": [[p.where, p.field, p.message] for p in self.problems],
            "problem_count": self.problem_count,
            "notes": self.notes,
            "records": self.records,
            "conflicts_opened": self.conflicts_opened,
        }

    @property
    def unlisted_problems(self) -> int:
        return self.problem_count - len(self.problems)

    def summary(self) -> str:
        """One sentence: "3 created, 12 unchanged (claims: 2 created, …)"."""
        if not self.ok:
            return ngettext(
                "%(count)d problem: nothing was imported.",
                "%(count)d problems: nothing was imported.",
                self.problem_count,
            ) % {"count": self.problem_count}
        kinds = [kind for kind in KIND_ORDER if self.created[kind] or self.unchanged[kind]]
        details = "; ".join(
            _("%(kind)s: %(created)d created, %(unchanged)d unchanged")
            % {
                "kind": KIND_LABELS[kind],
                "created": self.created[kind],
                "unchanged": self.unchanged[kind],
            }
            for kind in kinds
        )
        total = _("%(created)d created, %(unchanged)d unchanged") % {
            "created": self.created.total(),
            "unchanged": self.unchanged.total(),
        }
        return f"{total} ({details})." if details else f"{total}."


KIND_ORDER = ["people", "entities", "sources", "citations", "claims", "versions", "evidence",
              "searches", "conflicts", "events"]  # fmt: skip
KIND_LABELS = {
    "people": gettext_lazy("people"),
    "entities": gettext_lazy("entities"),
    "sources": gettext_lazy("sources"),
    "citations": gettext_lazy("citations"),
    "claims": gettext_lazy("claims"),
    "versions": gettext_lazy("versions"),
    "evidence": gettext_lazy("evidence"),
    "searches": gettext_lazy("search records"),
    "conflicts": gettext_lazy("conflicts"),
    "events": gettext_lazy("review events"),
}
