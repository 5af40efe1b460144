"""Claims, the verdict scale, appearances (the versions of a claim) and evidence."""

import functools
import math
import operator
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Left, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from claims.dates import DatePrecision, clean_precise_date, precise_date_constraints
from claims.text import normalize_name, search_words

from .base import (
    QUOTE_CONTEXT_LENGTH,
    History,
    Timestamped,
    choices_constraint,
    count_of,
    folded_length_error,
)
from .entities import Entity
from .sources import Snapshot, Source


def in_french(language: str | None = None) -> bool:
    """Whether ``language`` (the reader's, by default) is French: the one language the
    shipped vocabularies' data (verdicts) are kept in beside English."""
    return (language or get_language() or "")[:2] == "fr"


class Verdict(models.Model):
    label = models.CharField(_("label"), max_length=100)
    label_fr = models.CharField(
        _("label in French"),
        max_length=100,
        blank=True,
        help_text=_("Shown on pages in French and in reviews of French claims; empty: the label."),
    )
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(
        _("description in French"),
        blank=True,
        help_text=_("Shown on pages in French; empty: the description."),
    )
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
        return self.label_in(get_language() or settings.LANGUAGE_CODE)

    def label_in(self, language: str) -> str:
        """The label in ``language`` (a code such as "fr" or "fr-ca"), else the label."""
        return self.label_fr if in_french(language) and self.label_fr else self.label

    @property
    def description_shown(self) -> str:
        """The description in the reader's language (French, or the description)."""
        return self.description_fr if in_french() and self.description_fr else self.description


class RatingMappingQuerySet(models.QuerySet):
    def verdict_for(self, *, publisher: str, label: str, value, best, worst) -> Verdict | None:
        """The verdict a ClaimReview's rating by ``publisher`` (its author's name) maps to:
        by its ``label`` (``alternateName``) first, else by its ``value`` on the scale
        ``worst`` to ``best``; the publisher's own mapping before one for any publisher. None
        when unmapped. It reads the queryset (with its verdicts) once, however often asked."""
        publisher, label = normalize_name(publisher), normalize_name(label)
        found = sorted(
            (
                mapping
                for mapping in self
                if mapping.normalized_publisher in ("", publisher)
                and (
                    mapping.normalized_label == label
                    if mapping.normalized_label
                    else (mapping.rating_value, mapping.best_rating, mapping.worst_rating)
                    == (value, best, worst)
                )
            ),
            # A name before a value; the publisher's own before any publisher's.
            key=lambda mapping: (not mapping.normalized_label, not mapping.normalized_publisher),
        )
        return found[0].verdict if found else None


class RatingMapping(models.Model):
    """How another publisher's ClaimReview rating reads as one of the desk's verdicts, for
    importing its reviews: by the rating's name (``alternateName``: «Faux», "Pants on Fire"),
    in any case and with or without accents, or by its value on the publisher's scale (2 on
    1 to 5). A rating no mapping matches is reported by the import, never guessed."""

    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("The reviewing organisation, as its reviews name it; empty: any publisher."),
    )
    normalized_publisher = models.CharField(max_length=200, blank=True, editable=False)
    label = models.CharField(
        _("rating name"),
        max_length=100,
        blank=True,
        help_text=_("The rating's name (alternateName), in any case, accents or not."),
    )
    normalized_label = models.CharField(max_length=100, blank=True, editable=False)
    rating_value = models.SmallIntegerField(
        _("rating value"), null=True, blank=True, help_text=_("Without a name: its value…")
    )
    worst_rating = models.SmallIntegerField(_("worst rating"), null=True, blank=True)
    best_rating = models.SmallIntegerField(
        _("best rating"), null=True, blank=True, help_text=_("…on the publisher's scale.")
    )
    verdict = models.ForeignKey(
        Verdict,
        on_delete=models.CASCADE,
        related_name="rating_mappings",
        verbose_name=_("verdict"),
    )

    objects = RatingMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating mapping")
        verbose_name_plural = _("rating mappings")
        ordering = ["publisher", "label", "worst_rating", "best_rating", "rating_value"]
        constraints = [
            # By name, or by value on a scale: one of them, whole.
            models.CheckConstraint(
                condition=(
                    ~Q(label="")
                    & Q(rating_value__isnull=True, best_rating__isnull=True)
                    & Q(worst_rating__isnull=True)
                )
                | (
                    Q(label="")
                    & Q(rating_value__isnull=False, best_rating__isnull=False)
                    & Q(worst_rating__isnull=False)
                ),
                name="rating_mapping_by_name_or_value",
                violation_error_message=_(
                    "Give the rating's name, or its value with the worst and best ratings of "
                    "the publisher's scale — one or the other."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True)
                | Q(
                    worst_rating__lt=F("best_rating"),
                    rating_value__gte=F("worst_rating"),
                    rating_value__lte=F("best_rating"),
                ),
                name="rating_mapping_value_on_scale",
                violation_error_message=_(
                    "The worst rating is below the best, and the value between them."
                ),
            ),
            models.UniqueConstraint(
                fields=["normalized_publisher", "normalized_label"],
                condition=~Q(normalized_label=""),
                name="rating_mapping_name_unique",
                violation_error_message=_("This publisher's rating name is mapped already."),
            ),
            models.UniqueConstraint(
                fields=["normalized_publisher", "worst_rating", "best_rating", "rating_value"],
                condition=Q(normalized_label=""),
                name="rating_mapping_value_unique",
                violation_error_message=_("This value on this scale is mapped already."),
            ),
        ]

    def __str__(self):
        rating = self.label or f"{self.rating_value} ({self.worst_rating}–{self.best_rating})"
        return f"{self.publisher or '*'}: {rating} → {self.verdict}"

    def clean(self):
        # The folded forms are what constraints and look-ups compare: set before validating.
        self.publisher, self.label = self.publisher.strip(), self.label.strip()
        self.normalized_publisher = normalize_name(self.publisher)
        self.normalized_label = normalize_name(self.label)


