"""One row written in one statement, for the channels that write to the database.

``Model.save()`` and ``bulk_create`` wrap their insert in a transaction of its
own (BEGIN, INSERT, COMMIT: three round trips outside the caller's
transaction); a worker delivering hundreds of letters a second spends more
on those than on the insert. Outside a transaction a single statement commits
by itself, and ``ON CONFLICT`` on the row's unique key keeps the channel's
promise that a repeated delivery adds nothing.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models import Field, Model


def insert_once(obj: Model, *, unique: str) -> int:
    """Insert ``obj``'s row unless a row with the same ``unique`` field exists;
    return the id of the row that holds it (the new one or the one there).

    The row that is there is left as it was (the conflict's ``DO UPDATE`` sets
    the unique column to its own value, only so that ``RETURNING`` gives it).
    PostgreSQL, and SQLite from 3.35.
    """
    model = type(obj)
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    unique_field = meta.get_field(unique)
    assert isinstance(unique_field, Field)
    target = quote(_column(unique_field))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(_column(f)) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({target}) DO UPDATE SET {target} = EXCLUDED.{target} "
        f"RETURNING {quote(_column(meta.pk))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None
    obj.pk = row[0]
    return int(row[0])


def _column(field: Field | None) -> str:
    assert field is not None and field.column is not None
    return field.column
