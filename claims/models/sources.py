"""Sources: the documents that make or report claims."""

import gzip
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from claims.dates import (
    DatePrecision,
    clean_precise_date,
    precise_date_constraints,
    precise_date_of,
)
from claims.text import normalize_text, search_words, unreadable_characters

from .base import (
    LANGUAGE_SHAPE,
    History,
    Timestamped,
    choices_constraint,
    count_of,
    validate_language,
)
from .entities import Entity


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("news article")
    REPORT = "report", _("official report")
    PRESS_RELEASE = "press_release", _("press release")
    TRANSCRIPT = "transcript", _("transcript")
    SOCIAL_POST = "social_post", _("social media post")
    FACT_CHECK = "fact_check", _("fact-check")
    OTHER = "other", _("other")


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SourceQuerySet(models.QuerySet):
    def with_appearance_count(self) -> "SourceQuerySet":
        from .claims import Appearance

        return self.annotate(appearance_count=count_of(Appearance.objects.all(), "source"))

    def search(self, query: str) -> "SourceQuerySet":
        """Sources with every word of ``query`` in their title, URL or publisher's names,
        case and accents aside; none for a query with no word."""
        words = search_words(query)
        found = self.none() if not words else self
        for word in words:
            found = found.filter(search_text__contains=word)
        return found


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
    author = models.CharField(
        _("author"), max_length=300, blank=True, help_text=_("The byline, as the source gives it.")
    )
    text = models.TextField(
        _("text"), blank=True, help_text=_("The full text, stored exactly as given.")
    )
    snapshot = models.ForeignKey(
        "Snapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current snapshot"),
        help_text=_("The fetch of the page the text is from; none for a text pasted or uploaded."),
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
    # Title, URL and publisher's names folded, for the header search (kept in step by the
    # services).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    history = History(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="source_created_idx")]
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

    @property
    def published_label(self) -> str:
        """The publication date at its precision ("2022-05"), or "" when undated."""
        date = precise_date_of(self, "published_on")
        return str(date) if date else ""

    def clean(self):
        self.text = normalize_text(self.text)
        self.content_sha256 = sha256_of(self.text)
        errors = clean_precise_date(self, "published_on")
        if unreadable := unreadable_characters(self.text):
            errors["text"] = _(
                "The text holds characters no text should (%(characters)s, first at character "
                "%(position)d): is the file UTF-8? Remove them and try again."
            ) % {
                "characters": ", ".join(sorted({f"U+{ord(c):04X}" for _position, c in unreadable})),
                "position": unreadable[0][0] + 1,
            }
        if errors:
            raise ValidationError(errors)


class SnapshotQuerySet(models.QuerySet):
    def unconfirmed(self) -> "SnapshotQuerySet":
        """Pages fetched for a source an editor has not confirmed (yet)."""
        return self.filter(source__isnull=True)


class Snapshot(models.Model):
    """A page as the tracker fetched it: the response (compressed), the article's text read
    from it, and when. A fetched source's text is its latest snapshot's; an older snapshot is
    what the page said when it was quoted."""

    source = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("source"),
        help_text=_("Empty while the editor who fetched it has not confirmed the source."),
    )
    url = models.URLField(_("URL fetched"), max_length=2000, help_text=_("After redirects."))
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    raw_gzip = models.BinaryField(_("response (gzip)"), editable=False)
    raw_size = models.PositiveIntegerField(_("response size (bytes)"))
    text = models.TextField(_("text read from the page"))
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64, editable=False)
    # What the page said of itself (title, author, date, publisher, language), as read.
    metadata = models.JSONField(_("metadata read from the page"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    checked_at = models.DateTimeField(
        _("last seen unchanged"), help_text=_("The last fetch that read this same text.")
    )
    fetched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fetched by"),
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-fetched_at", "-id"]
        indexes = [
            models.Index(fields=["source", "-fetched_at", "-id"], name="snapshot_source_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(text_sha256__regex=r"^[0-9a-f]{64}$"),
                name="snapshot_text_sha256_format",
            ),
            models.CheckConstraint(
                condition=Q(checked_at__gte=F("fetched_at")),
                name="snapshot_checked_after_fetched",
            ),
        ]

    def __str__(self):
        return f"{self.url} ({self.fetched_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        self.text_sha256 = sha256_of(self.text)
        super().save(*args, **kwargs)

    @property
    def raw(self) -> bytes:
        """The response's body as it was received."""
        return gzip.decompress(self.raw_gzip)


class CitationKind(models.TextChoices):
    CITES = "cites", _("cites (reports what it says)")
    REPUBLISHES = "republishes", _("republishes (repeats it)")


class Citation(Timestamped):
    """One source reporting or repeating another: what they agree on is not two origins.
    Citations form no cycle (``add_citation``): following them from any source ends at the
    sources that cite none, its origins."""

    citing = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("source"),
        db_index=False,  # citation_once begins with it
    )
    cited = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="cited_by", verbose_name=_("cites")
    )
    kind = models.CharField(
        _("how"), max_length=12, choices=CitationKind.choices, default=CitationKind.CITES
    )
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
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["citing", "cited"]
        constraints = [
            models.UniqueConstraint(
                fields=["citing", "cited"],
                name="citation_once",
                violation_error_message=_("This source already cites that one."),
            ),
            models.CheckConstraint(
                condition=~Q(citing=F("cited")),
                name="citation_not_itself",
                violation_error_message=_("A source cannot cite itself."),
            ),
            choices_constraint("citation", "kind", CitationKind),
        ]

    def __str__(self):
        return f"{self.citing} → {self.cited}"
