"""Entities (speakers, subjects, members of sets) and the names they go by."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from claims import policy
from claims.models import Alias, Appearance, Entity

from .base import apply_changes, delete_as, save_as, service
from .conflicts import detect_conflicts_for_appearances, lock_facts
from .search import refresh_entity_search, refresh_search

ENTITY_FIELDS = ("name", "kind", "description", "wikidata_id")


def _alias_rows(aliases: Iterable) -> list[tuple[str, str]]:
    """(name, language) pairs from names or pairs, blank names left out."""
    rows = []
    for alias in aliases:
        name, language = (alias, "") if isinstance(alias, str) else alias
        if name.strip():
            rows.append((name.strip(), language or ""))
    return rows


def _set_aliases(entity: Entity, aliases: Iterable) -> None:
    """Make ``entity``'s aliases exactly ``aliases``, each validated; a name that folds to the
    same key as the entity's name or an earlier alias is kept once. Unchanged aliases are
    left as they are."""
    existing = {alias.normalized: alias for alias in entity.aliases.all()}
    keys = {entity.normalized_name}
    wanted, errors = [], []
    for name, language in _alias_rows(aliases):
        alias = Alias(entity=entity, name=name, language=language)
        try:
            alias.full_clean(exclude=["entity"], validate_constraints=False)
        except ValidationError as error:
            errors += [f"“{name[:60]}”: {message}" for message in error.messages]
            continue
        if alias.normalized in keys:
            continue
        keys.add(alias.normalized)
        wanted.append(alias)
    if errors:
        raise ValidationError({"aliases": errors})
    for alias in wanted:
        kept = existing.pop(alias.normalized, None)
        if kept is None:
            alias.save()
        elif (kept.name, kept.language) != (alias.name, alias.language):
            kept.name, kept.language = alias.name, alias.language
            kept.save(update_fields=["name", "language", "normalized"])
    Alias.objects.filter(pk__in=[alias.pk for alias in existing.values()]).delete()


@service
def add_entity(
    *, by, name: str, kind: str, aliases: Iterable = (), description="", wikidata_id=""
) -> Entity:
    """Add an entity and its aliases (names, or (name, language) pairs), all or nothing."""
    policy.require(by, "add_entity")
    entity = Entity(name=name.strip(), kind=kind, description=description, wikidata_id=wikidata_id)
    entity.full_clean()
    save_as(entity, by=by)
    _set_aliases(entity, aliases)
    return entity


@service
def change_entity(*, entity: Entity, by, aliases: Iterable | None = None, **changes) -> Entity:
    """Change an entity's fields and, given ``aliases``, replace its aliases with them."""
    policy.require(by, "change_entity")
    apply_changes(entity, changes, allowed=ENTITY_FIELDS)
    entity.full_clean()
    save_as(entity, by=by)
    if aliases is not None:
        _set_aliases(entity, aliases)
    if aliases is not None or "name" in changes:
        refresh_entity_search(entity)
    return entity


@service
def delete_entity(*, entity: Entity, by) -> None:
    """Delete an entity that is no speaker, subject or publisher (those are refused). Deleting
    one listed in versions' values takes it out of them: their fact is compared again."""
    policy.require(by, "delete_entity")
    listing = {appearance.claim for appearance in Appearance.objects.filter(value_entities=entity)}
    lock_facts(*listing)
    delete_as(
        entity,
        by=by,
        refusal=_("%(name)s is a speaker, subject or publisher: it cannot be deleted.")
        % {"name": entity.name},
    )
    refresh_search(listing)
    detect_conflicts_for_appearances({claim.pk for claim in listing}, by=by)
