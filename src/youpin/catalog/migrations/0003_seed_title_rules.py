"""Seed the title rules that class unmatched order lines as services (catalog.classify)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Copied here (not imported) so the migration keeps working if the module's list changes.
RULES = (
    ("门票", "service", 10),
    ("景区", "service", 20),
    ("一日游", "service", 10),
    ("旅游线路", "service", 10),
    ("跟团游", "service", 10),
    ("住宿", "service", 20),
    ("民宿", "service", 20),
    ("餐饮券", "service", 10),
    ("代金券", "service", 10),
    ("电子券", "service", 10),
    ("充值", "service", 10),
    ("话费", "service", 10),
    ("会员卡", "service", 20),
    ("虚拟", "service", 20),
    ("课程", "service", 30),
)


def seed(apps: Any, schema_editor: Any) -> None:
    """Create the rules that are missing."""
    rule = apps.get_model("catalog", "TitleRule")
    for word, item_class, priority in RULES:
        rule.objects.get_or_create(
            word=word, defaults={"item_class": item_class, "priority": priority}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    """Remove the seeded rules."""
    apps.get_model("catalog", "TitleRule").objects.filter(word__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_seller_identity_and_title_rules")]
    operations = [migrations.RunPython(seed, unseed)]
