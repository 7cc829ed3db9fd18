"""`youpin delivery demo [--days N] [--seconds S] [--force]`: the joint-delivery demo data."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from youpin.delivery.demo import delivery_demo_load


class Command(BaseCommand):
    """Create the synthetic hubs, fleet and lines and plan the demo's last days."""

    help = "共同配送演示数据（合成）：各县共配中心、车队、两条班线，并计划演示数据的最后几天。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """`demo` and its options."""
        parser.add_argument("action", choices=["demo"])
        parser.add_argument("--days", type=int, default=2, help="计划最后几天（默认 2）")
        parser.add_argument("--seconds", type=float, default=1.0, help="每个计划的求解时限")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="删除演示共配数据后重建")

    def handle(self, *args: Any, **options: Any) -> None:
        """Load and report."""
        if settings.PRODUCTION:
            raise CommandError("演示数据不能在生产环境加载")
        plans = delivery_demo_load(
            days=options["days"],
            seconds=options["seconds"],
            seed=options["seed"],
            force=options["force"],
        )
        if not plans:
            self.stdout.write("没有演示站点：请先运行 youpin demo-data")
            return
        for plan in plans:
            saving = (plan.comparison or {}).get("saving", {}).get("km")
            pct = f"{saving:.1%}" if saving is not None else "—"
            self.stdout.write(
                f"  {plan.day} {plan.hub.name}：{plan.parcels_total} 件，"
                f"{plan.vehicles_used} 辆车，{plan.distance_m / 1000:.1f} km，节省里程 {pct}"
            )
