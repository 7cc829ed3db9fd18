"""`youpin import check`: references without a database constraint, checked set-based."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from youpin.commerce.models import Order, OrderLine
from youpin.ingest.integrity import dangling_references, unenforced_references
from youpin.ingest.tests.orders_support import (  # noqa: F401  (fixtures)
    DOUYIN,
    SAMPLES,
    _merchant,
    _var_dir,
)
from youpin.logistics.models import TrackingEvent
from youpin.testing.factories import TrackingEventFactory

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    """Dangling rows by 'table.column'."""
    return {f"{d.table}.{d.column}": d.count for d in dangling_references()}


def _database_foreign_keys(table: str) -> set[str]:
    """Columns of `table` the database itself constrains as foreign keys."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["columns"][0] for c in constraints.values() if c["foreign_key"]}


def test_checked_references_are_exactly_those_without_constraint():
    """Every reference the check covers has no constraint in the database, and vice versa."""
    checked = {(table, column) for table, column, _, _ in unenforced_references()}
    assert ("commerce_orderline", "order_id") in checked
    assert ("logistics_trackingevent", "parcel_id") in checked
    for model in (Order, OrderLine, TrackingEvent):
        table = model._meta.db_table
        enforced = _database_foreign_keys(table)
        ours = {column for t, column in checked if t == table}
        assert not ours & enforced
        fks = {f.column for f in model._meta.concrete_fields if f.is_relation}
        assert fks == ours | enforced
    assert "buyer_user_id" in _database_foreign_keys("commerce_order")


def test_an_import_leaves_nothing_dangling_and_damage_is_found(merchant, capsys):
    """After a real import every count is 0; orphans made by raw SQL are counted exactly."""
    call_command("import", "orders", str(SAMPLES / DOUYIN), "--merchant", merchant.pk)
    TrackingEventFactory.create_batch(3)
    capsys.readouterr()
    assert Order.objects.exists()
    assert OrderLine.objects.exists()
    assert set(_counts().values()) == {0}
    call_command("import", "check", "--json")
    assert json.loads(capsys.readouterr().out)["dangling"] == {}

    missing_order = Order.objects.order_by("-id").values_list("id", flat=True)[0] + 1000
    lines = list(OrderLine.objects.order_by("id").values_list("id", flat=True)[:2])
    event = TrackingEvent.objects.order_by("id").first()
    assert event is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commerce_orderline SET order_id = %s WHERE id IN (%s, %s)",
            [missing_order, *lines],
        )
        cursor.execute(
            "UPDATE logistics_trackingevent SET parcel_id = %s WHERE id = %s",
            [event.parcel_id + 10_000, event.pk],
        )
    counts = _counts()
    assert counts["commerce_orderline.order_id"] == 2
    assert counts["logistics_trackingevent.parcel_id"] == 1
    assert sum(counts.values()) == 3
    with pytest.raises(CommandError, match="3 行"):
        call_command("import", "check", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["dangling"]["commerce_orderline.order_id → commerce_order"] == {
        "count": 2,
        "sample": [missing_order],
    }
