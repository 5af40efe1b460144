"""Who cites whom: a source reporting or repeating another, so that agreement counts origins,
not sources — three articles that repeat one report are one origin."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from claims import policy
from claims.models import Appearance, Citation, CitationKind, Source

from .base import delete_as, save_as, service
from .conflicts import stated_value

# A quote shorter than this is too common to tell that one source copied another.
MIN_COPIED_QUOTE = 40
# How much a source's page reads to suggest citations: its newest versions, and the other
# versions of their claims (a source quoted thousands of times stays a page, not a scan).
SUGGEST_FROM_VERSIONS = 50
SUGGEST_AGAINST_VERSIONS = 500


def cited_by(sources: set[int]) -> dict[int, set[int]]:
    """Every citation reachable from ``sources``: citing id → cited ids. One query a level."""
    edges: dict[int, set[int]] = {}
    seen, frontier = set(sources), set(sources)
    while frontier:
        for citing, cited in Citation.objects.filter(citing__in=frontier).values_list(
            "citing_id", "cited_id"
        ):
            edges.setdefault(citing, set()).add(cited)
        frontier = {cited for pk in frontier for cited in edges.get(pk, ())} - seen
        seen |= frontier
    return edges


def reachable(source: int, edges: dict[int, set[int]]) -> set[int]:
    """Every source ``source`` leads to through its citations (not itself)."""
    reached, stack = set(), [source]
    while stack:
        for cited in edges.get(stack.pop(), ()):
            if cited not in reached and cited != source:
                reached.add(cited)
                stack.append(cited)
    return reached


def _roots(source: int, edges: dict[int, set[int]]) -> frozenset[int]:
    """The sources reached from ``source`` that cite none: its origins (itself if it cites
    none — or if its citations only go round, which ``add_citation`` refuses)."""
    reached = reachable(source, edges) | {source}
    return frozenset(pk for pk in reached if not edges.get(pk)) or frozenset({source})


def origins_of(sources: Iterable[int]) -> dict[int, frozenset[int]]:
    """Each source's origins: the sources that its citations lead to and that cite none."""
    sources = set(sources)
    edges = cited_by(sources)
    return {source: _roots(source, edges) for source in sources}


@service
def add_citation(
    *, citing: Source, cited: Source, by, kind: str = CitationKind.CITES, note: str = ""
) -> Citation:
    """Record that ``citing`` reports (cites) or repeats (republishes) ``cited``. Refused when
    it would make a source its own origin (``cited`` already leads back to ``citing``)."""
    policy.require(by, "change_source")
    # Both rows locked, in id order: two editors linking the same two sources the opposite
    # ways at once would each see no cycle.
    list(Source.objects.select_for_update().filter(pk__in=[citing.pk, cited.pk]).order_by("pk"))
    if citing.pk != cited.pk and citing.pk in reachable(cited.pk, cited_by({cited.pk})):
        raise ValidationError(
            _(
                "“%(cited)s” already cites “%(citing)s”, directly or through others: they cannot "
                "each be the other's origin."
            )  # fmt: skip
            % {"cited": cited.title, "citing": citing.title}
        )
    citation = Citation(
        citing=citing, cited=cited, kind=kind, note=note.strip(), added_by=policy.user_of(by)
    )
    citation.full_clean()
    save_as(citation, by=by)
    return citation


@service
def remove_citation(*, citation: Citation, by) -> None:
    policy.require(by, "change_source")
    delete_as(citation, by=by)


@dataclass(frozen=True)
class ClaimOrigins:
    """Where a claim's versions come from, once citations are followed."""

    sources: list[Source]
    origins: list[Source]
    # Each version's origins, and the other version's source it repeats, if any.
    of_version: dict[int, list[Source]]
    repeats: dict[int, Source]


