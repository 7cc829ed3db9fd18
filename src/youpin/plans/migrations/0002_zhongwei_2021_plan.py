"""Ship the Zhongwei 2021–2025 plan (卫商发〔2021〕69号) as the default plan."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    """Write the plan file with the historical models (idempotent upsert)."""
    from youpin.plans.loader import read_plan, write_plan

    write_plan(
        read_plan(),
        apps.get_model("plans", "Plan"),
        apps.get_model("plans", "Target"),
        apps.get_model("plans", "TargetYear"),
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
