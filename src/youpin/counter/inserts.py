"""One-statement inserts, including ones that skip a row a unique constraint already holds.

`INSERT … ON CONFLICT DO NOTHING RETURNING id` (PostgreSQL, SQLite 3.35+) instead of a
savepoint around `Model.objects.create` and a caught `IntegrityError`: one round trip
instead of three, and the transaction stays usable when the row is there already. On
PostgreSQL a conflicting row another transaction is inserting is waited for, as with a
plain insert.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import AutoField, Model


def insert_or_skip(obj: Model) -> bool:
    """Insert the unsaved `obj` (its defaults applied, its id set); False, inserting nothing,
    when a unique constraint or index already holds such a row."""
    return _insert(obj, " ON CONFLICT DO NOTHING")


def insert(obj: Model) -> None:
    """Insert the unsaved `obj` (its defaults applied, its id set) in one raw statement,
    without the ORM's query building (`Model.objects.create` costs several times more)."""
    if not _insert(obj, ""):  # pragma: no cover - a plain INSERT returns its row or raises
        raise RuntimeError(f"{obj._meta.label} was not inserted")


def _insert(obj: Model, conflict: str) -> bool:
    """INSERT … {conflict} RETURNING id for `obj`; False when no row came back."""
    meta = obj._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoField)]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = str(meta.pk.column) if meta.pk is not None else "id"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
        f"{conflict} RETURNING {quote(pk)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True
