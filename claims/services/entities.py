"""Adding entities (speakers, subjects, members of sets) with the names they go by."""

from django.db import transaction

from claims import policy
from claims.models import Alias, Entity
from claims.text import normalize_name


@transaction.atomic
def add_entity(*, by, name: str, kind: str, aliases=(), description="", wikidata_id="") -> Entity:
    """Add an entity and its aliases, all or nothing; an alias that folds to the same key as
    the name or an earlier alias is kept once."""
    policy.require(by, "add_entity")
    entity = Entity(name=name.strip(), kind=kind, description=description, wikidata_id=wikidata_id)
    entity.full_clean()
    entity._history_user = by
    entity.save()
    keys = {entity.normalized_name}
    for alias in aliases:
        key = normalize_name(alias)
        if key and key not in keys:
            Alias.objects.create(entity=entity, name=alias.strip())
            keys.add(key)
    return entity
