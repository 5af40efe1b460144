"""Reviewed claims as schema.org ClaimReview, in JSON-LD: what fact-checkers publish and
search engines and partners read (README, "ClaimReview").

Every term is schema.org's but one extension, in our own namespace (``claimtracker:``, the IRI
``urn:claimtracker:``): where versions of the claim conflict, ``claimtracker:version`` lists
each version as its own ``Claim`` (its quote, speaker, date, source), and
``claimtracker:contradicts`` links a version to those it conflicts with."""

import json

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse

from .dates import precise_date_text
from .models import (
    Appearance,
    Claim,
    ClaimStatus,
    Conflict,
    ConflictState,
    EntityKind,
    ReviewAction,
    ReviewEvent,
)

EXTENSION = "urn:claimtracker:"
CONTEXT = ["https://schema.org", {"claimtracker": EXTENSION}]


def reviewed_claims():
    """Reviewed claims, with what their ClaimReview reads: verdict, versions (sources and
    speakers), the conflicts between versions, and when the verdict was given."""
    last_verdict = ReviewEvent.objects.filter(
        claim=OuterRef("pk"), action=ReviewAction.VERDICT
    ).order_by("-created_at")
    versions = Appearance.objects.select_related("source", "speaker").order_by("pk")
    return (
        Claim.objects.filter(status=ClaimStatus.REVIEWED, verdict__isnull=False)
        .select_related("verdict")
        .prefetch_related(Prefetch("appearances", queryset=versions))
        .annotate(reviewed_at=Subquery(last_verdict.values("created_at")[:1]))
    )


def _contradicting(claims) -> dict[int, set[tuple[int, int]]]:
    """Version id → (claim id, version id) of the versions it conflicts with, open or resolved
    (not dismissed) — versions of another claim of the same fact included."""
    pairs = Conflict.objects.filter(
        Q(appearance_a__claim__in=claims) | Q(appearance_b__claim__in=claims)
    ).exclude(state=ConflictState.DISMISSED)
    found: dict[int, set[tuple[int, int]]] = {}
    for a, claim_a, b, claim_b in pairs.values_list(
        "appearance_a_id", "appearance_a__claim_id", "appearance_b_id", "appearance_b__claim_id"
    ):
        found.setdefault(a, set()).add((claim_b, b))
        found.setdefault(b, set()).add((claim_a, a))
    return found


def _version_id(site: str, claim_id: int, version_id: int) -> str:
    return f"{site}{reverse('claims:review', args=[claim_id])}#version-{version_id}"


def _said_on(version: Appearance) -> str | None:
    return precise_date_text(version, "said_on") or precise_date_text(
        version.source, "published_on"
    )


def _agent(entity) -> dict | None:
    if entity is None:
        return None
    kind = "Person" if entity.kind == EntityKind.PERSON else "Organization"
    agent = {"@type": kind, "name": entity.name}
    if entity.wikidata_id:
        agent["sameAs"] = f"https://www.wikidata.org/wiki/{entity.wikidata_id}"
    return agent


def _work(source) -> dict:
    work = {"@type": "CreativeWork", "name": source.title, "inLanguage": source.language}
    if source.url:
        work["url"] = source.url
    if published := precise_date_text(source, "published_on"):
        work["datePublished"] = published
    return work


def _sources(versions) -> list:
    return list({v.source_id: v.source for v in versions}.values())


def _compact(node: dict) -> dict:
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def claim_review(
    claim: Claim, *, site: str, contradicting: dict[int, set[tuple[int, int]]]
) -> dict:
    """One reviewed claim (from ``reviewed_claims``) as a ClaimReview, without its
    ``@context`` (the document holding it has it). ``site`` is the scheme and host its page
    is served from; ``contradicting`` comes from ``_contradicting``."""
    url = site + reverse("claims:review", args=[claim.pk])
    versions = sorted(claim.appearances.all(), key=lambda v: (_said_on(v) or "9999", v.pk))
    first = versions[0] if versions else None
    # The claim's language: where it was first said.
    language = first.source.language if first else settings.LANGUAGE_CODE[:2]
    verdict = claim.verdict
    rating = {
        "@type": "Rating",
        "ratingValue": verdict.rating_value,
        "bestRating": verdict.best_rating,
        "worstRating": verdict.worst_rating,
        "alternateName": verdict.label_in(language),
    }
    item = {
        "@type": "Claim",
        "@id": f"{url}#claim",
        # The claim's id at the desk: an import of this review finds the claim by it.
        "identifier": claim.external_id,
        "name": claim.statement,
        # Who said it: the first version's speaker that is known.
        "author": _agent(next((v.speaker for v in versions if v.speaker), None)),
        "datePublished": _said_on(first) if first else None,
        "appearance": [_work(source) for source in _sources(versions)],
        "firstAppearance": _work(first.source) if first else None,
    }
    if any(v.pk in contradicting for v in versions):
        item["claimtracker:version"] = [
            _compact(
                {
                    "@type": "Claim",
                    "@id": _version_id(site, claim.pk, v.pk),
                    "text": v.quote,
                    "author": _agent(v.speaker),
                    "datePublished": _said_on(v),
                    "appearance": _work(v.source),
                    "claimtracker:contradicts": [
                        {"@id": _version_id(site, other_claim, other)}
                        for other_claim, other in sorted(contradicting.get(v.pk, ()))
                    ],
                }
            )
            for v in versions
        ]
    reviewed_at = claim.reviewed_at or claim.updated_at
    return _compact(
        {
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": claim.statement,
            "reviewRating": _compact(rating),
            "author": _compact({"@type": "Organization", **settings.DESK}),
            "datePublished": reviewed_at.date().isoformat(),
            "inLanguage": language,
            "itemReviewed": _compact(item),
        }
    )


def claim_reviews(claims, *, site: str) -> list[dict]:
    """ClaimReviews of ``claims`` (a page of ``reviewed_claims``): one query for conflicts."""
    claims = list(claims)
    contradicting = _contradicting([claim.pk for claim in claims])
    return [claim_review(claim, site=site, contradicting=contradicting) for claim in claims]


def document(node: dict) -> dict:
    """A JSON-LD document of ``node``: the context first."""
    return {"@context": CONTEXT, **node}


# In a <script> element, «</script>» in a statement would end it: escape what HTML reads.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_text(data: dict) -> str:
    """``data`` as the text of a ``<script type="application/ld+json">`` element."""
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)
