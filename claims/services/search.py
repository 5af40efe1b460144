"""Finding things: the folded search texts the services keep in step, the header's grouped
search, and the proposals of existing claims for a passage (so one fact is not tracked twice).

A search text is folded by ``claims.text.search_document`` (case, accents, ligatures, hyphens)
and searched with ``LIKE`` word by word: SQLite and PostgreSQL give the same results. On
PostgreSQL a full-text vector (per-language stemming, ``unaccent``) adds ranking and stems, and
trigram indexes make both ``LIKE`` and similarity fast at a million rows (migration 0007).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections
from django.db.models import F, Q
from django.utils.translation import gettext as _

from claims.models import Alias, Appearance, Claim, Entity, Source, ValueType
from claims.models.claims import (
    SEARCH_NEWEST,
    SIMPLE_SEARCH_CONFIG,
    search_config,
    word_frequencies,
)
from claims.text import normalize_name, search_document, search_words

from .comparison import Version, differ
from .conflicts import stated_value

BATCH = 500


def _names(entity) -> list[str]:
    """An entity's name and every alias (``aliases`` prefetched)."""
    if entity is None:
        return []
    return [entity.name, *(alias.name for alias in entity.aliases.all())]


@dataclass(frozen=True)
class VersionText:
    """What a version adds to its claim's search."""

    quote: str
    value_text: str
    language: str
    speaker: list[str]  # the speaker's name and aliases
    members: list[str]  # the names and aliases of the entities of its value


def search_row(statement: str, property: str, subject: list[str], versions: list[VersionText]):
    """A claim's folded search text and the texts of its full-text vector (in the order of
    ``VECTOR_SQL``'s pieces) — from plain values, so that the services, migration 0007 and the
    data generator compute them alike."""
    quotes: dict[str, list[str]] = {}
    people: list[str] = []
    for version in versions:
        quotes.setdefault(search_config(version.language), []).extend(
            [version.quote, version.value_text]
        )
        people += version.speaker + version.members
    text = search_document(
        statement,
        property,
        *subject,
        *(t for v in versions for t in (v.quote, v.value_text, *v.speaker, *v.members)),
    )
    parts = [
        f"{statement}\n{property}",
        "\n".join(subject),
        "\n".join(quotes.pop(search_config("fr"), [])),
        "\n".join(quotes.pop(search_config("en"), [])),
        "\n".join(text for texts in quotes.values() for text in texts),
        "\n".join(people),
    ]
    return text, parts


# Statement and subject weigh most (A), then quotes (B), then the people and members named (C).
# Plain UPDATEs run with executemany: far faster than bulk_update's CASE over a batch.
TEXT_SQL = "UPDATE {table} SET search_text = %s WHERE id = %s"


def _vector(config: str, parts: list[str]) -> str:
    """SQL of a claim's full-text vector from SQL of its configuration and its six texts."""
    statement, subject, french, english, other, people = parts
    return (
        f"setweight(to_tsvector({config}::regconfig, {statement}), 'A')"
        f" || setweight(to_tsvector('{SIMPLE_SEARCH_CONFIG}', {subject}), 'A')"
        f" || setweight(to_tsvector('{search_config('fr')}', {french}), 'B')"
        f" || setweight(to_tsvector('{search_config('en')}', {english}), 'B')"
        f" || setweight(to_tsvector('{SIMPLE_SEARCH_CONFIG}', {other}), 'B')"
        f" || setweight(to_tsvector('{SIMPLE_SEARCH_CONFIG}', {people}), 'C')"
    )


VECTOR = _vector("%s", ["%s"] * 6)
# The vectors of many claims, each from a row of six arrays' elements, in the arrays' order.
VECTORS_SQL = f"""
    SELECT ({_vector("%s", [f"p{n}" for n in range(6)])})::text
    FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
        WITH ORDINALITY AS t(p0, p1, p2, p3, p4, p5, n)
    ORDER BY n
"""
VECTOR_SQL = f"UPDATE claims_claim SET search_text = %s, search_vector = {VECTOR} WHERE id = %s"


def write_search_rows(claim_rows, version_rows, *, using) -> None:
    """Store search texts: ``claim_rows`` are (id, text, vector parts), ``version_rows`` are
    (id, folded quote and text value). Vectors on PostgreSQL only."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            config = search_config(settings.LANGUAGE_CODE[:2])
            cursor.executemany(
                VECTOR_SQL, [[text, config, *parts, pk] for pk, text, parts in claim_rows]
            )
        else:
            cursor.executemany(
                TEXT_SQL.format(table="claims_claim"), [[t, pk] for pk, t, _ in claim_rows]
            )
        if version_rows:
            cursor.executemany(
                TEXT_SQL.format(table="claims_appearance"), [[t, pk] for pk, t in version_rows]
            )


def version_order(version) -> tuple:
    """The order a claim's versions enter its search text: by source, then place."""
    return (version.source_id, -1 if version.start is None else version.start, version.pk)


