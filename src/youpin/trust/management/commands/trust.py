"""`youpin trust refresh [--since ISO] [--now ISO] [--json]`: verify orders by their parcels."""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from youpin.core.periods import SHANGHAI
from youpin.trust.models import OrderVerification
from youpin.trust.services import verification_refresh


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
        refresh.add_argument("--now", type=_moment, help="the clock for deadlines (default now)")
        refresh.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the refresh and report what it did."""
        result = verification_refresh(options.get("since"), now=options.get("now"))
        states = dict(
            OrderVerification.objects.order_by().values_list("state").annotate(n=Count("pk"))
        )
        data = {
            "full": result.full,
            "orders": result.orders,
            "states": states,
            "open_signals": result.signals_open,
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
