"""Writing new values into many rows of one table in one statement.

Django's ``bulk_update`` writes ``SET field = CASE WHEN id = 1 THEN ... WHEN
id = 2 ...``: building that expression costs Python time for every row and
PostgreSQL matches every row against every branch, so a thousand rows took
seconds (the sweep, issue 16). On PostgreSQL ``update_rows`` joins the table
to a ``VALUES`` list instead, which is linear; elsewhere (SQLite in the tests)
it is ``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model

# PostgreSQL takes at most 65,535 parameters per statement.
_MAX_PARAMETERS = 65_535


def update_rows(rows: Sequence[Model], field_names: Sequence[str]) -> None:
    """Store ``field_names`` of ``rows`` (saved instances of one model), as
    ``bulk_update(rows, field_names)`` does: no signals, no ``auto_now``."""
    if not rows:
        return
    model = type(rows[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(rows, list(field_names))
        return
    meta = model._meta
    assert meta.pk is not None
    fields: list[Field[Any, Any]] = [cast(Field, meta.get_field(name)) for name in field_names]
    columns = [meta.pk, *fields]
    quote = connection.ops.quote_name
    # Typed placeholders: a VALUES list would otherwise take its columns' types
    # from its first row, and NULL there has none.
    row_sql = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in columns) + ")"
    assignments = ", ".join(f"{quote(str(f.column))} = v.{quote(str(f.column))}" for f in fields)
    names = ", ".join(quote(str(f.column)) for f in columns)
    pk = quote(str(meta.pk.column))
    per_statement = _MAX_PARAMETERS // len(columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            parameters: list[Any] = []
            for row in batch:
                parameters += [
                    f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns
                ]
            # The names are the model's, quoted; every value is a parameter.
            statement = (
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([row_sql] * len(batch))}) AS v ({names}) "
                f"WHERE t.{pk} = v.{pk}"
            )
            cursor.execute(statement, parameters)
