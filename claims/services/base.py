"""What every service shares: one transaction, the mark that a write is a service's, and
saving with the actor named in the history."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
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


# SQLite allows 999 parameters a statement (older builds): ids are given in chunks of this many.
IDS_PER_STATEMENT = 500


def history_in_bulk(model: type[models.Model], ids: list[int], *, by, at) -> None:
    """A creation record in ``model``'s history for each of the rows ``ids``, as they are now,
    naming ``by``, at ``at`` — in one INSERT … SELECT a chunk: what a save writes, for the
    rows a bulk insert made (simple-history's bulk helper builds an object a row). A version's
    set of entities is recorded with it, as ``record_history`` records it: the records are
    told by ``at``, which must be this call's own (``timezone.now()`` when called)."""
    historical = model.history.model
    copied = [
        field.column
        for field in historical._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    table, quote = model._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(column) for column in copied)
    user = getattr(user_of(by), "pk", None)
    # The sets whose history is kept: simple-history names their records' table after both.
    tracked = {field.name for field in historical._meta.get_fields()}
    sets = [
        (field, historical._meta.get_field(name))
        for field in model._meta.many_to_many
        if (name := f"{historical._meta.model_name}_{field.name}") in tracked
    ]
    with connection.cursor() as cursor:
        for chunk, where in _id_chunks(ids):
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, history_date, "
                f"history_change_reason, history_type, history_user_id) "
                f"SELECT {columns}, %s, NULL, '+', %s FROM {quote(table)} WHERE id {where}",
                [at, user, *chunk],
            )
        for field, history_set in sets:
            through = field.remote_field.through._meta
            owner, member = field.m2m_column_name(), field.m2m_reverse_name()
            cursor.execute(
                f"INSERT INTO {quote(history_set.related_model._meta.db_table)} "
                f"(id, {owner}, {member}, history_id) "
                f"SELECT t.id, t.{owner}, t.{member}, h.history_id "
                f"FROM {quote(historical._meta.db_table)} h "
                f"JOIN {quote(through.db_table)} t ON t.{owner} = h.id "
                f"WHERE h.history_date = %s AND h.history_type = '+'",
                [at],
            )


def _id_chunks(ids: list[int]):
    """(parameters, SQL) pairs to select rows by ``ids``: on PostgreSQL one array for all of
    them; elsewhere an IN list a chunk."""
    if connection.vendor == "postgresql":
        yield [list(ids)], "= ANY(%s)"
        return
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        yield chunk, f"IN ({', '.join(['%s'] * len(chunk))})"


# Fewer rows are inserted with one INSERT: a COPY costs two statements.
COPY_FROM = 50


def insert_rows(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert new ``rows`` of ``model``, giving them their ids: what ``bulk_create`` does, at a
    fifth of its cost on PostgreSQL, where the ids are taken from the table's sequence first and
    the rows copied in (COPY). Fields are written as they are set: defaults were given when
    the objects were made; ``auto_now`` fields get the time now. For imports (no signals, no
    history: ``history_in_bulk``)."""
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        model.objects.bulk_create(rows)
        return
    fields = model._meta.concrete_fields
    now = timezone.now()
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
            row._state.adding, row._state.db = False, connection.alias
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        stamped = [field for field in fields if getattr(field, "auto_now", False)]
        related = [field for field in fields if field.is_relation]
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                for field in stamped:
                    setattr(row, field.attname, now)
                # Related objects saved after the row was given them: their ids, as a save
                # reads them.
                for field in related:
                    target = field.get_cached_value(row, None)
                    if target is not None and getattr(row, field.attname) is None:
                        setattr(row, field.name, target)
                copy.write_row([getattr(row, field.attname) for field in fields])