def rebuild_claim_search(claim_model, appearance_model, claim_ids: Iterable[int], *, using):
    """Recompute the search texts of the given claims and their versions (and the vectors on
    PostgreSQL), in batches. Takes the model classes so that migration 0007 can run it on the
    historical models; the services call ``refresh_search``."""
    claim_ids = sorted(set(claim_ids))
    for offset in range(0, len(claim_ids), BATCH):
        claims = (
            claim_model.objects.using(using)
            .filter(pk__in=claim_ids[offset : offset + BATCH])
            .select_related("subject")
            .prefetch_related(
                "subject__aliases",
                "appearances__source",
                "appearances__speaker__aliases",
                "appearances__value_entities__aliases",
            )
            .only("statement", "property", "subject__name")
        )
        claim_rows, version_rows = [], []
        for claim in claims:
            versions = []
            for version in sorted(claim.appearances.all(), key=version_order):
                version_text = search_document(version.quote, version.value_text)
                if version.search_text != version_text:
                    version_rows.append((version.pk, version_text))
                versions.append(
                    VersionText(
                        version.quote,
                        version.value_text,
                        version.source.language,
                        _names(version.speaker),
                        [name for e in version.value_entities.all() for name in _names(e)],
                    )
                )
            text, parts = search_row(
                claim.statement, claim.property, _names(claim.subject), versions
            )
            claim_rows.append((claim.pk, text, parts))
        write_search_rows(claim_rows, version_rows, using=using)


def rebuild_source_search(source_model, source_ids: Iterable[int], *, using) -> None:
    """Recompute the search texts of the given sources (title, URL, publisher's names)."""
    sources = (
        source_model.objects.using(using)
        .filter(pk__in=set(source_ids))
        .select_related("publisher")
        .prefetch_related("publisher__aliases")
        .only("title", "url", "publisher__name")
    )
    rows = [
        [search_document(source.title, source.url, *_names(source.publisher)), source.pk]
        for source in sources
    ]
    with connections[using].cursor() as cursor:
        cursor.executemany(TEXT_SQL.format(table="claims_source"), rows)


def search_new_claims(claims: list[Claim], versions: list[Appearance]) -> None:
    """Set the search texts of claims and versions not saved yet (an import's batch: the
    claims' versions are all among ``versions``, each with its entities' ids in
    ``import_entities``), as ``refresh_search`` would once they are saved — so that they are
    written with their rows, not updated after. Two queries: the names of their entities."""
    ids = {claim.subject_id for claim in claims} | {v.speaker_id for v in versions}
    ids |= {pk for version in versions for pk in version.import_entities}
    names = {
        pk: [name]
        for pk, name in Entity.objects.filter(pk__in=ids - {None}).values_list("pk", "name")
    }
    for entity_id, alias in (
        Alias.objects.filter(entity_id__in=names)
        .values_list("entity_id", "name")
        .order_by("name", "pk")
    ):
        names[entity_id].append(alias)
    per_claim: dict[int, list[Appearance]] = {}
    for version in versions:
        version.search_text = search_document(version.quote, version.value_text)
        per_claim.setdefault(id(version.claim), []).append(version)
    rows = []
    for claim in claims:
        texts = [
            VersionText(
                version.quote,
                version.value_text,
                version.source.language,
                names.get(version.speaker_id, []),
                [
                    name
                    for pk in sorted(version.import_entities, key=lambda pk: names[pk][0])
                    for name in names[pk]
                ],
            )
            for version in sorted(
                per_claim.get(id(claim), []),
                key=lambda v: (v.source.pk, -1 if v.start is None else v.start),
            )
        ]
        claim.search_text, parts = search_row(
            claim.statement, claim.property, names.get(claim.subject_id, []), texts
        )
        rows.append(parts)
    if connection.vendor == "postgresql" and rows:
        # The vectors of the batch in one query, as text: they are written with the rows.
        config = search_config(settings.LANGUAGE_CODE[:2])
        with connection.cursor() as cursor:
            cursor.execute(VECTORS_SQL, [config, *map(list, zip(*rows, strict=True))])
            for claim, (vector,) in zip(claims, cursor.fetchall(), strict=True):
                claim.search_vector = vector


