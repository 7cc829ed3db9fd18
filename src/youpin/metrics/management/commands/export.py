"""`youpin export parquet --out DIR [--chunk-rows N] [--json]`: snapshots for the metrics."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from youpin.metrics.export import DEFAULT_CHUNK_ROWS, export_parquet


class Command(BaseCommand):
    """Export the raw tables the metric definitions read as Parquet files."""

    help = "导出指标所需的原始表为 Parquet 快照：export parquet --out DIR"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the subcommand."""
        sub = parser.add_subparsers(dest="format", required=True)
        parquet = sub.add_parser("parquet", help="每张表一个 Parquet 文件（分块流式写出）")
        parquet.add_argument("--out", required=True, help="输出目录")
        parquet.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS)
        parquet.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the snapshots and report the rows per table."""
        done = export_parquet(Path(options["out"]), chunk_rows=options["chunk_rows"])
        if options["json"]:
            rows = [{"table": e.table, "rows": e.rows, "bytes": e.bytes} for e in done]
            self.stdout.write(json.dumps({"out": options["out"], "tables": rows}, indent=2))
            return
        for e in done:
            self.stdout.write(
                f"{e.table:<26} {e.rows:>12,} 行 {e.bytes / 1e6:>9.1f} MB {e.seconds:6.1f} 秒"
            )
        self.stdout.write(f"已写入 {options['out']}")
