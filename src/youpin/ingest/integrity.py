"""References the database does not enforce, checked set-based: `youpin import check`.

The high-volume tables (orders, order lines, tracking events) carry their foreign keys
without database constraints (docs/adr/0005-unenforced-foreign-keys.md): the import
writes these references from rows it has just created or read in the same transaction,
and a constraint would cost every imported row a trigger and a look-up. What the
constraint would have guaranteed is checked here instead, one anti-join per reference:
rows whose reference names no row. A healthy database has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models

from youpin.commerce.models import Order, OrderLine
from youpin.logistics.models import TrackingEvent

CHECKED_MODELS: tuple[type[models.Model], ...] = (Order, OrderLine, TrackingEvent)
SAMPLE = 5


@dataclass(frozen=True)
class Dangling:
    """The rows of one reference that point at nothing."""

    table: str
    column: str
    target: str
    count: int
    sample: list[object]

    def label(self) -> str:
        """'table.column → target' for reports."""
        return f"{self.table}.{self.column} → {self.target}"


def unenforced_references() -> list[tuple[str, str, str, str]]:
    """(table, column, target table, target column) of every checked reference."""
    found = []
    for model in CHECKED_MODELS:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and not getattr(field, "db_constraint", True):
                target = field.target_field
                found.append(
                    (
                        model._meta.db_table,
                        str(field.column),
                        target.model._meta.db_table,
                        str(target.column),
                    )
                )
    return found


def dangling_references() -> list[Dangling]:
    """Every unenforced reference with its dangling rows counted (zero when sound)."""
    quote = connection.ops.quote_name
    results = []
    with connection.cursor() as cursor:
        for table, column, target, target_column in unenforced_references():
            where = (
                f"FROM {quote(table)} r WHERE r.{quote(column)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {quote(target)} t "
                f"WHERE t.{quote(target_column)} = r.{quote(column)})"
            )
            cursor.execute(f"SELECT COUNT(*) {where}")
            count = int(cursor.fetchone()[0])
            sample: list[object] = []
            if count:
                cursor.execute(
                    f"SELECT DISTINCT r.{quote(column)} {where} ORDER BY 1 LIMIT {SAMPLE}"
                )
                sample = [row[0] for row in cursor.fetchall()]
            results.append(Dangling(table, column, target, count, sample))
    return results
