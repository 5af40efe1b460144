"""Loading the demo: the two articles of shared/corpus and what they claim."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.dates import PreciseDate
from claims.demo import data
from claims.models import (
    DATED_TYPES,
    Citation,
    Claim,
    Entity,
    Evidence,
    RatingMapping,
    Source,
    ValueType,
    Verdict,
    sha256_of,
)
from claims.policy import SYSTEM
from claims.text import normalize_text

from .appearances import record_appearance
from .base import service
from .citations import add_citation
from .entities import add_entity
from .evidence import add_evidence, add_search_record
from .sources import add_source, change_source
from .verdicts import save_rating_mapping
from .workflow import create_claim


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    # (username, password, created now)
    users: list[tuple[str, str, bool]] = field(default_factory=list)


def _nth_occurrence(text: str, quote: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(quote, start + 1)
        if start == -1:
            raise ValueError(f"Demo quote not found in its source: {quote!r}")
    return start


def _value_fields(value_type: str, value, entities: dict[str, Entity]) -> dict:
    if value is None:
        return {}
    if value_type == ValueType.ENTITIES:
        return {"value_entities": [entities[name] for name in value]}
    if value_type in DATED_TYPES:
        date = PreciseDate.parse(value)
        return {"value_date": date.value, "value_date_precision": date.precision}
    if value_type == ValueType.NUMBER:
        return {"value_number": value}
    if value_type == ValueType.BOOLEAN:
        return {"value_boolean": value}
    return {"value_text": value}


@service
def load_demo() -> DemoResult:
    """Create the demo data, or complete it: running it again changes nothing. The tracker
    itself (SYSTEM) is its actor."""
    result = DemoResult()

    entities = {}
    for name, kind, wikidata_id, description, aliases in data.ENTITIES:
        entity = Entity.objects.filter(name=name).first()
        if entity is None:
            entity = add_entity(
                by=SYSTEM,
                name=name,
                kind=kind,
                wikidata_id=wikidata_id,
                description=description,
                aliases=aliases,
            )
            result.created["entities"] += 1
            result.created["aliases"] += entity.aliases.count()
        entities[name] = entity

    sources = {}
    for key, spec in data.SOURCES.items():
        text = (data.CORPUS / spec["file"]).read_text(encoding="utf-8") if "file" in spec else ""
        published = PreciseDate.parse(spec["published"]) if spec["published"] else None
        source = Source.objects.filter(title=spec["title"]).first()
        if source is None:
            source = add_source(
                by=SYSTEM,
                title=spec["title"],
                kind=spec["kind"],
                language=spec["language"],
                text=text,
                url=spec.get("url", ""),
                publisher=entities.get(spec.get("publisher")),
                published_on=published.value if published else None,
                published_precision=published.precision if published else "",
            )
            result.created["sources"] += 1
        elif source.content_sha256 != sha256_of(normalize_text(text)):
            change_source(source=source, by=SYSTEM, text=text)
        sources[key] = source

    for spec in data.CLAIMS:
        value_type = spec.get("value_type", ValueType.NONE)
        claim = Claim.objects.filter(statement=spec["statement"]).first()
        if claim is None:
            claim = create_claim(
                by=SYSTEM,
                statement=spec["statement"],
                subject=entities.get(spec.get("subject")),
                property=spec.get("property", ""),
                value_type=value_type,
                changes_over_time=spec.get("changes_over_time", True),
                recorded_by=entities.get(spec.get("recorded_by")),
            )
            result.created["claims"] += 1
        for search in spec.get("search_records", ()):
            if not claim.search_records.filter(searched=search["searched"]).exists():
                dates = {
                    name: datetime.date.fromisoformat(search[name])
                    for name in ("covered_from", "covered_to", "searched_on")
                }
                add_search_record(claim=claim, by=SYSTEM, **{**search, **dates})
                result.created["search records"] += 1
        for appearance_spec in spec["appearances"]:
            source = sources[appearance_spec["source"]]
            quote = appearance_spec["quote"]
            if claim.appearances.filter(source=source, quote=quote).exists():
                continue
            start = _nth_occurrence(source.text, quote, appearance_spec.get("occurrence", 0))
            record_appearance(
                claim=claim,
                source=source,
                by=SYSTEM,
                quote=quote,
                start=start,
                end=start + len(quote),
                speaker=entities.get(appearance_spec.get("speaker")),
                attribution=appearance_spec["attribution"],
                **_value_fields(value_type, appearance_spec.get("value"), entities),
            )
            result.created["appearances"] += 1

    for statement, source_key, stance, note in data.EVIDENCE:
        claim = Claim.objects.get(statement=statement)
        if not Evidence.objects.filter(claim=claim, source=sources[source_key]).exists():
            add_evidence(
                claim=claim, source=sources[source_key], by=SYSTEM, stance=stance, note=note
            )
            result.created["evidence"] += 1

    for citing, cited, kind, note in data.CITATIONS:
        if not Citation.objects.filter(citing=sources[citing], cited=sources[cited]).exists():
            add_citation(
                citing=sources[citing], cited=sources[cited], kind=kind, note=note, by=SYSTEM
            )
            result.created["citations"] += 1

    for label, slug in data.RATING_MAPPINGS:
        if not RatingMapping.objects.filter(publisher="", label=label).exists():
            mapping = RatingMapping(label=label, verdict=Verdict.objects.get(slug=slug))
            save_rating_mapping(mapping=mapping, by=SYSTEM)
            result.created["rating mappings"] += 1

    User = get_user_model()
    for username, group_name, password in data.USERS:
        user, created = User.objects.get_or_create(
            username=username,
            # Only administrators use the Django admin: editors and reviewers are not staff.
            defaults={"is_staff": group_name == "admin", "is_superuser": group_name == "admin"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=group_name))
        elif user.is_staff != (group_name == "admin"):
            # A demo loaded before the admin was for administrators only.
            user.is_staff = group_name == "admin"
            user.save(update_fields=["is_staff"])
        result.created["users"] += created
        result.users.append((username, password, created))
    return result