# A statement is a proposition in a sentence or two (a ClaimReview's claimReviewed included).
STATEMENT_MAX_LENGTH = 2000


class ValueType(models.TextChoices):
    NONE = "none", _("none (unstructured)")
    ENTITIES = "entities", _("set of entities")
    NUMBER = "number", _("number")
    DATE = "date", _("date")
    TEXT = "text", _("text")
    BOOLEAN = "boolean", _("yes / no")
    # That none of the property happened to the subject in a period: "no terrorist incident
    # recorded in Morocco in 2021". A version states the period (a date at its precision); a
    # date-valued claim on the same subject and property reports an occurrence of it.
    ABSENCE = "absence", _("none in a period")


# The value types whose versions state a date (at its precision).
DATED_TYPES = frozenset({ValueType.DATE, ValueType.ABSENCE})


class ClaimStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_REVIEW = "in_review", _("in review")
    REVIEWED = "reviewed", _("reviewed")
    ARCHIVED = "archived", _("archived")


# PostgreSQL text-search configurations (created by migration 0007): the language's stemmer
# after ``unaccent``, so «coprésidence» and «copresidences» share a stem. Other languages, and
# names, use the one without a stemmer.
SEARCH_CONFIGS = {"fr": "tracker_french", "en": "tracker_english"}
SIMPLE_SEARCH_CONFIG = "tracker_simple"
# The matches of a search that the pages rank and list: the newest (ClaimQuerySet.search).
SEARCH_NEWEST = 1000


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, SIMPLE_SEARCH_CONFIG)


# The lexemes of each word, in every configuration the vectors are made with, and how often
# the commonest of them occurs in claims' vectors by the planner's statistics (ANALYZE keeps
# the thousand commonest lexemes: a word not among them is rarer than those, frequency 0
# here). Words that one language drops as too common ("les", "the") are left out: that
# language's vectors do not hold them. Also how many claims there are, by the same statistics.
_CONFIGS = [*SEARCH_CONFIGS.values(), SIMPLE_SEARCH_CONFIG]
WORD_FREQUENCIES_SQL = f"""
WITH common AS (
    SELECT lexeme, frequency
    FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs)
        AS u(lexeme, frequency)
    WHERE schemaname = current_schema() AND tablename = 'claims_claim'
        AND attname = 'search_vector' AND lexeme IS NOT NULL
)
SELECT w.word, array_agg(DISTINCT l.lexeme), coalesce(max(c.frequency), 0),
    (SELECT reltuples FROM pg_class WHERE oid = 'claims_claim'::regclass)
FROM unnest(%s::text[]) AS w(word)
CROSS JOIN LATERAL unnest(tsvector_to_array(
    {" || ".join(f"to_tsvector('{config}', w.word)" for config in _CONFIGS)}
)) AS l(lexeme)
LEFT JOIN common c ON c.lexeme = l.lexeme
WHERE {" AND ".join(f"to_tsvector('{c}', w.word) <> ''" for c in SEARCH_CONFIGS.values())}
GROUP BY w.word
"""


