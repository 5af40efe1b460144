"""What every service shares: one transaction, the mark that a write is a service's, and
saving with the actor named in the history."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from claims.policy import user_of

# True while a service runs: tests switch on a guard that fails any write of a domain row made
# outside one (tests/conftest.py, ``service_writes_only``).
_in_service: ContextVar[bool] = ContextVar("in_service", default=False)


def in_service() -> bool:
    return _in_service.get()


@contextmanager
def service_context():
    """Mark the writes inside as a service's (the services' decorator; test factories)."""
    token = _in_service.set(True)
    try:
        yield
    finally:
        _in_service.reset(token)


def service(func):
    """A write of the tracker: runs in one transaction (nested services join the outer one),
    marked as a service's."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with service_context(), transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def save_as(instance: models.Model, *, by, **save_kwargs) -> None:
    """Save ``instance`` with its history record naming ``by`` (nobody for the tracker)."""
    instance._history_user = user_of(by)
    instance.save(**save_kwargs)


def delete_as(instance: models.Model, *, by, refusal: str = "") -> None:
    """Delete ``instance`` with its history record naming ``by``. When rows that must not be
    lost refer to it (PROTECT), nothing is deleted and ``refusal`` is the message."""
    instance._history_user = user_of(by)
    try:
        instance.delete()
    except ProtectedError:
        raise ValidationError(refusal or _("Other records refer to this one.")) from None


def apply_changes(instance: models.Model, changes: dict, *, allowed) -> None:
    """Set ``changes`` on ``instance``; a field outside ``allowed`` is refused, naming it."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(instance, name, value)


def record_history(instance: models.Model, *, by, history_type: str = "~") -> None:
    """Write one history record of ``instance`` as it is now — its tracked sets included —
    naming ``by``. For writes made without a save (a conditional UPDATE), or a set changed."""
    instance._history_user = user_of(by)
    type(instance).history_records.create_historical_record(instance, history_type)


@contextmanager
def without_history(instance: models.Model):
    """Changes of ``instance``'s sets inside write no history record of their own: the caller
    writes one record of the whole change (``record_history``)."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
