"""Rows written straight to a model's table, in bulk, for the benchmark corpus.

``bulk_create`` builds a model instance a row and an INSERT a batch: at a million claims the
generator spent most of its time there. These rows are plain tuples with their ids given here,
sent by COPY on PostgreSQL (``executemany`` elsewhere). Nothing is validated: the generator
makes only what the models allow, and its tests check it through the models.
"""

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class BulkRows:
    """The rows of one model's table: ``add(**values)`` takes what differs from the model's
    defaults and returns the row's id; ``flush()`` writes what was added."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.index = {field.attname: at for at, field in enumerate(self.fields)}
        self.pk = model._meta.pk.attname
        # Defaults worked out once: a callable one (a UUID) is called again for each row.
        self.defaults = [field.get_default() for field in self.fields]
        self.per_row = [
            (at, field.default)
            for at, field in enumerate(self.fields)
            if field.has_default() and callable(field.default) and field.attname != self.pk
        ]
        self.next_id = (model.objects.aggregate(top=Max(self.pk))["top"] or 0) + 1
        self.rows: list[list] = []

    def add(self, **values) -> int:
        row = self.defaults.copy()
        for at, default in self.per_row:
            row[at] = default()
        pk = values.pop(self.pk, None)
        if pk is None:
            pk, self.next_id = self.next_id, self.next_id + 1
        row[self.index[self.pk]] = pk
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        self.rows.append(row)
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                prepared = [
                    [
                        field.get_db_prep_save(value, connection)
                        for field, value in zip(self.fields, row, strict=True)
                    ]
                    for row in self.rows
                ]
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)
        self.rows = []


def reset_sequences(*models_: type[models.Model]) -> None:
    """Ids were given by the generator: the tables' sequences go on after the largest."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)