@dataclass(frozen=True)
class Word:
    lexemes: list[str]
    frequency: float  # the share of claims holding it
    claims: float  # how many claims there are


# A word the statistics do not return is one a language drops as too common.
STOP_WORD = Word([], 1.0, 0.0)


def word_frequencies(words: list[str], *, using: str = "default") -> dict[str, Word]:
    """Folded words (a PostgreSQL database's statistics) → their lexemes and frequency."""
    if not words:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute(WORD_FREQUENCIES_SQL, [words])
        return {word: Word(lexemes, freq, count) for word, lexemes, freq, count in cursor}


# The longest entity name, in words, that a query is read for.
LONGEST_NAME = 8


def _search_terms(words: list[str]) -> list[set[str]]:
    """Each term of a query as the spellings that satisfy it: a word; or, where words are the
    name or an alias of an entity, any name or alias of it — so «daech», «Daesh» and «ISIS»
    find the same claims. Two queries (the names, their aliases)."""
    runs = {
        " ".join(words[start:end])
        for start in range(len(words))
        for end in range(start + 1, min(len(words), start + LONGEST_NAME) + 1)
    }
    spellings: dict[str, set[str]] = {}
    for entity in Entity.objects.named_any(runs).prefetch_related("aliases"):
        names = {entity.normalized_name, *(alias.normalized for alias in entity.aliases.all())}
        for run in names & runs:
            spellings.setdefault(run, {run}).update(names)
    terms, start = [], 0
    while start < len(words):
        for end in range(min(len(words), start + LONGEST_NAME), start, -1):
            if (run := " ".join(words[start:end])) in spellings:
                terms.append(spellings[run])
                start = end
                break
        else:
            terms.append({words[start]})
            start += 1
    return terms


def _common(terms: list[set[str]], newest: int, using: str) -> bool:
    """Whether a search's matches are so many that walking the claims newest first finds
    ``newest`` of them sooner than the indexes find them all. A claim walked past costs about
    a quarter of a match fetched through the indexes (2 and 8 µs, measured at 330,000 claims):
    walking wins when a share ``f`` of the N claims match and ``newest / f < 4 f N``."""
    words = sorted({word for spellings in terms for s in spellings for word in s.split()})
    frequencies = word_frequencies(words, using=using)
    if not frequencies:
        return True  # stop words only
    share = math.prod(
        max(min(frequencies.get(w, STOP_WORD).frequency for w in s.split()) for s in spellings)
        for spellings in terms
    )
    claims = next(iter(frequencies.values())).claims
    return share > 0 and newest / share < 4 * share * claims


def _phrases(spellings: set[str], configs: list[str]) -> SearchQuery:
    """Any of ``spellings`` as a phrase, stemmed by any of ``configs``."""
    return functools.reduce(
        operator.or_,
        (
            SearchQuery(s, config=config, search_type="phrase")
            for config in configs
            for s in sorted(spellings)
        ),
    )


# Claims from A to Z: by their statements' first 100 characters, which an index holds (a
# whole statement can outgrow an index's row; the list sorted a million without one).
STATEMENT_ORDER = Left("statement", 100)


