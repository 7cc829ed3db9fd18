# One day's rows for the daily facts without reading whole tables (docs/FACTS.md): the
# station index gains the event time (replacing it: no new index on the events), and
# delivered parcels get a partial index on their delivery time.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0008_foreign_keys_without_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="trackingevent",
            name="tracking_event_station",
        ),
        migrations.AddIndex(
            model_name="trackingevent",
            index=models.Index(
                condition=models.Q(("station__isnull", False)),
                fields=["station", "occurred_at"],
                name="tracking_event_station_time",
            ),
        ),
        migrations.AddIndex(
            model_name="parcel",
            index=models.Index(
                condition=models.Q(("delivered_at__isnull", False)),
                fields=["delivered_at"],
                name="parcel_delivered_at",
            ),
        ),
    ]