def refresh_search(claims: Iterable = (), *, sources: Iterable = ()) -> None:
    """Bring the search texts of ``claims`` and ``sources`` (instances or ids) in step with
    what they say now. Called by every service that changes what a claim's search looks in."""
    claim_ids = {getattr(claim, "pk", claim) for claim in claims} - {None}
    source_ids = {getattr(source, "pk", source) for source in sources} - {None}
    if claim_ids:
        rebuild_claim_search(Claim, Appearance, claim_ids, using="default")
    if source_ids:
        rebuild_source_search(Source, source_ids, using="default")


def refresh_entity_search(entity: Entity) -> None:
    """An entity's names changed: every claim and source that names it is searched anew."""
    claims = Claim.objects.filter(
        Q(subject=entity) | Q(appearances__speaker=entity) | Q(appearances__value_entities=entity)
    ).values_list("pk", flat=True)
    refresh_search(
        set(claims), sources=Source.objects.filter(publisher=entity).values_list("pk", flat=True)
    )


# --- The header's search ------------------------------------------------------------------------


@dataclass
class SearchResults:
    query: str
    claims: list = field(default_factory=list)
    claim_count: int = 0
    sources: list = field(default_factory=list)
    source_count: int = 0
    entities: list = field(default_factory=list)
    entity_count: int = 0

    @property
    def words(self) -> list[str]:
        return search_words(self.query)

    limit = SEARCH_NEWEST  # where the counts stop

    @property
    def newest_only(self) -> bool:
        """Whether the counts stopped at ``limit``: more may match."""
        return max(self.claim_count, self.source_count) >= self.limit


def search_everything(query: str, *, limit: int = 10) -> SearchResults:
    """Claims, sources and entities for the header's search box, best first, with counts."""
    results = SearchResults(query)
    words = search_words(query)
    if not words:
        return results
    claims = (
        Claim.objects.search(query, newest=results.limit)
        .select_related("subject", "verdict")
        .order_by("-search_rank", "-updated_at", "-pk")
    )
    results.claim_count = claims.count()
    results.claims = list(claims[:limit])
    sources = Source.objects.search(query)
    results.source_count = sources[: results.limit].count()
    results.sources = list(sources.select_related("publisher").order_by("-created_at")[:limit])
    # Near spellings («Chekori») count when no name holds the query as typed.
    results.entities = Entity.objects.look_up(query, limit=limit)
    results.entity_count = Entity.objects.containing(query).count() or len(results.entities)
    return results


# --- Proposals: existing claims that look like a passage ----------------------------------------

# A candidate's score: the same fact named in the form outweighs everything; then the
# passage's entities as the claim's subject or in its value; then the wording.
FACT_WEIGHT = 10
SUBJECT_WEIGHT = 4
MEMBER_WEIGHT = 1
MAX_MEMBERS = 4
WORDING_WEIGHT = 5
# Below this, two texts only share common syllables.
MIN_SIMILARITY = 0.3
CANDIDATES = 50
LONGEST_NAME = 8  # words


@dataclass
class Proposal:
    claim: Claim
    score: float
    reasons: list[str]
    similarity: float = 0.0
    same_fact: bool = False