class ClaimQuerySet(models.QuerySet):
    def search(self, query: str, *, newest: int | None = None) -> "ClaimQuerySet":
        """Claims whose search text (statement, quotes, subject, property, speakers, and the
        names and aliases of every entity in a value) holds every word of ``query``, case,
        accents, ligatures and hyphens aside: the same results on SQLite and PostgreSQL. On
        PostgreSQL the full-text index adds the claims that match by stem («coprésident»
        finds «coprésidence»), and ``search_rank`` ranks them (0 on SQLite). Words that name
        an entity match any of its names (``_search_terms``). An empty query keeps every
        claim.

        With ``newest``, only that many matching claims, the newest, are kept and ranked: a
        word found in a tenth of a million claims cannot have them all ranked in a page's
        time (README, "Finding anything"). Filter before searching: the limit applies to
        this queryset's matches, which are looked up at once."""
        words = search_words(query)
        if not words:
            return self.annotate(search_rank=Value(0.0))
        terms = _search_terms(words)
        postgresql = connections[self.db].vendor == "postgresql"
        every_term = Q()
        for spellings in terms:
            if postgresql and len(spellings) > 1:
                # An entity's names, matched as phrases by the full-text index, which holds
                # every name: a name's trigrams are common ones («sa», «ma»), and the trigram
                # index took 30 ms a spelling at a million claims, the full-text one 2.
                every_term &= Q(search_vector=_phrases(spellings, _CONFIGS))
            else:
                every_term &= functools.reduce(
                    operator.or_, (Q(search_text__contains=s) for s in sorted(spellings))
                )
        if not postgresql:
            matching = self._newest(self.filter(every_term), newest, terms, stems=None)
            return matching.annotate(search_rank=Value(0.0))
        stems = functools.reduce(
            operator.or_,
            (
                functools.reduce(
                    operator.and_, (_phrases(spellings, [config]) for spellings in terms)
                )
                for config in _CONFIGS
            ),
        )
        matching = self.filter(every_term | Q(search_vector=stems))
        matching = self._newest(matching, newest, terms, stems)
        return matching.annotate(search_rank=SearchRank(F("search_vector"), stems))

    def _newest(self, matching, newest: int | None, terms, stems) -> "ClaimQuerySet":
        """The ``newest`` matches, looked up now (once, not again by the count and the page)."""
        if newest is None:
            return matching
        newest_first = matching.order_by("-pk")
        # A common word: walking the primary key back from the latest claim finds a thousand
        # matches in a few thousand rows. A rare one (or a typo): that walk would read every
        # claim, where the search indexes find the few matches at once. The planner guesses
        # the same share of rows for every word it does not know, and walks; ordering by
        # ``pk + 0`` keeps it off the primary key's index (``_common`` tells which).
        if stems is not None and not _common(terms, newest, self.db):
            newest_first = matching.order_by((F("pk") + 0).desc())
        ids = list(newest_first.values_list("pk", flat=True)[:newest])
        return self.filter(pk__in=ids)  # this queryset's annotations kept

    def mark_active(self, at=None) -> int:
        """Move these claims' last activity to ``at`` (now): a version, a conflict, a piece
        of evidence or a review step touched them. An UPDATE of that column alone: neither a
        new revision (a form open on the claim stays valid) nor a history record."""
        return self.update(last_activity_at=at or timezone.now())

    def live(self) -> "ClaimQuerySet":
        """Claims not merged into another."""
        return self.filter(merged_into__isnull=True)

    def same_fact_as(self, claim: "Claim") -> "ClaimQuerySet":
        """Claims that state the same fact as ``claim`` (itself included): one subject, one
        property (compared folded) and one value type. An unstructured claim is only itself."""
        if claim.value_type == ValueType.NONE or claim.subject_id is None:
            return self.filter(pk=claim.pk)
        return self.filter(
            Q(pk=claim.pk)
            | Q(
                subject_id=claim.subject_id,
                property_key=normalize_name(claim.property),
                value_type=claim.value_type,
            )
        )

    def with_possible_duplicates(self) -> "ClaimQuerySet":
        """Structured claims that share their fact with at least one other claim."""
        twins = Claim.objects.filter(
            subject_id=OuterRef("subject_id"),
            property_key=OuterRef("property_key"),
            value_type=OuterRef("value_type"),
        ).exclude(pk=OuterRef("pk"))
        return self.exclude(value_type=ValueType.NONE).filter(Exists(twins))

    def with_counts(self) -> "ClaimQuerySet":
        """Annotate ``appearance_count``."""
        return self.annotate(appearance_count=count_of(Appearance.objects.all(), "claim"))

    def of_conflicts(self, conflicts) -> "ClaimQuerySet":
        """The claims of ``conflicts``' versions, on either side (a list or a queryset). Their
        ids are read at once: given a subquery, PostgreSQL planned an UPDATE of them as a
        scan of every claim (1.5 s a batch of the engine at a million claims)."""
        versions = {pk for c in conflicts for pk in (c.appearance_a_id, c.appearance_b_id)}
        claims = Appearance.objects.filter(pk__in=versions).values_list("claim_id", flat=True)
        return self.filter(pk__in=set(claims) if versions else [])

    def recount_open_conflicts(self) -> int:
        """Bring ``open_conflicts`` in step for these claims: one UPDATE, each claim's open
        conflicts counted through its versions, side a then side b (a conflict between two
        versions of the claim counted once)."""
        from .conflicts import Conflict

        open_ = Conflict.objects.open()
        on_a = count_of(open_, "appearance_a__claim")
        only_on_b = count_of(
            open_.exclude(appearance_a__claim=F("appearance_b__claim")), "appearance_b__claim"
        )
        return self.update(open_conflicts=on_a + only_on_b)


def new_external_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


