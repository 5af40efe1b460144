"""Imports of files uploaded on the import page: who, what, how far, and what came of it."""

import json
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import choices_constraint


class ImportFormat(models.TextChoices):
    DUMP = "dump", _("the desk's full dump (JSON)")
    CSV = "csv", _("CSV of versions")
    CLAIMREVIEW = "claimreview", _("schema.org ClaimReview (JSON-LD)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting its turn")
    RUNNING = "running", _("importing")
    DONE = "done", _("imported")
    CHECKED = "checked", _("checked: nothing written (trial run)")
    REFUSED = "refused", _("refused: nothing imported")
    FAILED = "failed", _("failed: nothing imported")


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    file_name = models.CharField(_("file"), max_length=255)
    format = models.CharField(
        _("format"), max_length=20, choices=ImportFormat.choices, blank=True,
        help_text=_("Empty: told from the file's content."),
    )  # fmt: skip
    dry_run = models.BooleanField(_("trial run"), default=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # ImportReport.as_json(): counts, notes and the problems listed.
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_constraint("importjob", "status", ImportStatus),
            choices_constraint("importjob", "format", ImportFormat, blank=True),
        ]

    def __str__(self):
        return self.file_name

    @property
    def path(self) -> Path:
        """Where the uploaded file waits for its import."""
        return Path(settings.IMPORTS_ROOT) / f"{self.pk}.upload"

    @property
    def progress_path(self) -> Path:
        return Path(settings.IMPORTS_ROOT) / f"{self.pk}.progress"

    @property
    def finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    def progress(self) -> dict:
        """How far the import has read: {"records": n, "percent": 0–100}."""
        if self.finished:
            return {"records": self.report.get("records", 0), "percent": 100}
        try:
            return json.loads(self.progress_path.read_text())
        except (OSError, ValueError):
            return {"records": 0, "percent": 0}
