"""Sales facts split their net by verification state; every existing sales day is queued.

The new columns start at zero; the days already in the sales facts go to the `ChangedDay`
ledger, so the next `youpin facts refresh` fills them (no raw table is read here).
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def queue_sales_days(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Mark every day of the sales facts for the next refresh."""
    sales = apps.get_model("facts", "SalesFact")
    ledger = apps.get_model("facts", "ChangedDay")
    days = sales.objects.order_by().values_list("day", flat=True).distinct()
    ledger.objects.bulk_create([ledger(table="sales", day=d) for d in days], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("facts", "0002_changed_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="salesfact",
            name="suspicious_fen",
            field=models.BigIntegerField(default=0, verbose_name="其中可疑净额（分）"),
        ),
        migrations.AddField(
            model_name="salesfact",
            name="unverified_fen",
            field=models.BigIntegerField(default=0, verbose_name="其中未核实净额（分）"),
        ),
        migrations.AddField(
            model_name="salesfact",
            name="verified_fen",
            field=models.BigIntegerField(default=0, verbose_name="其中已核实净额（分）"),
        ),
        migrations.AddField(
            model_name="salesfact",
            name="verified_orders",
            field=models.IntegerField(default=0, verbose_name="已核实订单数（每单计一次）"),
        ),
        migrations.AddField(
            model_name="salesplacefact",
            name="suspicious_fen",
            field=models.BigIntegerField(default=0, verbose_name="其中可疑净额（分）"),
        ),
        migrations.AddField(
            model_name="salesplacefact",
            name="unverified_fen",
            field=models.BigIntegerField(default=0, verbose_name="其中未核实净额（分）"),
        ),
        migrations.AddField(
            model_name="salesplacefact",
            name="verified_fen",
            field=models.BigIntegerField(default=0, verbose_name="其中已核实净额（分）"),
        ),
        migrations.AddField(
            model_name="salesplacefact",
            name="verified_orders",
            field=models.IntegerField(default=0, verbose_name="已核实订单数（每单计一次）"),
        ),
        migrations.RunPython(queue_sales_days, migrations.RunPython.noop),
    ]