class Claim(Timestamped):
    # How the claim is known outside this database: a partner's id for an imported claim,
    # else a UUID. Dumps and imports match claims by it (README, "Import").
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        default=new_external_id,
        editable=False,
        help_text=_("The claim's id in the file it was imported from, else one of its own."),
    )
    statement = models.TextField(
        _("statement"),
        max_length=STATEMENT_MAX_LENGTH,
        # A TextField's max_length is the form's only: the validator holds every write to it.
        validators=[MaxLengthValidator(STATEMENT_MAX_LENGTH)],
        help_text=_("The proposition under review, in a canonical wording."),
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
    property_key = models.CharField(
        _("property key"),
        max_length=200,
        editable=False,
        help_text=_(
            "The property folded for comparison: claims on one subject with one key "
            "state the same fact."
        ),
    )
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType.choices, default=ValueType.NONE
    )
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("For numbers: values this close do not conflict. Empty: exact."),
    )
    compare_text = models.BooleanField(
        _("compare text values"),
        default=False,
        help_text=_("For text values: flag versions whose texts differ. Off: people judge."),
    )
    recorded_by = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_recorded",
        verbose_name=_("recorded by"),
        help_text=_(
            "For a claim that none happened: who keeps the record it says is empty (the State "
            "Department, for its report)."
        ),
    )
    changes_over_time = models.BooleanField(
        _("can change over time"),
        default=True,
        help_text=_(
            "Yes for what holds for a time (a membership, an office, a count): versions of "
            "different dates may both be right. No for a fact fixed once for all (a launch "
            "date, a birth date): versions that differ contradict each other whatever their "
            "dates."
        ),
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
    # Four-eyes review (settings.FOUR_EYES_REVIEW): a verdict waiting for a second reviewer.
    proposed_verdict = models.ForeignKey(
        Verdict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed verdict"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposal_note = models.TextField(_("proposal note"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incremented on every edit; guards against overwrites."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_claims",
        verbose_name=_("merged into"),
        help_text=_("The claim this duplicate was merged into; its versions are there now."),
    )
    # Kept in step by the services (claims.services.search.refresh_search): what a search
    # looks in, folded; and on PostgreSQL its full-text vector (NULL on SQLite).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # The claims list's default order: the claim, or one of its versions, conflicts, evidence
    # or review steps, changed last then (``ClaimQuerySet.mark_active``, the services).
    last_activity_at = models.DateTimeField(
        _("last activity"), default=timezone.now, editable=False
    )
    # How many open conflicts have one of its versions on either side: what the claims list
    # shows and filters on, at a million claims, without looking through the conflicts. Kept
    # by the services (``ClaimQuerySet.recount_open_conflicts``) and by them alone.
    open_conflicts = models.PositiveIntegerField(_("open conflicts"), default=0, editable=False)

    objects = ClaimQuerySet.as_manager()
    history = History(
        excluded_fields=["search_text", "search_vector", "last_activity_at", "open_conflicts"]
    )

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_claim", _("Can move a claim through review and set its verdict")),
            ("assign_claim", _("Can assign a claim")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_verdict__isnull=True, proposed_by__isnull=True)
                | Q(
                    proposed_verdict__isnull=False,
                    proposed_by__isnull=False,
                    status=ClaimStatus.IN_REVIEW,
                ),
                name="claim_proposal_complete_and_in_review",
                violation_error_message=_(
                    "A proposed verdict has its reviewer, and waits on a claim in review."
                ),
            ),
            models.CheckConstraint(condition=~Q(statement=""), name="claim_statement_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("statement"), STATEMENT_MAX_LENGTH),
                name="claim_statement_length",
                violation_error_message=_("A statement is a sentence or two, not a whole text."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                name="claim_external_id_unique",
                violation_error_message=_("Another claim already has this external id."),
            ),
            models.CheckConstraint(
                condition=~Q(external_id=""), name="claim_external_id_not_blank"
            ),
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
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=True) | Q(value_type=ValueType.ABSENCE),
                name="claim_recorded_by_for_absence",
                violation_error_message=_(
                    "Only a claim that none happened (value type “none in a period”) names who "
                    "recorded it."
                ),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="claim_tolerance_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="claim_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=ClaimStatus.ARCHIVED),
                name="claim_merged_is_archived",
                violation_error_message=_("A claim merged into another stays archived."),
            ),
        ]
        # The search indexes (trigram on search_text, GIN on search_vector) are PostgreSQL's
        # own: migration 0007 creates them there.
        indexes = [
            models.Index(fields=["subject", "property_key"], name="claim_fact_idx"),
            models.Index(fields=["-last_activity_at", "-id"], name="claim_last_activity_idx"),
            # The claims with an open conflict, in the list's order: the few among all.
            models.Index(
                fields=["-last_activity_at", "-id"],
                condition=Q(open_conflicts__gt=0),
                name="claim_conflicted_idx",
            ),
            # The default order, the "created" sorts and the unreviewed queue (oldest first):
            # without it, each sorted a million rows for a page of 25.
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
            # The dashboard's and the queues' counts by status, bounded (claims.pagination);
            # a track record's reviewed claims by verdict, without reading a row.
            models.Index(fields=["status", "verdict", "id"], name="claim_status_verdict_idx"),
            models.Index(STATEMENT_ORDER, F("id"), name="claim_statement_idx"),
        ]

    def __str__(self):
        return self.statement[:80]

    def save(self, *args, **kwargs):
        self.refresh_property_key()
        self.last_activity_at = timezone.now()  # a change of the claim is activity
        if update_fields := kwargs.get("update_fields"):
            also = {"last_activity_at", *(["property_key"] if "property" in update_fields else [])}
            kwargs["update_fields"] = {*update_fields, *also}
        elif not self._state.adding and not kwargs.get("force_insert"):
            # Never the count of open conflicts: a claim read before the engine recounted
            # would write its old count back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "open_conflicts"
            ]
        super().save(*args, **kwargs)

    def lineage_ids(self) -> list[int]:
        """This claim's id and those of every claim merged into it (and into those), whose
        history is part of its own. One query per generation of merges, one at least."""
        ids, generation = [self.pk], [self.pk]
        while generation:
            generation = list(
                Claim.objects.filter(merged_into__in=generation).values_list("pk", flat=True)
            )
            ids += generation
        return ids

    def comparison_options(self) -> dict:
        """How the engine compares this claim's versions (``comparison.compare``)."""
        return {
            "value_type": self.value_type,
            "tolerance": self.tolerance,
            "compare_text": self.compare_text,
            "changes_over_time": self.changes_over_time,
        }

    def refresh_property_key(self) -> None:
        self.property_key = normalize_name(self.property)

    def clean(self):
        errors = {}
        if self.value_type != ValueType.NONE:
            if self.subject_id is None:
                errors["subject"] = _("A structured claim needs a subject.")
            if not self.property.strip():
                errors["property"] = _("A structured claim needs a property.")
        self.refresh_property_key()
        if error := folded_length_error(self.property_key, self._meta.get_field("property_key")):
            errors["property"] = error
        if self.status == ClaimStatus.REVIEWED and self.verdict_id is None:
            errors["verdict"] = _("A reviewed claim needs a verdict.")
        if errors:
            raise ValidationError(errors)