def entities_in(passage: str) -> dict[int, Entity]:
    """Entities named in ``passage`` by their name or any alias, in any language, case and
    accents aside («groupe de réflexion Afrique» is the Africa Focus Group). One query: every
    run of up to eight words of the passage is looked up in the folded names' indexes."""
    words = normalize_name(passage).split()
    runs = {
        " ".join(words[start : start + length])
        for length in range(1, LONGEST_NAME + 1)
        for start in range(len(words) - length + 1)
    }
    if not runs:
        return {}
    return {entity.pk: entity for entity in Entity.objects.named_any(runs)}


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of a folded text: each word padded with two spaces before and one
    after, cut in threes."""
    found = set()
    for word in text.split():
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def trigram_closeness(passage: str, text: str) -> float:
    """Close to pg_trgm's ``greatest(similarity, word_similarity)`` of two folded texts, in
    Python for SQLite: the trigram similarity of the passage to the whole text, or to the run
    of as many words of the text that is most like it."""
    ours = trigrams(passage)
    if not ours:
        return 0.0

    def similarity(other: set[str]) -> float:
        return len(ours & other) / len(ours | other) if other else 0.0

    words, width = text.split(), len(passage.split())
    runs = (" ".join(words[i : i + width]) for i in range(max(1, len(words) - width + 1)))
    return max(similarity(trigrams(text)), *(similarity(trigrams(run)) for run in runs))


# The rarest words of a passage taken to find candidates; a candidate holds two of them (one
# when the passage has fewer than three). A word in a twentieth of the claims or more is no clue.
RARE_WORDS = 6
COMMON_WORD = 0.05
# Candidates come by the full-text index; the best ranked are measured, and only they: in
# the same SELECT as the ranking, the similarity was worked out for every match before the
# sort (a thousand long search texts, 190 of a claim page's 330 ms at a million claims).
WORDING_SQL = """
SELECT id, word_similarity(%(passage)s, search_text)
FROM (
    SELECT id, search_text
    FROM claims_claim
    WHERE search_vector @@ %(words)s::tsquery AND merged_into_id IS NULL
    ORDER BY ts_rank(search_vector, %(words)s::tsquery) DESC
    LIMIT %(limit)s
) AS best_ranked
"""


def _tsquery(lexemes) -> str:
    return "(" + " | ".join("'" + lexeme.replace("'", "''") + "'" for lexeme in lexemes) + ")"


def rare_words(folded: str) -> list[list[str]]:
    """The lexemes of the rarest words of a folded passage, rarest first (PostgreSQL)."""
    words = list(dict.fromkeys(w for w in folded.split() if len(w) > 1))
    found = sorted(
        word_frequencies(words).items(),
        # Equal frequencies (a word rarer than every listed one, or no statistics yet): the
        # longer word is the likelier clue.
        key=lambda item: (item[1].frequency, -len(item[0])),
    )
    rare = [word.lexemes for _text, word in found if word.frequency < COMMON_WORD]
    return (rare or [word.lexemes for _text, word in found])[:RARE_WORDS]


def _similar_wording(passage: str, exclude: set[int]) -> dict[int, float]:
    """Claim id → how close its statement or one of its quotes is to ``passage`` (0–1).

    On PostgreSQL, candidates are the claims holding two of the passage's rarest words (the
    full-text index finds them at once; a trigram or nearest-first scan compared a passage
    with tens of thousands of texts), measured by pg_trgm's word similarity to the claim's
    search text. On SQLite, the same measure in Python over the newest claims sharing one of
    the passage's longest words."""
    folded = normalize_name(passage)
    if not folded:
        return {}
    found: dict[int, float] = {}
    if connection.vendor == "postgresql":
        groups = [_tsquery(lexemes) for lexemes in rare_words(folded)]
        if not groups:
            return {}
        if len(groups) < 3:  # "lancé en 2020": one word of two may be the one that differs
            words = " | ".join(groups)
        else:
            words = " | ".join(f"{a} & {b}" for i, a in enumerate(groups) for b in groups[i + 1 :])
        with connection.cursor() as cursor:
            cursor.execute(WORDING_SQL, {"passage": folded, "words": words, "limit": CANDIDATES})
            rows = cursor.fetchall()
    else:
        probes = sorted({w for w in folded.split() if len(w) > 3}, key=len, reverse=True)[:6]
        if not probes:
            probes = folded.split()[:3]
        condition = Q()
        for word in probes:
            condition |= Q(search_text__contains=word)
        # The newest claims holding one of those words, measured as PostgreSQL does: the
        # passage against the claim's search text (statement, quotes, names).
        texts = Claim.objects.live().filter(condition).order_by("-pk")
        rows = [
            (pk, trigram_closeness(folded, text))
            for pk, text in texts.values_list("pk", "search_text")[: CANDIDATES * 4]
        ]
    for claim_id, closeness in rows:
        if claim_id not in exclude and closeness >= MIN_SIMILARITY:
            found[claim_id] = max(found.get(claim_id, 0.0), float(closeness))
    return found


def _same_value(claim: Claim, versions, stated) -> bool:
    """Whether one of ``versions`` states ``stated``, the way the engine compares values."""
    ours = Version(0, "", stated)
    return any(
        not differ(
            ours,
            Version(v.pk, "", value),
            value_type=claim.value_type,
            tolerance=claim.tolerance,
            compare_text=True,
        )
        for v in versions
        if (value := stated_value(v, claim.value_type)) is not None
    )


def _stated(value_type: str, values: dict | None):
    """The value the form states, as the engine reads one (None when it states none)."""
    if not values:
        return None
    if value_type == ValueType.ENTITIES:
        return frozenset(entity.pk for entity in values.get("value_entities", ())) or None
    scalar = {k: v for k, v in values.items() if k != "value_entities"}
    return stated_value(Appearance(**scalar), value_type)


