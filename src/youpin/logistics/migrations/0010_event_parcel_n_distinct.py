"""PostgreSQL: declare how many distinct parcels the tracking events hold (about 1 in 7 rows).

ANALYZE estimates `parcel_id`'s distinct values from a sample, and on a large table it
underestimates them badly (578,355 for the 10 million parcels of 50 million events at demo
scale 100), so the planner expected ~90 events per parcel and answered a day's parcel
facts with a hash join over every event (30 s) instead of the (parcel_id, …) index
(docs/BENCHMARKS.md, "Scale 100 with 50 M events"). A negative n_distinct is a share of
the rows, so the declaration holds as the table grows; the next ANALYZE applies it.
Carriers send about 5 to 10 events per parcel (the demo 5). SQLite has no such setting.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SHARE = -0.15  # distinct parcels ÷ events, as PostgreSQL's n_distinct (negative: a share)


def declare(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Set the column's n_distinct on PostgreSQL and analyse the table."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE logistics_trackingevent ALTER COLUMN parcel_id SET (n_distinct = {SHARE})"
    )
    schema_editor.execute("ANALYZE logistics_trackingevent")


def undeclare(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Let ANALYZE estimate it again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE logistics_trackingevent ALTER COLUMN parcel_id RESET (n_distinct)"
    )


class Migration(migrations.Migration):
    dependencies = [("logistics", "0009_facts_day_indexes")]

    operations = [migrations.RunPython(declare, undeclare)]
