"""Finding claims: those that look like a passage, so one fact is not tracked twice."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from claims.models import Appearance, Claim
from claims.text import normalize_name

# Words too common to tell two claims apart (French and English).
STOP_WORDS = frozenset(
    """
    avec dans pour plus sont cette comme elle elles leur leurs nous vous mais ainsi aussi
    entre être était depuis selon sous tout tous toute toutes fait faire notamment
    with that this from have been were their there which about into than they them also
    """.split()
)


def _words(text: str) -> set[str]:
    return {
        word for word in normalize_name(text).split() if len(word) > 3 and word not in STOP_WORDS
    }


def similar_claims(text: str, *, limit: int = 5) -> list[tuple[Claim, float]]:
    """Claims whose statement or quotes share the most words with ``text``, best first, with
    the share of ``text``'s words they contain. Two queries: candidates that contain one of the
    longest words, and their quotes; then scored in Python."""
    words = _words(text)
    if not words:
        return []
    probes = sorted(words, key=len, reverse=True)[:8]
    condition = Q()
    for word in probes:
        quoted = Appearance.objects.filter(claim=OuterRef("pk"), quote__icontains=word)
        condition |= Q(statement__icontains=word) | Q(Exists(quoted))
    candidates = Claim.objects.filter(condition).prefetch_related(
        Prefetch("appearances", queryset=Appearance.objects.only("claim_id", "quote"))
    )[:100]
    scored = []
    for claim in candidates:
        texts = [claim.statement, *(appearance.quote for appearance in claim.appearances.all())]
        score = max(len(words & _words(candidate)) / len(words) for candidate in texts)
        if score > 0:
            scored.append((claim, round(score, 2)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:limit]
