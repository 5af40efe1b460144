"""A large, realistic, deterministic corpus for benchmarks: ``manage.py generate_data``.

Same seed, same rows. Entities with a French alias (accents included), sources in French and
English whose text holds their quotes at the recorded offsets, a few speakers with many claims
(a skew), structured claims of every value type with 1–4 versions each — which mostly agree, as
a desk's do —, claims at every step of review (in review and assigned, reviewed with a verdict,
archived) with their review events, the history rows the services would have written, and the
conflicts the engine finds (``detect_facts``, as ``manage.py detect_conflicts`` runs it). Three
years of activity, oldest claims first. The search texts and vectors are those of the
services' own functions, so a search of this corpus is a search of a desk's.

Rows are written in bulk with their ids (``bulk.BulkRows``: COPY on PostgreSQL), a batch of
claims a transaction; sequences are reset after.
"""

import collections
import functools
import itertools
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from claims.models import (
    Alias,
    Appearance,
    Claim,
    ClaimStatus,
    Entity,
    ReviewAction,
    ReviewEvent,
    Source,
    TrackRecord,
    ValueType,
    Verdict,
)
from claims.models.sources import sha256_of
from claims.policy import SYSTEM
from claims.services import rescan
from claims.services.base import service_context
from claims.services.search import VECTORS_SQL, VersionText, search_config, search_row
from claims.text import normalize_name, search_document

from .bulk import BulkRows, reset_sequences
from .data import CORPUS

BATCH = 2000
# Three years of a desk's activity, oldest claims first.
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
# How often a version states its fact's value (the others differ: the engine's conflicts).
AGREEING = 0.9
REVIEWERS = 5

SYLLABLES = (
    "ka ri mo sa lu ne ta vo bi ra de lo mi su za ko pe ni ga tu ve la do fi se ru ma "
    "no ti be zo ha ju ke li pa"
).split()
# (English, French) nouns for titles and sentences; the French ones carry accents.
WORDS = [
    ("ministry", "ministère"), ("security", "sécurité"), ("report", "rapport"),
    ("meeting", "réunion"), ("agreement", "accord"), ("budget", "budget"),
    ("election", "élection"), ("coalition", "coalition"), ("region", "région"),
    ("president", "président"), ("co-chair", "coprésidence"), ("state", "État"),
    ("development", "développement"), ("health", "santé"), ("energy", "énergie"),
    ("education", "éducation"), ("defence", "défense"), ("economy", "économie"),
]  # fmt: skip
PROPERTIES = [
    ("co-chairs", ValueType.ENTITIES), ("members", ValueType.ENTITIES),
    ("population", ValueType.NUMBER), ("budget in millions", ValueType.NUMBER),
    ("launch year", ValueType.DATE), ("founded", ValueType.DATE),
    ("capital", ValueType.TEXT), ("is a member of the council", ValueType.BOOLEAN),
    ("", ValueType.NONE), ("", ValueType.NONE),
]  # fmt: skip
KINDS = ["person", "organization", "country", "group", "other"]
SENTENCES_PER_SOURCE = 6


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


# The most frequent English words, most frequent first: with the nouns above and a long tail
# of made-up words, the head of an English vocabulary drawn by Zipf's law.
ENGLISH = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when "
    "who will more no if out so said what up its about into than them can only other new "
    "some could these two may then do first any my now such like our over man me even most "
    "made after also did many before must through back years where much your way well down "
    "should because each just those people how too little state good very make world still "
    "own see men work long get here between both life being under never day same another "
    "know while last might us great old year off come since against go came right used take"
).split()
TAIL = 20_000  # made-up words per language, after the real ones