def propose_claims(
    passage: str,
    *,
    subject: Entity | None = None,
    property: str = "",
    value_type: str = "",
    values: dict | None = None,
    exclude: Claim | None = None,
    limit: int = 8,
) -> list[Proposal]:
    """Existing claims that may be the one ``passage`` states, best first, each with the
    reasons it is proposed. The form's subject, property and value, when given, find the claim
    of the same fact — above all when its value differs: that is the version the engine
    needs. Merged claims are never proposed."""
    excluded = {exclude.pk} if exclude else set()
    named = entities_in(passage)
    fact_key = normalize_name(property)
    # The structural candidates, each by its own index (an OR of them scans every claim): the
    # claim of the same fact; claims about an entity of the passage; claims listing one.
    candidates: set[int] = set()
    if subject is not None and fact_key:
        fact = Claim.objects.filter(subject=subject, property_key=fact_key)
        if value_type:
            fact = fact.filter(value_type=value_type)
        candidates |= set(fact.values_list("pk", flat=True)[:CANDIDATES])
    listing = Appearance.value_entities.through.objects.filter(entity_id__in=named)
    if named:
        about = Claim.objects.filter(subject__in=named).order_by("-pk")
        candidates |= set(about.values_list("pk", flat=True)[:CANDIDATES])
        # ``+ 0``: newest first from the entities' index; walking the primary key back
        # until fifty versions name one of a few entities reads most of the table.
        newest_first = listing.order_by((F("appearance_id") + 0).desc())
        candidates |= set(newest_first.values_list("appearance__claim_id", flat=True)[:CANDIDATES])
    wording = _similar_wording(passage, excluded)
    candidates = (candidates | set(wording)) - excluded
    if not candidates:
        return []
    # Scored on their keys and the passage's entities in their values alone; only the best
    # are fetched whole (a hundred candidates' versions and members took most of the time).
    members: dict[int, set[int]] = {}
    if named:
        for claim_id, entity_id in listing.filter(appearance__claim_id__in=candidates).values_list(
            "appearance__claim_id", "entity_id"
        ):
            members.setdefault(claim_id, set()).add(entity_id)
    facts = Claim.objects.live().filter(pk__in=candidates)
    scored = []
    for pk, subject_id, key, type_ in facts.values_list(
        "pk", "subject_id", "property_key", "value_type"
    ):
        same_fact = (
            subject is not None
            and subject_id == subject.pk
            and key == fact_key
            and (not value_type or type_ == value_type)
        )
        about = None if same_fact or subject_id not in named else named[subject_id]
        listed = sorted(named[e].name for e in members.get(pk, ()) if e != subject_id)
        closeness = wording.get(pk, 0.0)
        score = (
            FACT_WEIGHT * same_fact
            + SUBJECT_WEIGHT * (about is not None)
            + MEMBER_WEIGHT * min(len(listed), MAX_MEMBERS)
            + WORDING_WEIGHT * closeness
        )
        if score:
            scored.append((round(score, 2), closeness, pk, same_fact, about, listed))
    scored.sort(key=lambda row: (-row[0], -row[1], row[2]))
    scored = scored[:limit]
    claims = Claim.objects.select_related("subject").defer("search_text", "search_vector")
    claims = claims.in_bulk([pk for _score, _closeness, pk, *_rest in scored])
    stated = _stated(value_type, values)
    proposals = []
    for score, closeness, pk, same_fact, about, listed in scored:
        claim, reasons = claims[pk], []
        if same_fact:
            if stated is None or claim.value_type != value_type:
                reasons.append(_("same subject and property"))
            elif _same_value(claim, claim.appearances.prefetch_related("value_entities"), stated):
                reasons.append(_("same subject and property; same value"))
            else:
                reasons.append(_("same subject and property; the value differs"))
        elif about is not None:
            reasons.append(_("about %(subject)s") % {"subject": about.name})
        if listed:
            reasons.append(_("its value names %(names)s") % {"names": ", ".join(listed)})
        if closeness:
            reasons.append(
                _("similar wording (%(percent)d%%)") % {"percent": round(100 * closeness)}
            )
        proposals.append(Proposal(claim, score, reasons, closeness, same_fact))
    return proposals


# On a claim's page, a claim that only shares an entity with it is no duplicate.
DUPLICATE_SIMILARITY = 0.75


def possible_duplicates(claim: Claim, *, limit: int = 5) -> list[Proposal]:
    """The claims the record form would propose for this claim's statement and fact, in its
    order, kept when they state the same fact or are worded closely."""
    proposals = propose_claims(
        claim.statement,
        subject=claim.subject,
        property=claim.property,
        value_type=claim.value_type if claim.value_type != ValueType.NONE else "",
        exclude=claim,
        limit=limit * 3,
    )
    return [p for p in proposals if p.same_fact or p.similarity >= DUPLICATE_SIMILARITY][:limit]
