"""The tracker's domain: sources, entities and their aliases, claims and where they appear,
conflicts between versions, evidence, verdicts and the review history.

Every invariant that can be stated on one row is a named database constraint as well as model
validation (``clean``), so that the admin, forms, imports and raw writes are all held to it.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dates import DatePrecision, clean_precise_date, precise_date_constraints
from .text import ISO_639_1, normalize_name

# How many characters of context are kept on each side of a quote to find it again.
QUOTE_CONTEXT_LENGTH = 32


def validate_language(value: str) -> None:
    if value not in ISO_639_1:
        raise ValidationError(
            _("“%(value)s” is not an ISO 639-1 language code (two letters, e.g. “fr”, “en”)."),
            params={"value": value},
            code="invalid_language",
        )


validate_wikidata_id = RegexValidator(
    r"^Q[1-9][0-9]*$", _("A Wikidata id is a Q followed by digits, e.g. “Q1028”.")
)

LANGUAGE_SHAPE = Q(language__regex=r"^[a-z][a-z]$")


def choices_constraint(model_name: str, field: str, choices: type[models.Choices]):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"{model_name}_{field}_valid",
    )


def count_of(related: models.QuerySet, field: str) -> Coalesce:
    """A correlated COUNT of ``related`` rows whose ``field`` points at the outer row.

    A subquery, not a JOIN + GROUP BY: on a paginated list it is evaluated for the rows of the
    page only."""
    counted = (
        related.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


# --- Entities and aliases ---------------------------------------------------------------------


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
        key = normalize_name(name)
        if not key:
            return self.none()
        aliased = Alias.objects.filter(normalized=key).values("entity_id")
        return self.filter(Q(normalized_name=key) | Q(pk__in=aliased))


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
    history = HistoricalRecords()

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
        if self.name and not normalize_name(self.name):
            raise ValidationError({"name": _("A name needs at least one letter or digit.")})


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
        if self.name and not normalize_name(self.name):
            raise ValidationError({"name": _("An alias needs at least one letter or digit.")})


# --- Sources ------------------------------------------------------------------------------------


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("news article")
    REPORT = "report", _("official report")
    PRESS_RELEASE = "press_release", _("press release")
    TRANSCRIPT = "transcript", _("transcript")
    SOCIAL_POST = "social_post", _("social media post")
    OTHER = "other", _("other")


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SourceQuerySet(models.QuerySet):
    def with_appearance_count(self) -> "SourceQuerySet":
        return self.annotate(appearance_count=count_of(Appearance.objects.all(), "source"))


class Source(Timestamped):
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    publisher = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_sources",
        verbose_name=_("publisher"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.ARTICLE
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        validators=[validate_language],
        help_text=_("ISO 639-1 code of the source's language, e.g. “fr”."),
    )
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_("Stored as the first day of its period when the precision is month or year."),
    )
    published_precision = models.CharField(
        _("publication date precision"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    text = models.TextField(
        _("text"), blank=True, help_text=_("The full text, stored exactly as given.")
    )
    content_sha256 = models.CharField(
        _("content SHA-256"),
        max_length=64,
        editable=False,
        help_text=_("Hash of the text; tells whether a re-imported text changed."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="source_title_not_blank"),
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_url_unique",
                violation_error_message=_("Another source already has this URL."),
            ),
            choices_constraint("source", "kind", SourceKind),
            models.CheckConstraint(condition=LANGUAGE_SHAPE, name="source_language_format"),
            models.CheckConstraint(
                condition=Q(content_sha256__regex=r"^[0-9a-f]{64}$"),
                name="source_content_sha256_format",
            ),
            *precise_date_constraints("source", "published_on"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The hash is derived from the text on every save, so the two never drift apart.
        self.content_sha256 = sha256_of(self.text)
        if (update_fields := kwargs.get("update_fields")) and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "content_sha256"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = clean_precise_date(self, "published_on")
        if errors:
            raise ValidationError(errors)


# --- Verdicts -----------------------------------------------------------------------------------


class Verdict(models.Model):
    label = models.CharField(_("label"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    rating_value = models.SmallIntegerField(
        _("ClaimReview rating value"),
        null=True,
        blank=True,
        help_text=_("Position on the rating scale; empty for verdicts off the scale."),
    )
    best_rating = models.SmallIntegerField(_("best rating"), default=4)
    worst_rating = models.SmallIntegerField(_("worst rating"), default=1)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in which verdicts are offered.")
    )

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="verdict_slug_unique"),
            models.UniqueConstraint(fields=["label"], name="verdict_label_unique"),
            models.CheckConstraint(condition=~Q(label=""), name="verdict_label_not_blank"),
            models.CheckConstraint(condition=~Q(slug=""), name="verdict_slug_not_blank"),
            models.CheckConstraint(
                condition=Q(worst_rating__lt=F("best_rating")), name="verdict_scale_ordered"
            ),
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True)
                | Q(rating_value__gte=F("worst_rating"), rating_value__lte=F("best_rating")),
                name="verdict_rating_on_scale",
                violation_error_message=_("The rating value must lie between worst and best."),
            ),
        ]

    def __str__(self):
        return self.label


# --- Claims -------------------------------------------------------------------------------------


class ValueType(models.TextChoices):
    NONE = "none", _("none (unstructured)")
    ENTITIES = "entities", _("set of entities")
    NUMBER = "number", _("number")
    DATE = "date", _("date")
    TEXT = "text", _("text")
    BOOLEAN = "boolean", _("yes / no")


class ClaimStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_REVIEW = "in_review", _("in review")
    REVIEWED = "reviewed", _("reviewed")
    ARCHIVED = "archived", _("archived")


class ClaimQuerySet(models.QuerySet):
    def with_counts(self) -> "ClaimQuerySet":
        """Annotate ``appearance_count`` and ``open_conflict_count``."""
        return self.annotate(
            appearance_count=count_of(Appearance.objects.all(), "claim"),
            open_conflict_count=count_of(Conflict.objects.open(), "claim"),
        )


class Claim(Timestamped):
    statement = models.TextField(
        _("statement"), help_text=_("The proposition under review, in a canonical wording.")
    )
    subject = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_about",
        verbose_name=_("subject"),
        help_text=_("For a structured claim: the entity the claim is about."),
    )
    property = models.CharField(
        _("property"),
        max_length=200,
        blank=True,
        help_text=_("For a structured claim: what is said of the subject, e.g. “co-chairs”."),
    )
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType.choices, default=ValueType.NONE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.NEW
    )
    verdict = models.ForeignKey(
        Verdict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("verdict"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incremented on every edit; guards against overwrites."),
    )

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(statement=""), name="claim_statement_not_blank"),
            choices_constraint("claim", "value_type", ValueType),
            choices_constraint("claim", "status", ClaimStatus),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.REVIEWED) | Q(verdict__isnull=False),
                name="claim_reviewed_has_verdict",
                violation_error_message=_("A reviewed claim needs a verdict."),
            ),
            models.CheckConstraint(
                condition=Q(value_type=ValueType.NONE)
                | (Q(subject__isnull=False) & ~Q(property="")),
                name="claim_structured_has_subject_and_property",
                violation_error_message=_("A structured claim needs a subject and a property."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
        ]

    def __str__(self):
        return self.statement[:80]

    def clean(self):
        errors = {}
        if self.value_type != ValueType.NONE:
            if self.subject_id is None:
                errors["subject"] = _("A structured claim needs a subject.")
            if not self.property.strip():
                errors["property"] = _("A structured claim needs a property.")
        if self.status == ClaimStatus.REVIEWED and self.verdict_id is None:
            errors["verdict"] = _("A reviewed claim needs a verdict.")
        if errors:
            raise ValidationError(errors)


# --- Appearances --------------------------------------------------------------------------------


class Attribution(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", _("direct quote")
    PARAPHRASE = "paraphrase", _("paraphrase")
    REPORTED = "reported", _("reported by a third party")


# The scalar value fields of an appearance and the "empty" test for each; at most one is set.
SCALAR_VALUE_EMPTY = {
    "value_number": Q(value_number__isnull=True),
    "value_date": Q(value_date__isnull=True),
    "value_text": Q(value_text=""),
    "value_boolean": Q(value_boolean__isnull=True),
}
VALUE_FIELD_OF_TYPE = {
    ValueType.NUMBER: "value_number",
    ValueType.DATE: "value_date",
    ValueType.TEXT: "value_text",
    ValueType.BOOLEAN: "value_boolean",
}


def _at_most_one_scalar_value() -> Q:
    condition = Q()
    for kept in SCALAR_VALUE_EMPTY:
        others_empty = Q()
        for field, empty in SCALAR_VALUE_EMPTY.items():
            if field != kept:
                others_empty &= empty
        condition |= others_empty
    return condition


class Appearance(Timestamped):
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="appearances", verbose_name=_("claim")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="appearances", verbose_name=_("source")
    )
    speaker = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appearances_as_speaker",
        verbose_name=_("speaker"),
        help_text=_("Who made the claim here; may differ from the source's publisher."),
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=20,
        choices=Attribution.choices,
        default=Attribution.DIRECT_QUOTE,
    )
    quote = models.TextField(_("quote"), blank=True)
    start = models.PositiveIntegerField(
        _("start offset"),
        null=True,
        blank=True,
        help_text=_("Position of the quote's first character in the source text."),
    )
    end = models.PositiveIntegerField(
        _("end offset"),
        null=True,
        blank=True,
        help_text=_("Position just after the quote's last character in the source text."),
    )
    prefix = models.CharField(
        _("text before the quote"), max_length=200, blank=True, help_text=_("Filled in for you.")
    )
    suffix = models.CharField(
        _("text after the quote"), max_length=200, blank=True, help_text=_("Filled in for you.")
    )
    said_on = models.DateField(_("said on"), null=True, blank=True)
    said_on_precision = models.CharField(
        _("said-on precision"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    as_of = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("When the stated value held, if the source says so."),
    )
    as_of_precision = models.CharField(
        _("as-of precision"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    value_entities = models.ManyToManyField(
        Entity,
        blank=True,
        related_name="appearances_as_value",
        verbose_name=_("value: entities"),
    )
    value_number = models.DecimalField(
        _("value: number"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    value_date = models.DateField(_("value: date"), null=True, blank=True)
    value_date_precision = models.CharField(
        _("value: date precision"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    value_text = models.TextField(_("value: text"), blank=True)
    value_boolean = models.BooleanField(_("value: yes / no"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    history = HistoricalRecords(m2m_fields=[value_entities])

    class Meta:
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        ordering = ["claim", "source", "start", "id"]
        constraints = [
            choices_constraint("appearance", "attribution", Attribution),
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False),
                name="appearance_offsets_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__lt=F("end")),
                name="appearance_offsets_ordered",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end=F("start") + Length("quote")),
                name="appearance_offsets_span_quote",
                violation_error_message=_("The offsets must span exactly the quote."),
            ),
            models.CheckConstraint(
                condition=_at_most_one_scalar_value(),
                name="appearance_at_most_one_value",
                violation_error_message=_("An appearance states one value, of one type."),
            ),
            *precise_date_constraints("appearance", "said_on"),
            *precise_date_constraints("appearance", "as_of"),
            *precise_date_constraints("appearance", "value_date"),
        ]
        indexes = [models.Index(fields=["source", "start"], name="appearance_source_start_idx")]

    def __str__(self):
        if not self.quote:
            return f"#{self.pk}"
        return self.quote if len(self.quote) <= 80 else f"{self.quote[:79]}…"

    def clean(self):
        errors = {}
        for field in ("said_on", "as_of", "value_date"):
            errors.update(clean_precise_date(self, field))
        errors.update(self._offset_errors())
        errors.update(self._value_type_errors())
        if errors:
            raise ValidationError(errors)
        if self.start is not None and self.source_id is not None:
            self.capture_context()

    def capture_context(self) -> None:
        """Keep the text around the quote, to find it again if the source text shifts."""
        text = self.source.text
        self.prefix = text[max(0, self.start - QUOTE_CONTEXT_LENGTH) : self.start]
        self.suffix = text[self.end : self.end + QUOTE_CONTEXT_LENGTH]

    def _offset_errors(self) -> dict:
        if self.start is None and self.end is None:
            return {}
        if self.start is None or self.end is None:
            return {"end": _("Give both offsets, or neither.")}
        if self.start >= self.end:
            return {"end": _("The end offset must come after the start offset.")}
        if self.source_id is None:
            return {}
        text = self.source.text
        if self.end > len(text):
            return {
                "end": _(
                    "Offsets %(start)s–%(end)s fall outside the source text, which is "
                    "%(length)s characters long."
                )
                % {"start": self.start, "end": self.end, "length": len(text)}
            }
        found = text[self.start : self.end]
        if found != self.quote:
            return {
                "quote": _(
                    "The quote does not match the source text at offsets %(start)s–%(end)s; "
                    "the text there reads “%(found)s”."
                )
                % {"start": self.start, "end": self.end, "found": found}
            }
        return {}

    def _value_type_errors(self) -> dict:
        if self.claim_id is None:
            return {}
        expected = VALUE_FIELD_OF_TYPE.get(self.claim.value_type)
        errors = {}
        for field in SCALAR_VALUE_EMPTY:
            value = getattr(self, field)
            is_set = value not in (None, "")
            if is_set and field != expected:
                errors[field] = _("This claim's value type is “%(type)s”; leave this empty.") % {
                    "type": self.claim.get_value_type_display()
                }
        return errors


# --- Conflicts ----------------------------------------------------------------------------------


class ConflictKind(models.TextChoices):
    ENTITY_SET = "entity_set", _("different sets")
    NUMBER = "number", _("different numbers")
    DATE = "date", _("incompatible dates")
    TEXT = "text", _("different texts")
    BOOLEAN = "boolean", _("yes against no")
    NEGATION = "negation", _("statement and its negation")
    OTHER = "other", _("other")


class ConflictOrigin(models.TextChoices):
    AUTO = "auto", _("detected automatically")
    MANUAL = "manual", _("flagged by hand")


class ConflictState(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


class ConflictQuerySet(models.QuerySet):
    def open(self) -> "ConflictQuerySet":
        return self.filter(state=ConflictState.OPEN)


class Conflict(Timestamped):
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("claim")
    )
    # The pair is stored in id order (see order_pair).
    appearance_a = models.ForeignKey(
        Appearance, on_delete=models.CASCADE, related_name="+", verbose_name=_("version A")
    )
    appearance_b = models.ForeignKey(
        Appearance, on_delete=models.CASCADE, related_name="+", verbose_name=_("version B")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    detail = models.TextField(
        _("detail"), help_text=_("What differs between the two versions, in plain words.")
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=ConflictOrigin.choices, default=ConflictOrigin.MANUAL
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ConflictState.choices, default=ConflictState.OPEN
    )
    resolution_note = models.TextField(
        _("resolution note"),
        blank=True,
        help_text=_("Why it was resolved this way, or why it is not a real contradiction."),
    )
    prevailing = models.ForeignKey(
        Appearance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prevailing version"),
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ConflictQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(appearance_a__lt=F("appearance_b")),
                name="conflict_pair_ordered",
                violation_error_message=_("A conflict is between two different versions."),
            ),
            models.UniqueConstraint(
                fields=["appearance_a", "appearance_b"],
                name="conflict_pair_unique",
                violation_error_message=_("These two versions already have a conflict."),
            ),
            choices_constraint("conflict", "kind", ConflictKind),
            choices_constraint("conflict", "origin", ConflictOrigin),
            choices_constraint("conflict", "state", ConflictState),
            models.CheckConstraint(condition=~Q(detail=""), name="conflict_detail_not_blank"),
            models.CheckConstraint(
                condition=~Q(state=ConflictState.OPEN)
                | Q(resolved_at__isnull=True, resolved_by__isnull=True, prevailing__isnull=True),
                name="conflict_open_is_unresolved",
            ),
            models.CheckConstraint(
                condition=Q(state=ConflictState.OPEN)
                | (Q(resolved_at__isnull=False) & ~Q(resolution_note="")),
                name="conflict_closed_has_note",
                violation_error_message=_("Resolving or dismissing a conflict needs a note."),
            ),
            models.CheckConstraint(
                condition=Q(prevailing__isnull=True)
                | Q(state=ConflictState.RESOLVED, prevailing=F("appearance_a"))
                | Q(state=ConflictState.RESOLVED, prevailing=F("appearance_b")),
                name="conflict_prevailing_is_a_resolved_version",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail[:60]}"

    def save(self, *args, **kwargs):
        self.order_pair()
        super().save(*args, **kwargs)

    def clean(self):
        if self.appearance_a_id is None or self.appearance_b_id is None:
            return
        self.order_pair()
        if self.appearance_a_id == self.appearance_b_id:
            raise ValidationError(_("A conflict is between two different versions."))
        if self.appearance_a.claim_id != self.appearance_b.claim_id:
            raise ValidationError(_("Both versions must be appearances of the same claim."))
        if self.prevailing_id not in (None, self.appearance_a_id, self.appearance_b_id):
            raise ValidationError(
                {"prevailing": _("The prevailing version must be one of the two versions.")}
            )

    def order_pair(self) -> None:
        """Store the pair in id order, so that one pair is one row whichever way it is given."""
        if (
            self.appearance_a_id is not None
            and self.appearance_b_id is not None
            and self.appearance_a_id > self.appearance_b_id
        ):
            self.appearance_a, self.appearance_b = self.appearance_b, self.appearance_a


# --- Evidence -----------------------------------------------------------------------------------


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("supports")
    REFUTES = "refutes", _("refutes")
    CONTEXT = "context", _("gives context")


class Evidence(Timestamped):
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("claim")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="evidence_for", verbose_name=_("source")
    )
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["claim", "created_at", "id"]
        constraints = [
            choices_constraint("evidence", "stance", Stance),
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="evidence_source_once_per_claim",
                violation_error_message=_("This source is already evidence for this claim."),
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_stance_display()} {self.claim_id}"


# --- Review history -----------------------------------------------------------------------------


class ReviewAction(models.TextChoices):
    STATUS = "status", _("status changed")
    VERDICT = "verdict", _("verdict changed")
    ASSIGNEE = "assignee", _("assignment changed")
    CONFLICT_FLAGGED = "conflict_flagged", _("conflict flagged")
    CONFLICT_RESOLVED = "conflict_resolved", _("conflict resolved")
    CONFLICT_DISMISSED = "conflict_dismissed", _("conflict dismissed")
    CONFLICT_REOPENED = "conflict_reopened", _("conflict reopened")
    NOTE = "note", _("note")


class ReviewEventImmutable(Exception):
    """Raised on any attempt to change or delete the review history."""


class ReviewEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ReviewEventImmutable("Review events are append-only; they cannot be updated.")

    def delete(self):
        raise ReviewEventImmutable("Review events are append-only; they cannot be deleted.")


class ReviewEvent(models.Model):
    claim = models.ForeignKey(
        # PROTECT: a claim with a review history cannot be deleted, only archived.
        Claim,
        on_delete=models.PROTECT,
        related_name="review_events",
        verbose_name=_("claim"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the tracker itself acted."),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=ReviewAction.choices)
    old_value = models.CharField(_("from"), max_length=300, blank=True)
    new_value = models.CharField(_("to"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # No database constraint: the event must outlive the conflict it mentions, untouched.
    conflict = models.ForeignKey(
        Conflict,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conflict"),
    )

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["-created_at", "-id"]
        constraints = [choices_constraint("reviewevent", "action", ReviewAction)]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReviewEventImmutable("Review events are append-only; they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReviewEventImmutable("Review events are append-only; they cannot be deleted.")