class Vocabulary:
    """Words drawn by Zipf's law (the n-th most frequent word is n times rarer than the first),
    as in real text: a few words in every sentence, most words in a few. French takes its head
    from the demo's two articles, in their own frequency order, accents and all."""

    def __init__(self, words: list[str]):
        self.words = words
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    @classmethod
    @functools.cache
    def of(cls, language: str) -> "Vocabulary":
        rng = random.Random(language)
        if language == "fr":
            # Sorted: a directory lists its files in no set order, and ties keep first seen.
            articles = sorted(CORPUS.glob("*.txt"))
            text = "\n".join(path.read_text(encoding="utf-8") for path in articles)
            counts = collections.Counter(re.findall(r"[^\W\d_]{2,}", text.lower()))
            head = [word for word, _count in counts.most_common()]
            accented = [*SYLLABLES, "té", "ré", "ça", "lè", "mê", "dé"]
            tail = (
                "".join(rng.choice(accented) for _ in range(rng.randint(2, 4))) for _ in range(TAIL)
            )
        else:
            head = ENGLISH
            tail = (_word(rng).lower() for _ in range(TAIL))
        nouns = [pair[1 if language == "fr" else 0].lower() for pair in WORDS]
        return cls(list(dict.fromkeys([*head[:60], *nouns, *head[60:], *tail])))


def _sentence(rng: random.Random, language: str, first: str, second: str) -> str:
    """A sentence of 10 to 28 words naming two entities."""
    words = Vocabulary.of(language).draw(rng, rng.randint(8, 26))
    words.insert(rng.randint(0, len(words)), first)
    words.insert(rng.randint(0, len(words)), second)
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]}."


def _skewed(rng: random.Random, count: int) -> int:
    """An index in [0, count), small ones far more often: a few speakers say most."""
    return min(count - 1, int(count * rng.random() ** 4))


@dataclass
class Generated:
    entities: int = 0
    sources: int = 0
    claims: int = 0
    versions: int = 0
    review_events: int = 0
    conflicts: int = 0


@dataclass
class Desk:
    """What every batch of claims draws from."""

    rng: random.Random
    seed: int
    entities: list[tuple[int, str]]
    sources: list[tuple[int, str, str, list[str]]]  # id, language, text, sentences
    reviewers: list[int]
    verdicts: list[Verdict]
    total: int  # the claims of the whole run: their dates spread over SPAN
    made: int = 0
    writers: dict = field(default_factory=dict)

    def rows(self, model) -> BulkRows:
        if model not in self.writers:
            self.writers[model] = BulkRows(model)
        return self.writers[model]

    def flush(self) -> None:
        for writer in self.writers.values():
            writer.flush()


