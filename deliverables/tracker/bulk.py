"""Writing many new rows at once: PostgreSQL's COPY where it pays, Django's bulk_create elsewhere.

An import writes tens of thousands of rows. Through bulk_create, Django compiles each batch
into a multi-row INSERT, adapting every value and parsing the statement again in psycopg: about
two thirds of the import's write time on PostgreSQL. COPY streams the same values as one
message, with no statement to build. The values are those bulk_create would write, prepared
by the same Django field code (`pre_save` for timestamps, `get_db_prep_save` for everything),
so the rows are identical; only the route differs. `bulk_insert` is the one place that
chooses the route.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router, transaction
from django.db.models import AutoField, Model

# Below this many rows the statement bulk_create sends is small and COPY's extra round trip
# for the ids does not pay for itself.
COPY_MIN_ROWS = 200

_sequences: dict[tuple[str, str], str] = {}


def uses_copy(model: type[Model], count: int, min_rows: int | None = None) -> bool:
    """Whether `bulk_insert` writes `count` rows of `model` with COPY: only on PostgreSQL
    (psycopg 3), only for a batch big enough, and only for a plain auto-numbered table."""
    connection = connections[router.db_for_write(model)]
    threshold = COPY_MIN_ROWS if min_rows is None else min_rows
    return (
        connection.vendor == "postgresql"
        and count >= threshold
        and isinstance(model._meta.pk, AutoField)
        and not model._meta.parents
    )


def bulk_insert(
    model: type[Model], objs: Sequence[Model], batch_size: int = 500, min_rows: int | None = None
) -> list[Model]:
    """Insert new objects as `model.objects.bulk_create(objs, batch_size)` would, and give
    each its primary key; through COPY where `uses_copy` says so."""
    objs = list(objs)
    if not objs:
        return objs
    if not uses_copy(model, len(objs), min_rows):
        return model.objects.bulk_create(objs, batch_size=batch_size)
    db = router.db_for_write(model)
    # The same preparation as bulk_create: primary-key defaults, foreign keys re-read from
    # parents saved since the object was built, and a refusal of unsaved parents.
    model._base_manager.using(db)._prepare_for_bulk_create(objs)
    if any(obj._is_pk_set() for obj in objs):  # bulk_create's other route; not the import's
        return model.objects.bulk_create(objs, batch_size=batch_size)
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    rows = _prepared_rows(model, db, fields, objs)
    if rows is None:  # a database expression among the values: only an INSERT can say it
        return model.objects.bulk_create(objs, batch_size=batch_size)
    with transaction.atomic(using=db, savepoint=False):
        ids = _reserve_ids(model, db, len(objs))
        pk_index = fields.index(model._meta.pk)
        quote = connections[db].ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        table = quote(model._meta.db_table)
        sql = f"COPY {table} ({columns}) FROM STDIN"
        # The raw psycopg cursor: its errors are turned into Django's, as an INSERT's are, so
        # the import's DatabaseError handling sees a refused COPY the same way.
        connection = connections[db]
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(sql) as copy,
        ):
            for pk, row in zip(ids, rows, strict=True):
                row[pk_index] = pk
                copy.write_row(row)
    for pk, obj in zip(ids, objs, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db
    return objs


# Fields whose prepared value is the attribute itself when it is None or exactly this type:
# Django's pre_save is a plain read for them, and get_db_prep_save returns a str, int or bool
# unchanged (to_python, int() and the PostgreSQL adapters are identities there). Anything
# else (a choices enum, a date, JSON) takes Django's own preparation below.
_PLAIN = (
    (models.ForeignKey, int),
    (models.BooleanField, bool),
    (models.IntegerField, int),
    (models.CharField, str),
    (models.TextField, str),
)


def _plain_type(field: models.Field) -> type | None:
    if type(field).pre_save is not models.Field.pre_save:
        return None
    if isinstance(field, models.ForeignKey) and not isinstance(
        field.target_field, models.AutoField
    ):
        return None
    return next((kind for cls, kind in _PLAIN if isinstance(field, cls)), None)


def _prepared_rows(model: type[Model], db: str, fields: list, objs: list[Model]):
    """Each object's values as bulk_create's compiler prepares them (field.pre_save, then
    field.get_db_prep_save), or None if any is an expression (a database default) that COPY
    cannot carry."""
    connection = connections[db]
    plan = [(field, field.attname, _plain_type(field)) for field in fields]
    rows = []
    for obj in objs:
        row = []
        for field, attname, plain in plan:
            if plain is not None:
                value = getattr(obj, attname)
                if value is None or type(value) is plain:
                    row.append(value)
                    continue
            value = field.pre_save(obj, add=True)  # auto_now(_add) stamps the object, as there
            if hasattr(value, "resolve_expression"):
                return None
            row.append(field.get_db_prep_save(value, connection=connection))
        rows.append(row)
    return rows


def _reserve_ids(model: type[Model], db: str, count: int) -> list[int]:
    """`count` primary keys from the table's own sequence: the ids an INSERT would have
    taken, unique however many imports run at once."""
    connection = connections[db]
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        sequence = _sequences.get((table, column))
        if sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            _sequences[(table, column)] = sequence
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]
