"""`youpin demo-data --seed 1 --scale 1.0 [--force] [--json]`: load the synthetic demo dataset."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.demo.services import DemoDataRefused, DemoSummary, demo_data_load


class Command(BaseCommand):
    """Load the synthetic demo dataset (flagged as demo) and print the demo logins."""

    help = "加载合成演示数据（全部标记为演示数据）并打印演示账户。scale 1.0 ≈ 10 万笔订单。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """--seed, --scale, --force, --json."""
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模，1.0 ≈ 10 万笔订单（默认 1.0）"
        )
        parser.add_argument("--force", action="store_true", help="删除已有演示数据并重新生成")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出概要")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the load and report it."""
        try:
            summary = demo_data_load(
                seed=options["seed"],
                scale=options["scale"],
                force=options["force"],
                progress_stream=sys.stderr,
            )
        except DemoDataRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
            return
        self._print(summary)

    def _print(self, summary: DemoSummary) -> None:
        """Human-readable summary: what happened, counts per table, logins."""
        out = self.stdout
        if summary.generated:
            out.write(
                self.style.SUCCESS(
                    f"演示数据已生成：seed={summary.seed} scale={summary.scale:g}，"
                    f"用时 {summary.seconds:.1f} 秒"
                )
            )
        else:
            out.write(
                f"演示数据已加载（already loaded）：seed={summary.seed} "
                f"scale={summary.scale:g}，未做改动。"
            )
        for name, count in summary.counts.items():
            out.write(f"  {name:<32} {count:>10,}")
        if summary.net_sales_by_year:
            out.write(
                "  网络零售净额（元）: "
                + "  ".join(f"{y}: {v}" for y, v in summary.net_sales_by_year.items())
            )
        if summary.collected_by_year:
            out.write(
                "  中卫揽收包裹（件）: "
                + "  ".join(f"{y}: {n:,}" for y, n in summary.collected_by_year.items())
            )
        out.write("")
        out.write(
            self.style.WARNING(
                "以下为演示账户（demo accounts），密码公开，仅供演示，切勿用于真实数据："
            )
        )
        for login in summary.logins:
            out.write(
                f"  {login.username:<18} {login.password:<20} {login.role:<16} {login.description}"
            )
