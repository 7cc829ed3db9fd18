# An index on the sale time (payment, else order time) for the daily facts: one day's
# orders are found without reading the whole table (docs/FACTS.md, docs/BENCHMARKS.md).

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0005_foreign_keys_without_constraints"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("paid_at", "ordered_at"),
                name="order_sale_time",
            ),
        ),
    ]