def generate(*, claims: int, seed: int = 1, progress=None) -> Generated:
    """Add ``claims`` claims, with entities (one per 20 claims), sources (one per 5), 1–4
    versions each, their review, history and conflicts, to the database. ``progress(text)``
    hears how far it is."""
    rng = random.Random(seed)
    say = progress or (lambda _text: None)
    result = Generated()
    with service_context():
        entities = _entities(rng, max(50, claims // 20))
        result.entities = len(entities)
        say(f"{result.entities} entities")
        sources = _sources(rng, max(10, claims // 5), entities)
        result.sources = len(sources)
        say(f"{result.sources} sources")
        desk = Desk(rng, seed, entities, sources, _reviewers(), list(Verdict.objects.all()), claims)
        for start in range(0, claims, BATCH):
            count = min(BATCH, claims - start)
            with transaction.atomic():
                made = _claims(desk, count)
                desk.flush()
            result.versions += made.versions
            result.review_events += made.review_events
            result.claims += count
            say(f"{result.claims} claims, {result.versions} versions")
        reset_sequences(*(writer.model for writer in desk.writers.values()))
        _analyze()
        # The conflicts, by the engine, as ``manage.py detect_conflicts`` finds them.
        result.conflicts = rescan(
            by=SYSTEM,
            progress=lambda scanned: say(f"conflicts: {scanned} claims compared"),
            every=50_000,
        ).opened
        TrackRecord.objects.recount_all()
    _analyze()
    return result


def _analyze() -> None:
    # Fresh statistics (the planner's, and the proposals' word frequencies: without them
    # every word looks rare) and, on PostgreSQL, the tables' visibility maps (index-only
    # scans, as on a desk whose autovacuum has run) — autovacuum would take its time. (VACUUM
    # runs outside a transaction only: a test's generation is analysed.)
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def _reviewers() -> list[int]:
    """The desk's reviewers: those of the database, else a few made for the corpus (they
    cannot log in)."""
    users = get_user_model().objects
    found = list(users.filter(groups__name="reviewers").values_list("pk", flat=True)[:REVIEWERS])
    for number in range(len(found), REVIEWERS):
        user, _ = users.get_or_create(username=f"generated-reviewer-{number + 1}")
        found.append(user.pk)
    return found


def _alias(name: str) -> str:
    first, last = name.split(" ")
    return f"{last}é {first}"


def _entities(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """(id, name) of ``count`` new entities, each with a French alias (``_alias``)."""
    names: dict[str, None] = {}
    while len(names) < count:
        names[f"{_word(rng)} {_word(rng)}"] = None
    entities, aliases = BulkRows(Entity), BulkRows(Alias)
    made = []
    with transaction.atomic():
        for name in names:
            pk = entities.add(
                name=name,
                normalized_name=normalize_name(name),
                kind=rng.choice(KINDS),
                created_at=START,
                updated_at=START,
            )
            alias = _alias(name)
            aliases.add(entity_id=pk, name=alias, normalized=normalize_name(alias), language="fr")
            made.append((pk, name))
        entities.flush()
        aliases.flush()
        reset_sequences(Entity, Alias)
    return made


def _sources(rng: random.Random, count: int, entities) -> list[tuple[int, str, str, list[str]]]:
    """New sources: (id, language, text, the sentences of its text: the quotes versions take)."""
    made = []
    rows = BulkRows(Source)
    with transaction.atomic():
        for number in range(count):
            language = "fr" if number % 3 else "en"
            sentences = [
                _sentence(rng, language, rng.choice(entities)[1], rng.choice(entities)[1])
                for _ in range(SENTENCES_PER_SOURCE)
            ]
            words = " ".join(pair[1 if language == "fr" else 0] for pair in rng.sample(WORDS, 3))
            title = f"{words.capitalize()} ({number})"
            year = rng.randint(2000, 2024)
            publisher_id, publisher = rng.choice(entities)
            text = " ".join(sentences)
            pk = rows.add(
                title=title,
                kind="article",
                language=language,
                published_on=date(year, rng.randint(1, 12), 1),
                published_precision="month",
                publisher_id=publisher_id,
                text=text,
                content_sha256=sha256_of(text),
                search_text=search_document(title, *_known_as(publisher)),
                created_at=START,
                updated_at=START,
            )
            made.append((pk, language, text, sentences))
            if len(rows.rows) == BATCH:
                rows.flush()
        rows.flush()
        reset_sequences(Source)
    return made


def _fact_value(desk: Desk, subject: str, prop: str, value_type: str) -> tuple[dict, list[int]]:
    """What a fact's versions mostly say: the same for every claim of the fact, whatever the
    order claims are made in (its own random stream, seeded by the fact)."""
    return _value(random.Random(f"{desk.seed}:{subject}:{prop}"), value_type, desk.entities)


def _value(rng: random.Random, value_type: str, entities) -> tuple[dict, list[int]]:
    if value_type == ValueType.ENTITIES:
        return {}, sorted({rng.choice(entities)[0] for _ in range(rng.randint(1, 4))})
    if value_type == ValueType.NUMBER:
        return {"value_number": Decimal(rng.randint(1, 500) * 1000)}, []
    if value_type == ValueType.DATE:
        return {
            "value_date": date(rng.randint(1990, 2024), 1, 1),
            "value_date_precision": "year",
        }, []
    if value_type == ValueType.TEXT:
        return {"value_text": _word(rng)}, []
    if value_type == ValueType.BOOLEAN:
        return {"value_boolean": rng.random() < 0.8}, []
    return {}, []


@dataclass
class Made:
    versions: int = 0
    review_events: int = 0


def _claims(desk: Desk, count: int) -> Made:
    """``count`` new claims with their versions, review and history (written by ``flush``)."""
    rng, entities, made = desk.rng, desk.entities, Made()
    names = dict(entities)
    drafts = []
    for _ in range(count):
        prop, value_type = rng.choice(PROPERTIES)
        if prop:
            # Of what, in which field: a subject's facts are many, as on a desk, where two
            # claims of one fact are a duplicate to merge, not the rule.
            prop = f"{prop} ({rng.choice(WORDS)[0]})"
        subject_id, subject = rng.choice(entities)
        _pk, language, _text, sentences = rng.choice(desk.sources)
        english = rng.choice(sentences) if language == "en" else None
        other = rng.choice(entities)[1]
        statement = english or f"{subject} {prop or 'said'}: {_sentence(rng, 'en', subject, other)}"
        # Spread over three years, in the order made; a claim's versions come within a month.
        created = START + SPAN * (desk.made / desk.total) + timedelta(seconds=rng.randint(0, 3600))
        desk.made += 1
        fact = _fact_value(desk, subject, prop, value_type)
        versions = []
        for number in range(rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]):
            source_id, source_language, text, sentences = rng.choice(desk.sources)
            quote = rng.choice(sentences)
            start = text.index(quote)
            values, members = fact if rng.random() < AGREEING else _value(rng, value_type, entities)
            versions.append(
                {
                    "source_id": source_id,
                    "speaker_id": entities[_skewed(rng, len(entities))][0],
                    "attribution": "paraphrase",
                    "quote": quote,
                    "start": start,
                    "end": start + len(quote),
                    "prefix": text[max(0, start - 32) : start],
                    "suffix": text[start + len(quote) : start + len(quote) + 32],
                    "created_at": created + timedelta(days=rng.uniform(0, 30) * (number > 0)),
                    **values,
                    "members": members,
                    "language": source_language,
                }
            )
        claim = {
            "statement": statement,
            "subject_id": subject_id if value_type != ValueType.NONE else None,
            "property": prop,
            "property_key": normalize_name(prop),
            "value_type": value_type,
            "created_at": created,
        }
        drafts.append((claim, versions, _review(desk, created)))

    # The search texts, by the services' own function, from what is in memory; the vectors
    # of the batch in one query (PostgreSQL).
    searched = []
    for claim, versions, _steps in drafts:
        texts = []
        for version in sorted(versions, key=lambda v: (v["source_id"], v["start"])):
            texts.append(
                VersionText(
                    version["quote"],
                    version.get("value_text", ""),
                    version["language"],
                    _known_as(names[version["speaker_id"]]),
                    [
                        n
                        for member in sorted(version["members"], key=names.get)
                        for n in _known_as(names[member])
                    ],
                )
            )
        subject = _known_as(names[claim["subject_id"]]) if claim["subject_id"] else []
        searched.append(search_row(claim["statement"], claim["property"], subject, texts))
    vectors = _vectors([parts for _text, parts in searched])

    claims, versions_, members_ = (
        desk.rows(Claim),
        desk.rows(Appearance),
        desk.rows(Appearance.value_entities.through),
    )
    claim_history, version_history = (
        desk.rows(Claim.history.model),
        desk.rows(Appearance.history.model),
    )
    events = desk.rows(ReviewEvent)
    for (claim, versions, steps), (text, _parts), vector in zip(
        drafts, searched, vectors, strict=True
    ):
        created = claim["created_at"]
        last = max([created, *(v["created_at"] for v in versions), *(step[0] for step in steps)])
        final = {}
        for _at, _actor, changes, _event in steps:
            final.update(changes)
        pk = claims.add(
            **claim,
            updated_at=steps[-1][0] if steps else created,
            last_activity_at=last,
            search_text=text,
            search_vector=vector,
            version=1 + len({step[0] for step in steps}),
            **final,
        )
        claim_history.add(
            **_tracked(claim_history, claim),
            id=pk,
            updated_at=created,
            version=1,
            history_date=created,
            history_type="+",
        )
        for at, number, fields, actor in _history_of(steps):
            claim_history.add(
                **_tracked(claim_history, claim),
                **fields,
                id=pk,
                updated_at=at,
                version=number,
                history_date=at,
                history_type="~",
                history_user_id=actor,
            )
        for version in versions:
            members = version.pop("members")
            version.pop("language")
            version_pk = versions_.add(
                **version,
                claim_id=pk,
                updated_at=version["created_at"],
                search_text=search_document(version["quote"], version.get("value_text", "")),
            )
            version_history.add(
                **_tracked(version_history, version),
                id=version_pk,
                claim_id=pk,
                updated_at=version["created_at"],
                history_date=version["created_at"],
                history_type="+",
            )
            for member in members:
                members_.add(appearance_id=version_pk, entity_id=member)
            made.versions += 1
        for at, actor, _changes, event in steps:
            events.add(claim_id=pk, actor_id=actor, created_at=at, **event)
            made.review_events += 1
    return made


def _tracked(rows: BulkRows, values: dict) -> dict:
    return {name: value for name, value in values.items() if name in rows.index}


def _history_of(steps):
    """A claim's history rows after its creation: its fields after each moment its review
    changed them (the steps of one moment are one save), the claim's version then, and who."""
    state = {}
    moments = itertools.groupby(steps, key=lambda step: step[0])
    for version, (at, group) in enumerate(moments, start=2):
        steps_then = list(group)
        for _at, _actor, changes, _event in steps_then:
            state.update(changes)
        yield at, version, dict(state), steps_then[-1][1]


def _review(desk: Desk, created: datetime) -> list[tuple[datetime, int, dict, dict]]:
    """Where a claim's review stands: (when, who, the claim's fields after, the event) a step.
    Most are new; some in review and assigned; a third reviewed with a verdict; a few archived."""
    rng = desk.rng
    draw = rng.random()
    if draw < 0.55:
        return []
    reviewer = rng.choice(desk.reviewers)
    started = created + timedelta(days=rng.uniform(1, 60))
    start = (
        started,
        reviewer,
        {"status": ClaimStatus.IN_REVIEW, "assignee_id": reviewer},
        {
            "action": ReviewAction.STATUS,
            "old_value": ClaimStatus.NEW,
            "new_value": ClaimStatus.IN_REVIEW,
        },
    )
    if draw < 0.65:
        return [start]
    if draw < 0.97:
        verdict = rng.choice(desk.verdicts)
        done = started + timedelta(days=rng.uniform(0, 14))
        fields = {"status": ClaimStatus.REVIEWED, "verdict_id": verdict.pk}
        note = "Checked against the sources."
        return [
            start,
            (
                done,
                reviewer,
                fields,
                {
                    "action": ReviewAction.STATUS,
                    "old_value": ClaimStatus.IN_REVIEW,
                    "new_value": ClaimStatus.REVIEWED,
                    "note": note,
                },
            ),
            (
                done,
                reviewer,
                fields,
                {"action": ReviewAction.VERDICT, "new_value": verdict.label, "note": note},
            ),
        ]
    archived = started + timedelta(days=rng.uniform(0, 30))
    return [
        start,
        (
            archived,
            reviewer,
            {"status": ClaimStatus.ARCHIVED},
            {
                "action": ReviewAction.STATUS,
                "old_value": ClaimStatus.IN_REVIEW,
                "new_value": ClaimStatus.ARCHIVED,
                "note": "Out of scope.",
            },
        ),
    ]


def _vectors(parts: list[list[str]]) -> list[str | None]:
    """The full-text vectors of claims (as text) from their six texts: PostgreSQL only."""
    if connection.vendor != "postgresql" or not parts:
        return [None] * len(parts)
    config = search_config(settings.LANGUAGE_CODE[:2])
    with connection.cursor() as cursor:
        cursor.execute(VECTORS_SQL, [config, *map(list, zip(*parts, strict=True))])
        return [vector for (vector,) in cursor.fetchall()]


def _known_as(name: str) -> list[str]:
    return [name, _alias(name)]
