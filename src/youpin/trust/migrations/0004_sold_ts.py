"""OrderVerification.sold_ts: the sale time (payment, else order time) in Unix seconds.

Existing rows are filled from their orders, so a later change of state can name the sales
facts' day it affects (`trust.refresh.set_states`).
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Copy each row's sale time from its order, as Unix seconds."""
    sold = "COALESCE(o.paid_at, o.ordered_at)"
    if schema_editor.connection.vendor == "postgresql":
        seconds = f"CAST(EXTRACT(EPOCH FROM {sold}) AS BIGINT)"
    else:
        seconds = f"CAST(strftime('%s', {sold}) AS INTEGER)"
    with schema_editor.connection.cursor() as cursor:  # no parameters: `%s` is strftime's
        cursor.execute(
            f"UPDATE trust_orderverification SET sold_ts = (SELECT {seconds}"
            " FROM commerce_order o WHERE o.id = trust_orderverification.order_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0003_trust_state"),
        ("commerce", "0006_order_sale_time_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderverification",
            name="sold_ts",
            field=models.BigIntegerField(
                null=True, verbose_name="销售时间（Unix 秒，付款时间，无则下单时间）"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
