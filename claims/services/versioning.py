"""Optimistic locking: every edit carries the version it was based on, and a save on a stale
version is refused with what changed since, instead of overwriting it."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .base import record_history
from .history import describe_changes, who


class StaleVersion(ValidationError):
    """The row changed since the version an edit was based on."""

    def __init__(self, instance: Model, based_on: int):
        self.changes = changes_since(instance, based_on)
        # The version the row is at now: what a retry is based on.
        self.current_version = (
            type(instance).objects.filter(pk=instance.pk).values_list("version", flat=True).first()
        )
        described = "; ".join(self.changes) or _("changes not in the history")
        super().__init__(
            _(
                "This %(model)s was changed by someone else since you opened it (your version "
                "%(mine)s): %(changes)s. Nothing of yours was saved: reload it to see the "
                "current version, then make your change again."
            ),
            code="stale_version",
            params={"model": instance._meta.verbose_name, "mine": based_on, "changes": described},
        )


def changes_since(instance: Model, based_on: int) -> list[str]:
    """Who changed what after version ``based_on``, from the history, oldest first: one
    sentence per saved version, e.g. "version 3 by reviewer at 2026-11-23 19:40 UTC: status
    “new” → “in_review”"."""
    records = list(
        type(instance)
        .history.filter(id=instance.pk, version__gte=based_on)
        .order_by("history_date", "history_id")
        .select_related("history_user")
    )
    return [
        _("version %(version)s by %(who)s at %(when)s UTC: %(what)s")
        % {
            "version": record.version,
            "who": who(record.history_user),
            "when": f"{record.history_date:%Y-%m-%d %H:%M}",
            "what": what,
        }
        for record, what in describe_changes(records, type(instance))
        if record.version > based_on
    ]


def save_versioned(instance: Model, *, by, based_on: int, fields: Iterable[str]) -> None:
    """Write ``fields`` of ``instance`` only if its row is still at version ``based_on``, and
    record the new version in its history.

    A conditional UPDATE (``WHERE version = based_on``), not a read then a write: of several
    concurrent saves on one version exactly one matches the row; the others, once it commits,
    match nothing and raise StaleVersion, writing nothing.
    """
    model = type(instance)
    now = timezone.now()
    attnames = [model._meta.get_field(name).attname for name in fields]
    values = {attname: getattr(instance, attname) for attname in attnames}
    updated = model.objects.filter(pk=instance.pk, version=based_on).update(
        **values, version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise StaleVersion(instance, based_on)
    instance.version = based_on + 1
    instance.updated_at = now
    record_history(instance, by=by)


def save_bumped(instance: Model, *, by, fields: Iterable[str]) -> None:
    """Write ``fields`` of ``instance`` and move its version on, so that a form opened before
    this write is refused as stale instead of undoing it (a decision ranking a version, a quote
    re-anchored in a changed text). Callers hold the row's lock: the version they read is the
    row's."""
    save_versioned(instance, by=by, based_on=instance.version, fields=fields)


def check_version(instance: Model, based_on: int) -> None:
    """Refuse early (in a form's validation) an edit based on a version that is no longer the
    row's. The write itself is still guarded by ``save_versioned``."""
    current = type(instance).objects.filter(pk=instance.pk).values_list("version", flat=True)
    if current.first() != based_on:
        raise StaleVersion(instance, based_on)
