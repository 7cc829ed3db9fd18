"""`youpin metrics run|materialize`: the metric set on an engine; its daily layer as Parquet.

youpin metrics run --engine db|duckdb|spark [--parquet DIR] [--from raw|layer]
                   [--years 2021-2025] [--metric …] [--json]
youpin metrics materialize --engine db|duckdb|spark [--parquet DIR] [--out DIR]
                   [--days 2025-12-30,2025-12-31 | --since 2025-12-01] [--json]
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from youpin.metrics.definitions import METRICS, days_from_civil
from youpin.metrics.engines import ENGINES
from youpin.metrics.runner import SOURCES, layer_materialize, run_as_json, timed_run

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _day_number(text: str) -> int:
    """`2025-12-31` as a day number (days since 1970-01-01)."""
    try:
        y, m, d = (int(x) for x in text.strip().split("-"))
        date(y, m, d)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 2025-12-31：{text!r}") from exc
    return days_from_civil(y, m, d)


def parse_days(days: str | None, since: str | None) -> tuple[int, ...] | None:
    """`--days D,…` or `--since D` (every day from D to today, Shanghai) as day numbers."""
    if days and since:
        raise CommandError("--days 与 --since 只能选一个")
    if days:
        return tuple(sorted({_day_number(d) for d in days.split(",") if d.strip()}))
    if since:
        today = datetime.now(SHANGHAI).date()
        last = days_from_civil(today.year, today.month, today.day)
        return tuple(range(_day_number(since), last + 1))
    return None


def parse_years(text: str | None) -> tuple[int, int] | None:
    """`2025` or `2021-2025` as (first, last); None for all years with data."""
    if not text:
        return None
    first, _, last = text.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError as exc:
        raise CommandError(f"年份格式应为 2025 或 2021-2025：{text!r}") from exc
    if not 2000 <= span[0] <= span[1] <= 2100:
        raise CommandError(f"年份应在 2000–2100 之间且先小后大：{text!r}")
    return span


class Command(BaseCommand):
    """Run the metric set (defined once with Ibis) on one engine."""

    help = "指标引擎：metrics run --engine db|duckdb|spark [--parquet DIR] [--json]"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the subcommand."""
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="在一个引擎上计算全部指标")
        run.add_argument("--engine", choices=ENGINES, default="db")
        run.add_argument("--parquet", help="youpin export parquet 写出的目录（duckdb、spark）")
        run.add_argument(
            "--from",
            dest="source",
            choices=SOURCES,
            default="raw",
            help="raw：从原始表计算；layer：从 metrics materialize 写出的日层汇总",
        )
        run.add_argument("--years", help="2025 或 2021-2025（默认：数据覆盖的全部年份）")
        run.add_argument("--metric", action="append", help=f"只算这些指标：{', '.join(METRICS)}")
        run.add_argument("--json", action="store_true")
        mat = sub.add_parser("materialize", help="由原始表计算指标日层并写成 Parquet")
        mat.add_argument("--engine", choices=ENGINES, default="duckdb")
        mat.add_argument("--parquet", help="原始表的 Parquet 目录（duckdb、spark）")
        mat.add_argument("--out", help="日层写到哪里（默认：--parquet 目录）")
        mat.add_argument("--years", help="2021-2025（默认：数据覆盖的全部年份）")
        mat.add_argument("--days", help="只重算这些日（上海日历）：2025-12-30,2025-12-31")
        mat.add_argument("--since", help="重算从这天到今天的每一天：2025-12-01")
        mat.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run and print the metrics, or write their daily layer."""
        if options["action"] == "materialize":
            self._materialize(options)
            return
        names = None
        if options["metric"]:
            names = [n.strip() for m in options["metric"] for n in m.split(",") if n.strip()]
        try:
            run, wall, _cpu = timed_run(
                options["engine"],
                parquet_dir=Path(options["parquet"]) if options["parquet"] else None,
                years=parse_years(options["years"]),
                names=names,
                source=options["source"],
            )
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            doc = run_as_json(run, seconds=wall)
            self.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False))
            return
        p = run.params
        self.stdout.write(
            f"引擎 {run.engine}  地区 {p.region_prefix}  年份 {p.first_year}–{p.last_year}"
            f"  用时 {wall:.2f} 秒"
        )
        for name, rows in run.results.items():
            self.stdout.write(f"\n== {name}（{len(rows)} 行）")
            if rows:
                self.stdout.write("  ".join(rows[0]))
            for row in rows:
                self.stdout.write("  ".join("" if v is None else str(v) for v in row.values()))

    def _materialize(self, options: dict[str, Any]) -> None:
        """Compute the daily layer and write it; print its rows."""
        days = parse_days(options["days"], options["since"])
        started = time.perf_counter()
        try:
            info = layer_materialize(
                options["engine"],
                parquet_dir=Path(options["parquet"]) if options["parquet"] else None,
                out_dir=Path(options["out"]) if options["out"] else None,
                years=parse_years(options["years"]),
                days=days,
            )
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        wall = time.perf_counter() - started
        if options["json"]:
            doc = {**info.as_json(), "days": len(days) if days else None, "seconds": wall}
            self.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False))
            return
        what = f"{len(days)} 天" if days else "全部"
        self.stdout.write(
            f"指标日层（{what}，引擎 {info.engine}）{info.first_year}–{info.last_year}"
            f"  用时 {wall:.2f} 秒"
        )
        for attr, n in info.rows.items():
            self.stdout.write(f"  {attr:<10} {n:>10,} 行")
