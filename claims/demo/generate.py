"""A large, realistic, deterministic corpus for benchmarks: ``manage.py generate_data``.

Same seed, same rows. Entities with a French alias (accents included), sources in French and
English whose text holds their quotes at the recorded offsets, a few speakers with many claims
(a skew), structured claims of every value type with 1–4 versions each. Written in bulk, then
given their search texts by the function the services use (``rebuild_claim_search``), so a
search of this corpus is a search of a desk's. No conflicts are detected (``manage.py
detect_conflicts`` does it) and no review history is made.
"""

import collections
import functools
import itertools
import random
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from claims.models import Alias, Appearance, Claim, Entity, Source, ValueType
from claims.models.sources import sha256_of
from claims.services.base import service_context
from claims.services.search import (
    VersionText,
    rebuild_source_search,
    search_row,
    version_order,
    write_search_rows,
)
from claims.text import normalize_name, search_document

from .data import CORPUS

BATCH = 2000

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


@dataclass
class Generated:
    entities: int = 0
    sources: int = 0
    claims: int = 0
    versions: int = 0


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


def generate(*, claims: int, seed: int = 1, progress=None) -> Generated:
    """Add ``claims`` claims, with entities (one per 20 claims), sources (one per 5) and 1–4
    versions each, to the database. ``progress(text)`` hears how far it is."""
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
        for start in range(0, claims, BATCH):
            count = min(BATCH, claims - start)
            result.versions += _claims(rng, count, entities, sources)
            result.claims += count
            say(f"{result.claims} claims, {result.versions} versions")
    # Fresh statistics: the planner's, and the proposals' word frequencies (without them
    # every word looks rare) — autovacuum would take its time.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result


def _alias(name: str) -> str:
    first, last = name.split(" ")
    return f"{last}é {first}"


def _entities(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """(id, name) of ``count`` new entities, each with a French alias (``_alias``)."""
    names: dict[str, None] = {}
    while len(names) < count:
        names[f"{_word(rng)} {_word(rng)}"] = None
    made = []
    for start in range(0, count, BATCH):
        with transaction.atomic():
            batch = Entity.objects.bulk_create(
                Entity(name=name, normalized_name=normalize_name(name), kind=rng.choice(KINDS))
                for name in list(names)[start : start + BATCH]
            )
            aliases = []
            for entity in batch:
                first, last = entity.name.split(" ")
                alias = f"{last}é {first}"
                aliases.append(
                    Alias(
                        entity=entity, name=alias, normalized=normalize_name(alias), language="fr"
                    )
                )
            Alias.objects.bulk_create(aliases)
        made += [(entity.pk, entity.name) for entity in batch]
    return made


def _sources(rng: random.Random, count: int, entities) -> list[tuple[Source, list[str]]]:
    """New sources, each with the sentences of its text (the quotes versions take)."""
    made = []
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(count, start + BATCH)):
            language = "fr" if number % 3 else "en"
            sentences = [
                _sentence(rng, language, rng.choice(entities)[1], rng.choice(entities)[1])
                for _ in range(SENTENCES_PER_SOURCE)
            ]
            title = " ".join(pair[1 if language == "fr" else 0] for pair in rng.sample(WORDS, 3))
            year = rng.randint(2000, 2024)
            rows.append(
                (
                    Source(
                        title=f"{title.capitalize()} ({number})",
                        kind="article",
                        language=language,
                        published_on=date(year, rng.randint(1, 12), 1),
                        published_precision="month",
                        publisher_id=rng.choice(entities)[0],
                        text=" ".join(sentences),
                    ),
                    sentences,
                )
            )
        with transaction.atomic():
            for source, _sentences in rows:
                source.content_sha256 = sha256_of(source.text)
            created = Source.objects.bulk_create(source for source, _ in rows)
            rebuild_source_search(Source, [s.pk for s in created], using="default")
        made += [(source, sentences) for source, (_, sentences) in zip(created, rows, strict=True)]
    return made


def _value(rng: random.Random, value_type: str, entities) -> tuple[dict, list[int]]:
    if value_type == ValueType.ENTITIES:
        return {}, [rng.choice(entities)[0] for _ in range(rng.randint(1, 4))]
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


def _claims(rng: random.Random, count: int, entities, sources) -> int:
    """``count`` new claims with their versions, in one transaction; returns the versions."""
    claims, versions = [], []
    for _ in range(count):
        prop, value_type = rng.choice(PROPERTIES)
        subject_id, subject = rng.choice(entities)
        source, sentences = rng.choice(sources)
        english = rng.choice(sentences) if source.language == "en" else None
        other = rng.choice(entities)[1]
        statement = english or f"{subject} {prop or 'said'}: {_sentence(rng, 'en', subject, other)}"
        claims.append(
            Claim(
                statement=statement,
                subject_id=subject_id if value_type != ValueType.NONE else None,
                property=prop,
                property_key=normalize_name(prop),
                value_type=value_type,
            )
        )
        said = []
        for _ in range(rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]):
            source, sentences = rng.choice(sources)
            quote = rng.choice(sentences)
            start = source.text.index(quote)
            values, members = _value(rng, value_type, entities)
            said.append(
                (
                    Appearance(
                        source=source,
                        speaker_id=entities[_skewed(rng, len(entities))][0],
                        attribution="paraphrase",
                        quote=quote,
                        start=start,
                        end=start + len(quote),
                        prefix=source.text[max(0, start - 32) : start],
                        suffix=source.text[start + len(quote) : start + len(quote) + 32],
                        **values,
                    ),
                    members,
                )
            )
        versions.append(said)
    with transaction.atomic():
        Claim.objects.bulk_create(claims)
        rows = []
        for claim, said in zip(claims, versions, strict=True):
            for appearance, _members in said:
                appearance.claim = claim
                rows.append(appearance)
        Appearance.objects.bulk_create(rows)
        through = Appearance.value_entities.through
        through.objects.bulk_create(
            through(appearance_id=appearance.pk, entity_id=member)
            for said in versions
            for appearance, members in said
            for member in dict.fromkeys(members)
        )
        # The search texts, computed from what is in memory by the services' own function.
        names = dict(entities)
        claim_rows, version_rows = [], []
        for claim, said in zip(claims, versions, strict=True):
            texts = []
            # In the order the services read them (versions by source and place, members by
            # name), so that the texts are the ones ``refresh_search`` would write.
            said = sorted(said, key=lambda pair: version_order(pair[0]))
            for appearance, members in said:
                version_rows.append(
                    (appearance.pk, search_document(appearance.quote, appearance.value_text))
                )
                texts.append(
                    VersionText(
                        appearance.quote,
                        appearance.value_text,
                        appearance.source.language,
                        _known_as(names[appearance.speaker_id]),
                        [
                            name
                            for member in sorted(set(members), key=names.get)
                            for name in _known_as(names[member])
                        ],
                    )
                )
            subject = _known_as(names[claim.subject_id]) if claim.subject_id else []
            text, parts = search_row(claim.statement, claim.property, subject, texts)
            claim_rows.append((claim.pk, text, parts))
        write_search_rows(claim_rows, version_rows, using="default")
    return len(rows)


def _known_as(name: str) -> list[str]:
    return [name, _alias(name)]
