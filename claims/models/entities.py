"""Entities (people, organisations, countries, groups) and their aliases."""

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from claims.text import normalize_name

from .base import (
    LANGUAGE_SHAPE,
    History,
    Timestamped,
    choices_constraint,
    folded_length_error,
    validate_language,
    validate_wikidata_id,
)


class EntityKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANIZATION = "organization", _("organization")
    COUNTRY = "country", _("country")
    GROUP = "group", _("group")
    OTHER = "other", _("other")


class EntityQuerySet(models.QuerySet):
    def named(self, name: str) -> "EntityQuerySet":
        """Entities whose name or any alias matches ``name``, case, accents and punctuation
        aside. One query; an empty name matches nothing."""
        return self.named_any([name])

    def named_any(self, names) -> "EntityQuerySet":
        """Entities called by any of ``names`` (their name or an alias)."""
        keys = {normalize_name(name) for name in names} - {""}
        if not keys:
            return self.none()
        return self._called(Q(normalized_name__in=keys), Q(normalized__in=keys))

    def _called(self, by_name: Q, by_alias: Q) -> "EntityQuerySet":
        """Entities whose name meets ``by_name`` or with an alias meeting ``by_alias``. The
        two are looked up apart, each by its own index, and united: ``name OR id IN
        (aliases)`` read every entity (80 ms a look-up at 50,000 entities, 3 this way)."""
        names = Entity.objects.filter(by_name).order_by().values("pk")
        aliases = Alias.objects.filter(by_alias).order_by().values("entity_id")
        return self.filter(pk__in=names.union(aliases))

    def containing(self, text: str) -> "EntityQuerySet":
        """Entities with ``text`` in their name or an alias, case and accents aside."""
        key = normalize_name(text)
        if len(key) < 2:
            return self.none()
        return self._called(Q(normalized_name__contains=key), Q(normalized__contains=key))

    def look_up(self, text: str, *, limit: int = 10) -> list["Entity"]:
        """Entities for a look-up box, best first: those called exactly ``text`` (by name or
        alias, case and accents aside), then those with a name starting with it, containing
        it; and when none does, those spelt nearly so («Chekori» finds Ismail Chekkori) — trigram
        similarity on PostgreSQL, rapidfuzz on SQLite. Aliases come prefetched."""
        key = normalize_name(text)
        if len(key) < 2:
            return []
        found = list(self.containing(key).prefetch_related("aliases").order_by("name")[: limit * 5])
        if not found:
            found = self._spelt_nearly(key, limit)

        def closeness(entity) -> tuple:
            keys = [entity.normalized_name, *(alias.normalized for alias in entity.aliases.all())]
            if key in keys:
                return (0, entity.name)
            if any(k.startswith(key) or f" {key}" in k for k in keys):
                return (1, entity.name)
            return (2 if any(key in k for k in keys) else 3, entity.name)

        return sorted(found, key=closeness)[:limit]

    def _spelt_nearly(self, key: str, limit: int) -> list["Entity"]:
        if connections[self.db].vendor == "postgresql":
            nearly = self._called(
                Q(normalized_name__trigram_word_similar=key),
                Q(normalized__trigram_word_similar=key),
            )
            return list(nearly.prefetch_related("aliases")[:limit])
        names = dict(self.values_list("normalized_name", "pk"))
        for normalized, entity_id in Alias.objects.values_list("normalized", "entity_id"):
            names.setdefault(normalized, entity_id)
        best = process.extract(
            key, list(names), scorer=fuzz.partial_ratio, score_cutoff=80, limit=limit * 3
        )
        ids = list(dict.fromkeys(names[name] for name, _score, _index in best))[:limit]
        return list(self.filter(pk__in=ids).prefetch_related("aliases"))


class Entity(Timestamped):
    name = models.CharField(_("name"), max_length=300)
    normalized_name = models.CharField(
        _("normalised name"), max_length=300, editable=False, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntityKind.choices)
    description = models.TextField(_("description"), blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[validate_wikidata_id],
        help_text=_("The item's id on Wikidata, e.g. Q1028 for Morocco. Unique when given."),
    )

    objects = EntityQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="entity_name_not_blank"),
            models.CheckConstraint(
                condition=~Q(normalized_name=""), name="entity_normalized_name_not_blank"
            ),
            choices_constraint("entity", "kind", EntityKind),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="entity_wikidata_id_unique",
                violation_error_message=_("Another entity already has this Wikidata id."),
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
                name="entity_wikidata_id_format",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        if (update_fields := kwargs.get("update_fields")) and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_name"}
        super().save(*args, **kwargs)

    def clean(self):
        self.normalized_name = normalize_name(self.name)
        if self.name and not self.normalized_name:
            raise ValidationError({"name": _("A name needs at least one letter or digit.")})
        if error := folded_length_error(self.normalized_name, self._meta.get_field("name")):
            raise ValidationError({"name": error})


class Alias(models.Model):
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("entity")
    )
    name = models.CharField(_("name"), max_length=300)
    language = models.CharField(
        _("language"),
        max_length=2,
        blank=True,
        validators=[validate_language],
        help_text=_("ISO 639-1 code of the language this name is used in, if it matters."),
    )
    normalized = models.CharField(_("normalised form"), max_length=300, editable=False)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["name"]
        indexes = [models.Index(fields=["normalized"], name="alias_normalized_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(normalized=""), name="alias_normalized_not_blank"),
            models.UniqueConstraint(
                fields=["entity", "normalized"],
                name="alias_unique_per_entity",
                violation_error_message=_("This entity already has this alias."),
            ),
            models.CheckConstraint(
                condition=Q(language="") | LANGUAGE_SHAPE, name="alias_language_format"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        if (update_fields := kwargs.get("update_fields")) and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized"}
        super().save(*args, **kwargs)

    def clean(self):
        self.normalized = normalize_name(self.name)
        if self.name and not self.normalized:
            raise ValidationError({"name": _("An alias needs at least one letter or digit.")})
        if error := folded_length_error(self.normalized, self._meta.get_field("name")):
            raise ValidationError({"name": error})
