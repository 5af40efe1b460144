"""Loading the demo: the two articles of shared/corpus and what they claim."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from claims.dates import PreciseDate
from claims.demo import data
from claims.models import Alias, Claim, Entity, Evidence, Source, ValueType
from claims.text import normalize_name

from .anchoring import update_source_text
from .appearances import record_appearance


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
    if value_type == ValueType.DATE:
        date = PreciseDate.parse(value)
        return {"value_date": date.value, "value_date_precision": date.precision}
    if value_type == ValueType.NUMBER:
        return {"value_number": value}
    if value_type == ValueType.BOOLEAN:
        return {"value_boolean": value}
    return {"value_text": value}


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo data, or complete it: running it again changes nothing."""
    result = DemoResult()

    entities = {}
    for name, kind, wikidata_id, description, aliases in data.ENTITIES:
        entity, created = Entity.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "wikidata_id": wikidata_id, "description": description},
        )
        result.created["entities"] += created
        entities[name] = entity
        for alias_name, language in aliases:
            _, created = Alias.objects.get_or_create(
                entity=entity,
                normalized=normalize_name(alias_name),
                defaults={"name": alias_name, "language": language},
            )
            result.created["aliases"] += created

    sources = {}
    for key, spec in data.SOURCES.items():
        text = (data.CORPUS / spec["file"]).read_text(encoding="utf-8")
        published = PreciseDate.parse(spec["published"]) if spec["published"] else None
        source, created = Source.objects.get_or_create(
            title=spec["title"],
            defaults={
                "kind": spec["kind"],
                "language": spec["language"],
                "text": text,
                "published_on": published.value if published else None,
                "published_precision": published.precision if published else "",
            },
        )
        if not created and source.text != text:
            update_source_text(source=source, text=text)
            source.refresh_from_db()
        result.created["sources"] += created
        sources[key] = source

    for spec in data.CLAIMS:
        value_type = spec.get("value_type", ValueType.NONE)
        claim, created = Claim.objects.get_or_create(
            statement=spec["statement"],
            defaults={
                "subject": entities.get(spec.get("subject")),
                "property": spec.get("property", ""),
                "value_type": value_type,
            },
        )
        result.created["claims"] += created
        for appearance_spec in spec["appearances"]:
            source = sources[appearance_spec["source"]]
            quote = appearance_spec["quote"]
            if claim.appearances.filter(source=source, quote=quote).exists():
                continue
            start = _nth_occurrence(source.text, quote, appearance_spec.get("occurrence", 0))
            record_appearance(
                claim=claim,
                source=source,
                quote=quote,
                start=start,
                end=start + len(quote),
                speaker=entities.get(appearance_spec.get("speaker")),
                attribution=appearance_spec["attribution"],
                **_value_fields(value_type, appearance_spec.get("value"), entities),
            )
            result.created["appearances"] += 1

    for statement, source_key, stance, note in data.EVIDENCE:
        _, created = Evidence.objects.get_or_create(
            claim=Claim.objects.get(statement=statement),
            source=sources[source_key],
            defaults={"stance": stance, "note": note},
        )
        result.created["evidence"] += created

    User = get_user_model()
    for username, group_name, password in data.USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": group_name == "admin"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=group_name))
        result.created["users"] += created
        result.users.append((username, password, created))
    return result