def claim_origins(appearances: list[Appearance]) -> ClaimOrigins:
    """The independent origins of a claim's versions (``appearances``, with their sources
    and publishers): one query a level of citations, and one for the cited origins."""
    sources = {a.source_id: a.source for a in appearances}
    edges = cited_by(set(sources))
    roots = {pk: _roots(pk, edges) for pk in sources}
    # The versions' sources come with their publishers; only cited origins are read here.
    origins = {
        **sources,
        **Source.objects.defer("text", "search_text")
        .select_related("publisher")
        .in_bulk(set().union(*roots.values()) - set(sources)),
    }

    def ordered(ids) -> list[Source]:
        return sorted((origins[pk] for pk in ids), key=lambda origin: origin.title)

    # A version whose source leads, through citations, to another version's source.
    repeats = {}
    for appearance in appearances:
        reached = reachable(appearance.source_id, edges)
        if repeated := next((pk for pk in sources if pk in reached), None):
            repeats[appearance.pk] = sources[repeated]
    return ClaimOrigins(
        sources=list(sources.values()),
        origins=ordered(set().union(*roots.values())),
        of_version={a.pk: ordered(roots[a.source_id]) for a in appearances},
        repeats=repeats,
    )


@dataclass(frozen=True)
class Suggestion:
    cited: Source
    kind: str
    reason: str


def suggest_citations(source: Source) -> list[Suggestion]:
    """Sources ``source`` may cite, for an editor to confirm: another source whose text holds
    one of its quotes word for word, or an earlier version of the same claim stating the same
    value, or that was published by someone it quotes. Never a source already linked either
    way, nor a later one. Bounded: read from its newest versions."""
    versions = list(
        source.appearances.with_values()
        .select_related("claim", "speaker")
        .order_by("-pk")[:SUGGEST_FROM_VERSIONS]
    )
    linked = set(
        Citation.objects.filter(Q(citing=source) | Q(cited=source)).values_list(
            "citing_id", "cited_id"
        )
    )
    excluded = {source.pk} | {pk for pair in linked for pk in pair}
    found: dict[int, Suggestion] = {}

    def offer(cited: Source, kind: str, reason: str) -> None:
        if cited.pk not in excluded and cited.pk not in found and _earlier(cited, source):
            found[cited.pk] = Suggestion(cited, kind, reason)

    others = (
        Appearance.objects.with_values()
        .filter(claim__in={v.claim_id for v in versions})
        .exclude(source=source)
        .order_by("source__published_on", "pk")[:SUGGEST_AGAINST_VERSIONS]
    )
    by_claim: dict[int, list[Appearance]] = {}
    for other in others:
        by_claim.setdefault(other.claim_id, []).append(other)
    # Copied words are looked for in the other versions' sources (a whole desk's texts would
    # be read for each quote).
    quoted = [v for v in versions if len(v.quote) >= MIN_COPIED_QUOTE]
    candidates = {other.source_id for others in by_claim.values() for other in others}
    if quoted and candidates - excluded:
        for candidate in (
            Source.objects.filter(pk__in=candidates - excluded)
            .filter(_any_text_holds(v.quote for v in quoted))
            .order_by("published_on", "pk")
        ):
            quote = next(v.quote for v in quoted if v.quote in candidate.text)
            offer(
                candidate,
                CitationKind.REPUBLISHES,
                _("its quote «%(quote)s» is word for word in it") % {"quote": _short(quote)},
            )
    for version in versions:
        value = stated_value(version, version.claim.value_type)
        for other in by_claim.get(version.claim_id, ()):
            if value is not None and stated_value(other, version.claim.value_type) == value:
                offer(
                    other.source,
                    CitationKind.CITES,
                    _("it states the same value for “%(claim)s”")
                    % {"claim": _short(version.claim.statement)},
                )
    speakers = {v.speaker_id: v.speaker for v in versions if v.speaker_id}
    for published in (
        Source.objects.defer("text", "search_text")
        .filter(publisher__in=speakers)
        .exclude(pk__in=excluded)
        .order_by("published_on", "pk")[:20]
    ):
        offer(
            published,
            CitationKind.CITES,
            _("it quotes %(speaker)s, who published it")
            % {"speaker": speakers[published.publisher_id]},
        )
    return list(found.values())


def _any_text_holds(quotes) -> Q:
    condition = Q(pk__in=[])
    for quote in quotes:
        condition |= Q(text__contains=quote)
    return condition


def _earlier(cited: Source, citing: Source) -> bool:
    """Whether ``cited`` can be what ``citing`` repeats: not published after it (undated
    sources are given the benefit of the doubt)."""
    if cited.published_on is None or citing.published_on is None:
        return True
    return cited.published_on <= citing.published_on


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else f"{text[: length - 1]}…"
