"""`youpin trust refresh [--since ISO | --changed] [--now ISO] [--wait S] [--json]`.

Verify orders by their parcels and raise brushing signals. `--changed` (what cron runs)
recomputes what changed since the previous `--changed` run; without `--since`/`--changed`
everything is recomputed. One run at a time: while another holds the lock the command
waits `--wait` seconds (0 by default), then says so and exits 0 without doing anything.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from youpin.core.joblock import JobBusy
from youpin.core.periods import SHANGHAI
from youpin.trust.models import OrderVerification
from youpin.trust.services import verification_refresh, verification_refresh_changed


def _moment(text: str) -> datetime:
    """An ISO date-time; without an offset it is read in Asia/Shanghai."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ArgumentTypeError(f"时间格式应为 ISO 8601：{text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


class Command(BaseCommand):
    """Order verification and brushing signals."""

    help = "订单核实与刷单信号：trust refresh（全部或 --since 之后变化的数据）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare `refresh`."""
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="recompute verification states and signals")
        refresh.add_argument("--since", type=_moment, help="only data changed since this time")
        refresh.add_argument(
            "--changed",
            action="store_true",
            help="only what changed since the previous --changed run (all the first time)",
        )
        refresh.add_argument("--now", type=_moment, help="the clock for deadlines (default now)")
        refresh.add_argument(
            "--wait", type=float, default=0.0, help="seconds to wait for a running refresh"
        )
        refresh.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the refresh and report what it did."""
        if options.get("changed") and options.get("since"):
            raise CommandError("--since 与 --changed 只能选一个")
        try:
            if options.get("changed"):
                result = verification_refresh_changed(now=options.get("now"), wait=options["wait"])
            else:
                result = verification_refresh(
                    options.get("since"), now=options.get("now"), wait=options["wait"]
                )
        except JobBusy as exc:
            if options.get("as_json"):
                self.stdout.write(json.dumps({"skipped": "busy"}, ensure_ascii=False))
            else:
                self.stdout.write(f"{exc}，本次跳过")
            return
        states = dict(
            OrderVerification.objects.order_by().values_list("state").annotate(n=Count("pk"))
        )
        data = {
            "full": result.full,
            "orders": result.orders,
            "states": states,
            "open_signals": result.signals_open,
            "sale_days_changed": len(result.changed_days),
            "seconds": result.timings,
            "at": timezone.now().isoformat(),
        }
        if options.get("as_json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        kind = "全部重算" if result.full else "增量"
        self.stdout.write(
            f"{kind}：处理订单 {result.orders:,}；已核实 {states.get('verified', 0):,}，"
            f"未核实 {states.get('unverified', 0):,}，可疑 {states.get('suspicious', 0):,}；"
            f"待审核信号 {result.signals_open:,}；用时 {sum(result.timings.values()):.1f} 秒"
        )
        if result.changed_days:
            self.stdout.write(
                f"核实状态有变化的销售日 {len(result.changed_days):,} 天，"
                "已登记，待下次 youpin facts refresh 重算销售事实"
            )
