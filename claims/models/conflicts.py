"""Conflicts: two versions that do not agree."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import History, Timestamped, choices_constraint
from .claims import Appearance, Claim


class ConflictKind(models.TextChoices):
    ENTITY_SET = "entity_set", _("different sets")
    NUMBER = "number", _("different numbers")
    DATE = "date", _("incompatible dates")
    TEXT = "text", _("different texts")
    BOOLEAN = "boolean", _("yes against no")
    NEGATION = "negation", _("statement and its negation")
    ABSENCE = "absence", _("an occurrence where none was recorded")
    OTHER = "other", _("other")


class ConflictOrigin(models.TextChoices):
    AUTO = "auto", _("detected automatically")
    MANUAL = "manual", _("flagged by hand")


class ConflictState(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


class ConflictTiming(models.TextChoices):
    SAME_TIME = "same_time", _("versions of the same time")
    CHANGE_OVER_TIME = "change_over_time", _("may be a change over time")
    UNDATED = "undated", _("one version is undated")


class ConflictResolution(models.TextChoices):
    PREVAILS = "prevails", _("one version prevails")
    BOTH_HOLD = "both_hold", _("both hold at their dates")
    NOW_AGREE = "now_agree", _("the versions now agree")
    # A decision on a fact's value: two versions that both state another value than the one
    # that holds (a third value, a fourth) are both set aside.
    ANOTHER_VALUE = "another", _("another value holds")


class ConflictQuerySet(models.QuerySet):
    def open(self) -> "ConflictQuerySet":
        return self.filter(state=ConflictState.OPEN)

    def of_versions(self, ids: list[int]) -> "ConflictQuerySet":
        """Conflicts with either version among ``ids``: two index scans (an OR of the two
        sides through a join would test every conflict)."""
        return self.filter(Q(appearance_a_id__in=ids) | Q(appearance_b_id__in=ids))

    def newest_said_by(self, entity, *, limit: int) -> list["Conflict"]:
        """The ``limit`` newest of these conflicts with a version said by ``entity``, newest
        first: the newest of each side, merged (two queries). PostgreSQL walks each side from
        the conflicts' newest (a busy speaker) or from the speaker's versions (a rare one),
        as it judges; with an OR of the sides it could do neither and read every conflict."""
        found = {
            conflict.pk: conflict
            for side in ("appearance_a__speaker", "appearance_b__speaker")
            for conflict in self.filter(**{side: entity}).order_by("-created_at", "-pk")[:limit]
        }
        newest = sorted(found.values(), key=lambda c: (c.created_at, c.pk), reverse=True)
        return newest[:limit]

    def involving(self, claims) -> "ConflictQuerySet":
        """Conflicts with a version among ``claims`` (a claim, or a queryset or list of ids),
        whichever claim the conflict is filed under: a conflict between two claims stating
        the same fact belongs to both.

        The claims' versions are read at once (one short query), and their conflicts found
        through each side's index: given a subquery instead, PostgreSQL could not tell how
        few they are and read every conflict (6 s for a claim page at a million claims)."""
        if isinstance(claims, Claim):
            claims = [claims.pk]
        return self.of_versions(
            list(Appearance.objects.filter(claim__in=claims).values_list("pk", flat=True))
        )


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
    timing = models.CharField(
        _("timing"),
        max_length=20,
        choices=ConflictTiming.choices,
        blank=True,
        help_text=_("Whether the two versions speak of the same time."),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of the two values compared; a change reopens a closed conflict."),
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=ConflictOrigin.choices, default=ConflictOrigin.MANUAL
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ConflictState.choices, default=ConflictState.OPEN
    )
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=ConflictResolution.choices, blank=True
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
    history = History()

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        permissions = [("decide_conflict", _("Can resolve, dismiss and reopen a conflict"))]
        ordering = ["created_at", "id"]
        # The open conflicts (the few open among all ever detected): their queue, oldest
        # first, and each claim's count of them on every list of claims.
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=Q(state=ConflictState.OPEN),
                name="conflict_open_idx",
            ),
            models.Index(
                fields=["claim"],
                condition=Q(state=ConflictState.OPEN),
                name="conflict_open_claim_idx",
            ),
            models.Index(fields=["-created_at", "-id"], name="conflict_created_idx"),
        ]
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
            choices_constraint("conflict", "timing", ConflictTiming, blank=True),
            choices_constraint("conflict", "resolution", ConflictResolution, blank=True),
            models.CheckConstraint(
                condition=Q(state=ConflictState.RESOLVED, resolution__in=ConflictResolution.values)
                | (~Q(state=ConflictState.RESOLVED) & Q(resolution="")),
                name="conflict_resolved_has_resolution",
                violation_error_message=_("A resolved conflict says how it was resolved."),
            ),
            models.CheckConstraint(
                condition=Q(prevailing__isnull=True) & ~Q(resolution=ConflictResolution.PREVAILS)
                | Q(resolution=ConflictResolution.PREVAILS, prevailing=F("appearance_a"))
                | Q(resolution=ConflictResolution.PREVAILS, prevailing=F("appearance_b")),
                name="conflict_prevailing_is_a_resolved_version",
                violation_error_message=_("A version prevails only when it is one of the pair."),
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
