"""Keeping quotes anchored in their source text when that text changes."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from claims.models import Appearance, QuoteDrift, Source

from .versioning import save_bumped

# How far (in characters) a re-found quote may grow or shrink when only its context is found.
MAX_QUOTE_DRIFT = 200


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    # How much of the stored context surrounds it: 2 both sides, 1 one side, 0 none (words
    # found elsewhere), -1 when the words were not found and the span is the context's.
    context: int


def _occurrences(text: str, quote: str):
    position = text.find(quote)
    while position != -1:
        yield position
        position = text.find(quote, position + 1)


def _context_held(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many sides of ``text[start:end]`` still read as the stored context. The context
    stops at a line break: a quote that ends its paragraph keeps its context when the next
    paragraph changes or its own paragraph moves. An empty context on one side is the start
    or the end of the text."""
    if "\n" in prefix:  # the paragraph's start, or the text's
        prefix = prefix[prefix.rindex("\n") + 1 :]
        before = text[:start].endswith("\n" + prefix) or text[:start] == prefix
    else:
        before = text[max(0, start - len(prefix)) : start] == prefix if prefix else start == 0
    if "\n" in suffix:  # the paragraph's end, or the text's
        suffix = suffix[: suffix.index("\n")]
        after = text.startswith(suffix + "\n", end) or text[end:] == suffix
    else:
        after = text[end : end + len(suffix)] == suffix if suffix else end == len(text)
    return int(before) + int(after)


def find_quote(
    text: str, *, quote: str, prefix: str = "", suffix: str = "", near: int | None = None
) -> Found | None:
    """Where ``quote`` sits in ``text``, and how surely.

    The exact words with the most of their stored context around them win (the nearest to
    their old position among equals). Words found only where none of their context is — a
    lookalike passage elsewhere — are not taken: that is the caller's to tell from
    ``context == 0``. Failing the words, the span between the prefix and the suffix, when
    both are found once in order: the quote itself was edited."""
    candidates = [
        Found(
            start,
            start + len(quote),
            _context_held(text, start, start + len(quote), prefix, suffix),
        )
        for start in (_occurrences(text, quote) if quote else ())
    ]
    if not prefix and not suffix:
        # No context was kept (a quote anchored before contexts were): the words at their
        # old place are kept, elsewhere they moved.
        candidates = [Found(f.start, f.end, 2 if f.start == near else 1) for f in candidates]
    # The same words at the very place they were, their surroundings rewritten: moved, not a
    # lookalike.
    candidates = [
        Found(found.start, found.end, 1) if found.context == 0 and found.start == near else found
        for found in candidates
    ]
    if candidates:
        best = min(
            candidates,
            key=lambda found: (-found.context, abs(found.start - near) if near is not None else 0),
        )
        if best.context:
            return best
    if prefix and suffix and text.count(prefix) == 1:
        start = text.index(prefix) + len(prefix)
        end = text.find(suffix, start)
        if end > start and abs((end - start) - len(quote)) <= MAX_QUOTE_DRIFT:
            return Found(start, end, -1)
    return candidates[0] if candidates else None


def locate_quote(
    text: str, *, quote: str, prefix: str = "", suffix: str = "", near: int | None = None
) -> tuple[int, int] | None:
    """(start, end) of ``quote`` in ``text`` (``find_quote``), or None when it cannot be told
    — a lookalike out of its context included."""
    found = find_quote(text, quote=quote, prefix=prefix, suffix=suffix, near=near)
    return (found.start, found.end) if found and found.context else None


@dataclass
class ReanchorReport:
    # Same words, same context (where the text changed elsewhere they only shifted).
    kept: list[Appearance] = field(default_factory=list)
    # Same words, with only one side of their context: a paragraph moved or edited around.
    moved: list[Appearance] = field(default_factory=list)
    # New words between the same context: the quote itself was edited.
    requoted: list[Appearance] = field(default_factory=list)
    # Not found, or only out of context: offsets cleared, words and context kept.
    lost: list[Appearance] = field(default_factory=list)

    def __str__(self) -> str:
        return _("%(kept)d kept, %(moved)d moved, %(requoted)d re-quoted, %(lost)d lost") % {
            "kept": len(self.kept),
            "moved": len(self.moved),
            "requoted": len(self.requoted),
            "lost": len(self.lost),
        }

    @property
    def drifted(self) -> list[tuple[Appearance, str]]:
        """Each quote the change touched, with how (a QuoteDrift)."""
        return [
            (appearance, drift)
            for outcome, drift in DRIFT_OF_OUTCOME.items()
            for appearance in getattr(self, outcome)
        ]


# What each outcome of a re-anchoring is, for a quote whose page changed.
DRIFT_OF_OUTCOME = {
    "moved": QuoteDrift.MOVED,
    "requoted": QuoteDrift.REWORDED,
    "lost": QuoteDrift.REMOVED,
}
OUTCOME_OF_CONTEXT = {2: "kept", 1: "moved", -1: "requoted"}


def reanchor_appearances(*, source: Source, by, flag_drift: bool = False) -> ReanchorReport:
    """Re-find every anchored quote of ``source`` in its current text.

    A quote found with its context is kept (its offsets follow the text); found with one side
    of its context, it moved; a quote whose words changed but whose context is found takes the
    new words (re-quoted); a quote that cannot be found — or only where none of its context
    is, which would anchor it to a lookalike — loses its offsets and keeps its words and
    context (lost). With ``flag_drift`` (the text is a new fetch of the page), each quote
    moved, re-quoted or lost is flagged for an editor. One query to read, one write per
    appearance that changes (its revision goes up: a form opened before is stale). Called by
    ``change_source``, in its transaction.
    """
    report = ReanchorReport()
    text = source.text
    # Locked: each is written on the version read here (an edit at this moment waits).
    for appearance in source.appearances.filter(start__isnull=False).select_for_update():
        appearance.source = source
        found = find_quote(
            text,
            quote=appearance.quote,
            prefix=appearance.prefix,
            suffix=appearance.suffix,
            near=appearance.start,
        )
        outcome = OUTCOME_OF_CONTEXT[found.context] if found and found.context else "lost"
        getattr(report, outcome).append(appearance)
        if outcome == "lost":
            appearance.start = appearance.end = None
        elif (appearance.start, appearance.end, appearance.snapshot_id) == (
            found.start,
            found.end,
            source.snapshot_id,
        ):
            continue  # nothing changed for this quote
        else:
            appearance.start, appearance.end = found.start, found.end
            appearance.quote = text[found.start : found.end]
            appearance.capture_context()
        fields = ["start", "end", "quote", "prefix", "suffix", "snapshot"]
        if flag_drift and outcome in DRIFT_OF_OUTCOME:
            appearance.drift = DRIFT_OF_OUTCOME[outcome]
            fields.append("drift")
        save_bumped(appearance, by=by, fields=fields)
    return report


@dataclass(frozen=True)
class Segment:
    text: str
    # The appearances whose quote covers this stretch of text (several when quotes overlap).
    appearance_ids: tuple[int, ...] = ()


def highlight_segments(text: str, appearances) -> list[Segment]:
    """Cut ``text`` at every quote's start and end, so each stretch knows which quotes cover
    it; overlapping quotes give stretches covered twice. Anchored appearances only."""
    spans = [(a.start, a.end, a.pk) for a in appearances if a.start is not None]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= len(text):
            break
        covering = tuple(pk for s, e, pk in spans if s <= start and end <= e)
        segments.append(Segment(text[start:end], covering))
    return segments