class Rank(models.TextChoices):
    PREFERRED = "preferred", _("preferred")
    NORMAL = "normal", _("normal")
    DEPRECATED = "deprecated", _("deprecated")


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
    ValueType.ABSENCE: "value_date",
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


class QuoteDrift(models.TextChoices):
    """How a quote fared when its page was fetched again and had changed."""

    MOVED = "moved", _("moved: same words, new surroundings")
    REWORDED = "reworded", _("reworded")
    REMOVED = "removed", _("removed from the page")


class AppearanceQuerySet(models.QuerySet):
    def with_values(self) -> "AppearanceQuerySet":
        """Versions as they are compared and shown: with their sources (titles and dates,
        not their texts, which can be megabytes), the entities of their values and their
        claims' value types."""
        return (
            self.select_related("source")
            .defer("source__text", "source__search_text")
            .prefetch_related("value_entities")
            # Each version read by its own claim's type: a fact's dates and absences are
            # compared together.
            .annotate(claim_value_type=F("claim__value_type"))
        )


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
        db_index=False,  # appearance_speaker_idx begins with it
    )
    speaker_description = models.CharField(
        _("speaker, as described"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who said it when the source does not name them: “le ministre”, “a spokesperson”."
        ),
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
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="appearances",
        verbose_name=_("quoted from"),
        help_text=_("The fetch of the page the quote was found in; none for a pasted text."),
    )
    drift = models.CharField(
        _("source changed"),
        max_length=10,
        choices=QuoteDrift.choices,
        blank=True,
        help_text=_("Set when the page changed after it was quoted, until an editor checks it."),
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
    rank = models.CharField(
        _("rank"),
        max_length=10,
        choices=Rank.choices,
        default=Rank.NORMAL,
        help_text=_(
            "As in Wikidata: the preferred version gives the claim its current value; "
            "a deprecated one is kept but no longer counts."
        ),
    )
    rank_reason = models.TextField(_("reason for the rank"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incremented on every edit; guards against overwrites."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    # The quote and text value folded, for proposals' similarity (kept in step by the
    # services; trigram-indexed on PostgreSQL).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    objects = AppearanceQuerySet.as_manager()
    history = History(m2m_fields=[value_entities], excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        ordering = ["claim", "source", "start", "id"]
        constraints = [
            choices_constraint("appearance", "attribution", Attribution),
            choices_constraint("appearance", "rank", Rank),
            choices_constraint("appearance", "drift", QuoteDrift, blank=True),
            models.CheckConstraint(
                condition=Q(drift="") | Q(snapshot__isnull=False),
                name="appearance_drift_has_snapshot",
                violation_error_message=_("Only a quote taken from a fetched page can drift."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="appearance_version_positive"),
            models.CheckConstraint(
                condition=Q(rank=Rank.NORMAL) | ~Q(rank_reason=""),
                name="appearance_rank_has_reason",
                violation_error_message=_("A preferred or deprecated version needs a reason."),
            ),
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
            models.CheckConstraint(
                condition=Q(speaker__isnull=True) | Q(speaker_description=""),
                name="appearance_speaker_named_or_described",
                violation_error_message=_(
                    "A speaker is named or, when the source does not name them, described: "
                    "not both."
                ),
            ),
            *precise_date_constraints("appearance", "said_on"),
            *precise_date_constraints("appearance", "as_of"),
            *precise_date_constraints("appearance", "value_date"),
        ]
        indexes = [
            models.Index(fields=["source", "start"], name="appearance_source_start_idx"),
            # A speaker's versions, their claims and ids without reading a row: a speaker's
            # page counts their reviewed claims, finds their conflicts (index-only scans).
            models.Index(fields=["speaker", "claim", "id"], name="appearance_speaker_idx"),
            # The few versions whose page changed since they were quoted (the claims list's
            # "a source changed" filter).
            models.Index(fields=["claim"], condition=~Q(drift=""), name="appearance_drift_idx"),
            # The few versions a decision ranked, by source (the claims list's "from a source
            # whose versions decisions set aside" filter).
            models.Index(
                fields=["rank", "source"],
                condition=~Q(rank=Rank.NORMAL),
                name="appearance_ranked_idx",
            ),
        ]

    def __str__(self):
        if not self.quote:
            return f"#{self.pk}"
        return self.quote if len(self.quote) <= 80 else f"{self.quote[:79]}…"

    def clean(self):
        errors = {}
        for field in ("said_on", "as_of", "value_date"):
            errors.update(clean_precise_date(self, field))
        errors.update(self._place_quote())
        errors.update(self._offset_errors())
        errors.update(self._value_type_errors())
        if self.rank != Rank.NORMAL and not self.rank_reason.strip():
            errors["rank_reason"] = _("A preferred or deprecated version needs a reason.")
        self.speaker_description = " ".join(self.speaker_description.split())
        if self.speaker_id is not None and self.speaker_description:
            errors["speaker_description"] = _(
                "The speaker is named: leave the description empty, or the name."
            )
        if errors:
            raise ValidationError(errors)
        if self.start is not None and self.source_id is not None:
            self.capture_context()

    def capture_context(self) -> None:
        """Keep the text around the quote, to find it again if the source text shifts, and
        the snapshot of the page it is in."""
        text = self.source.text
        self.snapshot_id = self.source.snapshot_id
        self.prefix = text[max(0, self.start - QUOTE_CONTEXT_LENGTH) : self.start]
        self.suffix = text[self.end : self.end + QUOTE_CONTEXT_LENGTH]

    def _place_quote(self) -> dict:
        """A quote given without its place (an import, the API) is looked for in its source's
        text, its first occurrence taken; one that is not there is an error."""
        if not self.quote or self.start is not None or self.end is not None:
            return {}
        if self.source_id is None or not self.source.text:
            return {}
        start = self.source.text.find(self.quote)
        if start == -1:
            return {
                "quote": _("This quote is not in the text of its source “%(title)s”.")
                % {"title": self.source.title[:80]}
            }
        self.start, self.end = start, start + len(self.quote)
        return {}

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

    history = History()

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


class SearchRecord(Timestamped):
    """Evidence for a claim that none happened: what was searched, how, over which period,
    when, and what was found — so that "none" says where it was looked for."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="search_records", verbose_name=_("claim")
    )
    searched = models.CharField(
        _("what was searched"),
        max_length=300,
        help_text=_("A dataset, an archive, a database: “Global Terrorism Database”."),
    )
    url = models.URLField(_("its address"), max_length=2000, blank=True)
    query = models.TextField(_("the query"), help_text=_("What was typed or filtered on."))
    covered_from = models.DateField(_("period covered: from"), null=True, blank=True)
    covered_to = models.DateField(_("period covered: to"), null=True, blank=True)
    searched_on = models.DateField(_("searched on"))
    found_nothing = models.BooleanField(_("nothing found"), default=True)
    found = models.TextField(
        _("what was found"), blank=True, help_text=_("The items found, one a line.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    history = History()

    class Meta:
        verbose_name = _("search record")
        verbose_name_plural = _("search records")
        ordering = ["claim", "-searched_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(searched=""), name="searchrecord_searched_given"),
            models.CheckConstraint(condition=~Q(query=""), name="searchrecord_query_given"),
            models.CheckConstraint(
                condition=Q(found_nothing=True, found="") | Q(found_nothing=False) & ~Q(found=""),
                name="searchrecord_nothing_or_items",
                violation_error_message=_(
                    "Say what was found, or that nothing was — not both, not neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(covered_from__isnull=True)
                | Q(covered_to__isnull=True)
                | Q(covered_from__lte=F("covered_to")),
                name="searchrecord_period_ordered",
                violation_error_message=_("The period covered ends before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.searched}: {self.query}"

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.found.splitlines() if line.strip()]


class TrackRecordQuerySet(models.QuerySet):
    def recount(self, speakers) -> None:
        """Bring the track records of ``speakers`` (entity ids) in step with their claims:
        each service that changes a claim's status or verdict, or who said one of its
        versions, calls it with the speakers before and after, last in its transaction.

        The speakers' rows are locked first (in id order): two editors reviewing two claims
        of one speaker at once would each count without the other's claim, and the last to
        write would leave the count one short. Locked, the second counts after the first
        commits. ``no_key``: adding a version said by them (which only reads the row's key)
        is not held up."""
        ids = sorted({pk for pk in speakers if pk is not None})
        if not ids:
            return
        locked = Entity.objects.filter(pk__in=ids).order_by("pk").select_for_update(no_key=True)
        list(locked.values_list("pk"))
        self.filter(speaker_id__in=ids).delete()
        self._count(Appearance.objects.filter(speaker_id__in=ids))

    def of(self, speaker: Entity) -> list[tuple[Verdict, int]]:
        """(verdict, how many of the claims ``speaker`` made were reviewed to it), the best
        rating first."""
        counted = self.filter(speaker=speaker).select_related("verdict")
        counted = counted.order_by(
            F("verdict__rating_value").desc(nulls_last=True), "verdict__label"
        )
        return [(row.verdict, row.claims) for row in counted]

    def recount_all(self) -> None:
        """Every speaker's track record counted anew (the data generator; no lock)."""
        self.all().delete()
        self._count(Appearance.objects.filter(speaker__isnull=False))

    def _count(self, versions) -> None:
        reviewed = (
            versions.filter(claim__status=ClaimStatus.REVIEWED)
            .order_by()
            .values_list("speaker_id", "claim__verdict_id")
            .annotate(claims=models.Count("claim_id", distinct=True))
        )
        self.bulk_create(
            (
                TrackRecord(speaker_id=speaker, verdict_id=verdict, claims=claims)
                for speaker, verdict, claims in reviewed
            ),
            batch_size=5_000,
        )


class TrackRecord(models.Model):
    """How many reviewed claims an entity made (said a version of) with each verdict: the
    speaker's page shows it, and counting it there read tens of thousands of claims for a
    busy speaker (90 ms at a million claims). Kept by the services
    (``TrackRecordQuerySet.recount``) and by them alone."""

    speaker = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        related_name="track_record",
        verbose_name=_("speaker"),
        db_index=False,  # track_record_unique leads with it
    )
    verdict = models.ForeignKey(
        Verdict, on_delete=models.CASCADE, related_name="+", verbose_name=_("verdict")
    )
    claims = models.PositiveIntegerField(_("claims"))

    objects = TrackRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("track record")
        verbose_name_plural = _("track records")
        constraints = [
            models.UniqueConstraint(fields=["speaker", "verdict"], name="track_record_unique"),
            models.CheckConstraint(condition=Q(claims__gt=0), name="track_record_counts_claims"),
        ]

    def __str__(self):
        return f"{self.speaker_id} {self.verdict_id}: {self.claims}"
