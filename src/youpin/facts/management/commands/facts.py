"""`youpin facts refresh [--since DATE | --days D,… | --full] [--wait S] [--no-warm] [--json]`,
`facts status`.

One refresh at a time: while another holds the lock the command waits `--wait` seconds
(0 by default), then says so and exits 0 without doing anything (cron runs it again).
After a refresh the cockpit's forecast fits are warmed (`youpin.cockpit.warm`) so the first
cockpit page of a process does not fit them; `--no-warm` skips that.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.cockpit.warm import WarmResult, warm
from youpin.core.joblock import JobBusy
from youpin.facts.days import parse_day
from youpin.facts.refresh import (
    RefreshResult,
    facts_rebuild,
    facts_refresh,
    facts_refresh_days,
    facts_refresh_since,
)
from youpin.facts.selectors import facts_state


class Command(BaseCommand):
    """Fill the daily fact tables from the raw rows."""

    help = "Daily facts: `facts refresh` (incremental), `--since DATE`, `--full`; `facts status`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the subcommands."""
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="刷新每日事实表（默认只算有变动的日期）")
        refresh.add_argument("--since", help="从该日（YYYY-MM-DD）起全部重算")
        refresh.add_argument("--days", help="只重算这些日期（逗号分隔）")
        refresh.add_argument("--full", action="store_true", help="清空后全部重建")
        refresh.add_argument(
            "--check",
            action="store_true",
            help="另按更新时间全表查找变动的订单与包裹（完整检查，较慢）",
        )
        refresh.add_argument(
            "--wait", type=float, default=0.0, help="等待正在运行的刷新结束的秒数（默认不等，跳过）"
        )
        refresh.add_argument(
            "--no-warm", action="store_true", help="刷新后不预先计算驾驶舱的预测（默认计算并保存）"
        )
        refresh.add_argument("--json", action="store_true")
        status = sub.add_parser("status", help="最近一次刷新")
        status.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the chosen subcommand."""
        if options["action"] == "status":
            self._status(options["json"])
            return
        chosen = [k for k in ("since", "days", "full", "check") if options.get(k)]
        if len(chosen) > 1:
            raise CommandError("--since、--days、--full 与 --check 只能选一个")
        wait = options["wait"]
        try:
            if options["full"]:
                result = facts_rebuild(wait=wait)
            elif options["since"]:
                result = facts_refresh_since(parse_day(options["since"]), wait=wait)
            elif options["days"]:
                days = [parse_day(d.strip()) for d in options["days"].split(",") if d.strip()]
                result = facts_refresh_days(days, wait=wait)
            else:
                result = facts_refresh(wait=wait, check=bool(options["check"]))
        except JobBusy as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"skipped": "busy"}, ensure_ascii=False))
            else:
                self.stdout.write(f"{exc}，本次跳过")
            return
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["json"]:
            self._print(result)
        warmed = None if options["no_warm"] else self._warm()
        if options["json"]:
            data = result.as_dict()
            if warmed is not None:
                data["warm"] = warmed.as_dict()
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        elif warmed is not None:
            self.stdout.write(warmed.line())

    def _warm(self) -> WarmResult:
        """Store the cockpit's default forecast fits; a failure is the command's error."""
        try:
            return warm()
        except Exception as exc:  # the refresh is committed: say so, and fail for cron's log
            reason = f"{type(exc).__name__}: {exc}"
            raise CommandError(f"事实表已刷新，但预测预热失败：{reason}") from exc

    def _print(self, result: RefreshResult) -> None:
        """Print what the refresh did."""
        self.stdout.write(f"刷新方式：{result.mode}，用时 {result.seconds:.2f} 秒")
        for table, rows in result.rows.items():
            self.stdout.write(f"  {table:9} 天数 {result.days.get(table, 0):6}  行数 {rows}")

    def _status(self, as_json: bool) -> None:
        """Print the refresh state."""
        state = facts_state()
        data: dict[str, Any] = {"refreshed_at": None}
        if state is not None:
            data = {
                "refreshed_at": state.refreshed_at.isoformat() if state.refreshed_at else None,
                "mode": state.last_mode,
                "days": state.last_days,
                "seconds": round(state.last_seconds, 3),
                "rows_changed_since": (
                    state.rows_changed_since.isoformat() if state.rows_changed_since else None
                ),
                "last_event_id": state.last_event_id,
            }
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        if data["refreshed_at"] is None:
            self.stdout.write("尚未刷新过：运行 youpin facts refresh")
            return
        for key, value in data.items():
            self.stdout.write(f"{key}: {value}")
