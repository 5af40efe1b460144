"""The review history: an append-only log of every review step."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import choices_constraint
from .claims import Claim, ClaimStatus, QuoteDrift, Verdict, in_french
from .conflicts import Conflict, ConflictKind, ConflictResolution, ConflictState


class ReviewAction(models.TextChoices):
    STATUS = "status", _("status changed")
    VERDICT = "verdict", _("verdict changed")
    VERDICT_PROPOSED = "verdict_proposed", _("verdict proposed")
    VERDICT_CONFIRMED = "verdict_confirmed", _("verdict confirmed")
    VERDICT_SENT_BACK = "verdict_sent_back", _("verdict sent back")
    ASSIGNEE = "assignee", _("assignment changed")
    CONFLICT_FLAGGED = "conflict_flagged", _("conflict flagged")
    CONFLICT_DETECTED = "conflict_detected", _("conflict detected")
    CONFLICT_CLOSED = "conflict_closed", _("conflict closed automatically")
    CONFLICT_RESOLVED = "conflict_resolved", _("conflict resolved")
    CONFLICT_DISMISSED = "conflict_dismissed", _("conflict dismissed")
    CONFLICT_REOPENED = "conflict_reopened", _("conflict reopened")
    CONFLICT_EDITED = "conflict_edited", _("conflict edited")
    RANK = "rank", _("version ranked")
    MERGED = "merged", _("merged")
    SOURCE_CHANGED = "source_changed", _("source changed after it was quoted")
    SOURCE_CHECKED = "source_checked", _("changed source checked")
    NOTE = "note", _("note")


class ReviewEventImmutable(Exception):
    """Raised on any attempt to change or delete the review history."""


UPDATE_REFUSED = "Review events are append-only; they cannot be updated."
DELETE_REFUSED = "Review events are append-only; they cannot be deleted."


class ReviewEventQuerySet(models.QuerySet):
    def with_verdict_labels(self) -> "ReviewEventQuerySet":
        """Annotate the French labels of the verdicts the events name (an event keeps the
        label a verdict had), for ``old_label`` and ``new_label`` to show."""

        def french(column: str):
            verdicts = Verdict.objects.filter(label=OuterRef(column)).exclude(label_fr="")
            return Subquery(verdicts.values("label_fr")[:1])

        return self.annotate(old_value_fr=french("old_value"), new_value_fr=french("new_value"))

    def update(self, **kwargs):
        raise ReviewEventImmutable(UPDATE_REFUSED)

    def _update(self, values):
        raise ReviewEventImmutable(UPDATE_REFUSED)

    def delete(self):
        raise ReviewEventImmutable(DELETE_REFUSED)

    def _raw_delete(self, using):
        raise ReviewEventImmutable(DELETE_REFUSED)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ReviewEventImmutable(UPDATE_REFUSED)

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise ReviewEventImmutable(UPDATE_REFUSED)
        return super().bulk_create(objs, *args, **kwargs)

    def update_or_create(self, *args, **kwargs):
        raise ReviewEventImmutable(UPDATE_REFUSED)


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
    # Now, unless an import gives the time the step was taken (README, "Import").
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False, db_index=True)
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
        # Django's internal writes (``_base_manager``) go through the refusing queryset too.
        base_manager_name = "objects"
        constraints = [choices_constraint("reviewevent", "action", ReviewAction)]
        # The database itself refuses to rewrite or delete the history, whatever the client
        # (PostgreSQL only; on SQLite the Python guards below are the only ones).
        triggers = [
            pgtrigger.Protect(
                name="reviewevent_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        # Refused before the save's transaction starts, so the caller's is left usable.
        if not self._state.adding or (
            self.pk is not None and type(self).objects.filter(pk=self.pk).exists()
        ):
            raise ReviewEventImmutable(UPDATE_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReviewEventImmutable(DELETE_REFUSED)

    def _do_update(self, base_qs, using, pk_val, values, *args, **kwargs):
        # Every save of an instance with a primary key tries an UPDATE first: a new instance
        # given an existing event's id, or ``loaddata`` of a fixture (which calls save_base
        # directly, not save). An event may be inserted with its id, never overwritten.
        if base_qs.filter(pk=pk_val).exists():
            raise ReviewEventImmutable(UPDATE_REFUSED)
        return False

    @property
    def old_label(self) -> str:
        return value_label(self.old_value, getattr(self, "old_value_fr", None))

    @property
    def new_label(self) -> str:
        return value_label(self.new_value, getattr(self, "new_value_fr", None))


def value_label(value: str, french: str | None = None) -> str:
    """Events store values (``in_review``, a verdict's label), shown in the reader's
    language (“in review”; ``french``: the verdict's French label, ``with_verdict_labels``)."""
    for choices in (ClaimStatus, ConflictState, ConflictResolution, ConflictKind, QuoteDrift):
        if value in choices.values:
            return str(choices(value).label)
    if french and in_french():
        return french
    return value
