"""`youpin metrics run --engine db|duckdb|spark [--parquet DIR] [--years 2021-2025] [--json]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.metrics.definitions import METRICS
from youpin.metrics.engines import ENGINES
from youpin.metrics.runner import run_as_json, timed_run


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
        run.add_argument("--years", help="2025 或 2021-2025（默认：数据覆盖的全部年份）")
        run.add_argument("--metric", action="append", help=f"只算这些指标：{', '.join(METRICS)}")
        run.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run and print the metrics."""
        names = None
        if options["metric"]:
            names = [n.strip() for m in options["metric"] for n in m.split(",") if n.strip()]
        try:
            run, wall, _cpu = timed_run(
                options["engine"],
                parquet_dir=Path(options["parquet"]) if options["parquet"] else None,
                years=parse_years(options["years"]),
                names=names,
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
