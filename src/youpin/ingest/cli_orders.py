"""Command-line import of orders: `youpin import orders FILE` and `youpin import rejects BATCH`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import CommandError, OutputWrapper

from youpin.catalog.models import Merchant
from youpin.connectors.platforms import ColumnMapping
from youpin.core.progress import progress
from youpin.facts.after_import import ORDERS, after_batch
from youpin.ingest.batches import ImportRefused
from youpin.ingest.models import ImportBatch
from youpin.ingest.orders import PLATFORM_CHOICES, orders_import
from youpin.ingest.rejects import rejects_csv_bytes
from youpin.ingest.selectors import batch_summary


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `import orders`."""
    parser.add_argument("file", help="the export to import (CSV or XLSX)")
    parser.add_argument(
        "--platform",
        default="auto",
        choices=PLATFORM_CHOICES,
        help="platform or format of the file (default: detect from the header)",
    )
    parser.add_argument("--mapping", help="a saved column-mapping template (JSON)")
    parser.add_argument("--merchant", type=int, help="the merchant (id) the orders belong to")
    parser.add_argument("--json", action="store_true", dest="as_json", help="print a JSON report")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="do not refresh the facts and verification of the batch's days afterwards",
    )


def add_rejects_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `import rejects`."""
    parser.add_argument("batch_id", type=int, help="the import batch")
    parser.add_argument("--out", required=True, help="the CSV file to write (UTF-8 with BOM)")


def add_worker_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `import worker`."""
    parser.add_argument("--once", action="store_true", help="stop when no batch is waiting")
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks")


def _mapping(path: str | None) -> ColumnMapping | None:
    """The column-mapping template named on the command line."""
    if not path:
        return None
    try:
        return ColumnMapping.from_json(Path(path).read_bytes())
    except OSError as exc:
        raise CommandError(f"无法读取列映射模板 {path}：{exc.strerror}") from exc
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _merchant(merchant_id: int | None) -> Merchant | None:
    """The merchant named on the command line."""
    if merchant_id is None:
        return None
    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is None:
        raise CommandError(f"商户 {merchant_id} 不存在")
    return merchant


def run(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Import one file and report; exit non-zero when the file is refused."""
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    mapping = _mapping(options.get("mapping"))
    merchant = _merchant(options.get("merchant"))
    terminal = cast(TextIO, stderr._out)
    with progress(None, "导入订单", stream=terminal) as bar, path.open("rb") as stream:
        done = [0]

        def advance(rows: int) -> None:
            """Move the bar to `rows` rows read."""
            bar.update(rows - done[0])
            done[0] = rows

        try:
            batch = orders_import(
                stream=stream,
                file_name=path.name,
                platform=options.get("platform") or "auto",
                mapping=mapping,
                merchant=merchant,
                progress=advance,
            )
        except ImportRefused as exc:
            if options.get("as_json") and exc.batch is not None:
                stdout.write(json.dumps(batch_summary(exc.batch), ensure_ascii=False, indent=2))
            raise CommandError(exc.message) from exc
    after_batch(
        kind=ORDERS, since=batch.started_at, batch=batch, refresh=not options.get("no_refresh")
    )
    if options.get("as_json"):
        stdout.write(json.dumps(batch_summary(batch), ensure_ascii=False, indent=2))
        return
    stdout.write(summary_text(batch))


def summary_text(batch: ImportBatch) -> str:
    """The few lines a person reads after an import."""
    report = batch.report or {}
    lines = [
        f"批次 #{batch.pk}：{report.get('label') or batch.format}（{batch.format}），"
        f"状态 {batch.get_status_display()}",
        f"读取 {batch.rows_read} 行：新增 {batch.created}，更新 {batch.updated}，"
        f"未变 {batch.unchanged}，拒收 {batch.rejected} 行",
    ]
    for code, count in sorted((report.get("rejects_by_code") or {}).items()):
        lines.append(f"  拒收 {code}：{count} 行")
    if batch.rejected:
        lines.append(f"导出拒收行：youpin import rejects {batch.pk} --out 拒收行.csv")
    for warning in (report.get("warnings") or [])[:10]:
        where = f"第 {warning['row']} 行：" if warning.get("row") else ""
        lines.append(f"  提示 {where}{warning['text']}")
    if batch.error:
        lines.append(f"错误：{batch.error}")
    lines += refresh_lines(report.get("refresh"))
    return "\n".join(lines)


def refresh_lines(refresh: dict[str, Any] | None) -> list[str]:
    """What the refresh after the batch did, in a line or two."""
    if not refresh:
        return []
    if refresh.get("status") == "off":
        return ["未刷新事实表与核实（--no-refresh）：稍后运行 youpin facts refresh、trust refresh"]
    line = (
        f"已刷新 {refresh.get('days', 0)} 天的事实表，重新核实订单 "
        f"{refresh.get('verified_orders', 0)} 笔（{refresh.get('seconds', 0)} 秒）"
    )
    if refresh.get("status") == "ok":
        return [line]
    errors = "；".join(refresh.get("errors") or [])
    return [f"刷新未完成（导入已保存，下次定时刷新会补上）：{errors}"]


def rejects_run(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Write a batch's rejected rows as a CSV to fix and import again."""
    batch = ImportBatch.objects.filter(pk=options["batch_id"]).first()
    if batch is None:
        raise CommandError(f"批次 {options['batch_id']} 不存在")
    data = rejects_csv_bytes(batch)
    Path(options["out"]).write_bytes(data)
    stdout.write(f"已写出批次 #{batch.pk} 的 {batch.rejected} 行拒收行到 {options['out']}")


def worker_run(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run uploaded batches as they arrive (and resume those whose process died)."""
    from youpin.ingest.background import worker_loop

    done = worker_loop(
        once=options.get("once", False), poll_seconds=options["poll"], report=stdout.write
    )
    stdout.write(f"共处理 {done} 个批次")
