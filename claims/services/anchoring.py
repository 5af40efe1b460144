"""Keeping quotes anchored in their source text when that text changes."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from claims.models import Appearance, Source

from .versioning import save_bumped

# How far (in characters) a re-found quote may grow or shrink when only its context is found.
MAX_QUOTE_DRIFT = 200


def locate_quote(
    text: str, *, quote: str, prefix: str = "", suffix: str = "", near: int | None = None
) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text``, or None when it cannot be told.

    First the exact quote: among several occurrences, the one whose surrounding text matches the
    stored prefix and suffix wins, then the one nearest its old position. Failing that, the span
    between the prefix and the suffix, when both are found once in order: the quote itself was
    edited in the source.
    """
    if quote:
        starts = []
        position = text.find(quote)
        while position != -1:
            starts.append(position)
            position = text.find(quote, position + 1)
        if starts:

            def score(start: int) -> tuple[int, int]:
                end = start + len(quote)
                context = bool(prefix) and text[max(0, start - len(prefix)) : start] == prefix
                context += bool(suffix) and text[end : end + len(suffix)] == suffix
                distance = abs(start - near) if near is not None else 0
                return (-context, distance)

            best = min(starts, key=score)
            return best, best + len(quote)

    if prefix and suffix and text.count(prefix) == 1:
        start = text.index(prefix) + len(prefix)
        end = text.find(suffix, start)
        if end > start and abs((end - start) - len(quote)) <= MAX_QUOTE_DRIFT:
            return start, end
    return None


@dataclass
class ReanchorReport:
    kept: list[Appearance] = field(default_factory=list)
    moved: list[Appearance] = field(default_factory=list)
    requoted: list[Appearance] = field(default_factory=list)
    lost: list[Appearance] = field(default_factory=list)

    def __str__(self) -> str:
        return _("%(kept)d kept, %(moved)d moved, %(requoted)d re-quoted, %(lost)d lost") % {
            "kept": len(self.kept),
            "moved": len(self.moved),
            "requoted": len(self.requoted),
            "lost": len(self.lost),
        }


def reanchor_appearances(*, source: Source, by) -> ReanchorReport:
    """Re-find every anchored quote of ``source`` in its current text.

    A quote found unchanged elsewhere is moved; a quote whose words changed but whose context
    is found takes the new words (re-quoted, for an editor to check); a quote that cannot be
    found loses its offsets and keeps its words and context (lost). One query to read, one
    write per appearance that changes (its revision goes up: a form opened before is stale).
    Called by ``change_source``, in its transaction.
    """
    report = ReanchorReport()
    text = source.text
    # Locked: each is written on the version read here (an edit at this moment waits).
    for appearance in source.appearances.filter(start__isnull=False).select_for_update():
        appearance.source = source
        if text[appearance.start : appearance.end] == appearance.quote:
            report.kept.append(appearance)
            continue
        span = locate_quote(
            text,
            quote=appearance.quote,
            prefix=appearance.prefix,
            suffix=appearance.suffix,
            near=appearance.start,
        )
        if span is None:
            appearance.start = appearance.end = None
            report.lost.append(appearance)
        else:
            appearance.start, appearance.end = span
            found = text[appearance.start : appearance.end]
            bucket = report.moved if found == appearance.quote else report.requoted
            appearance.quote = found
            appearance.capture_context()
            bucket.append(appearance)
        save_bumped(appearance, by=by, fields=["start", "end", "quote", "prefix", "suffix"])
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
