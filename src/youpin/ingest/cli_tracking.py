"""Command-line import of tracking (`youpin import tracking FILE`) and replay of pushes.

youpin import tracking scans.csv --mapping mapping.json [--provider csv] [--json]
youpin import tracking push.json                  # a saved Kuaidi100/Kdniao/WeChat push
youpin import tracking --replay [--status failed] [--since 2024-06-01] [--push 12 13]

After the batch (or the replay) the parcel facts of the days it touched and the
verification of their orders are refreshed, unless `--no-refresh` (youpin.facts.after_import).
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from youpin.core.progress import progress
from youpin.facts.after_import import TRACKING, ImportRefresh, after_batch
from youpin.ingest.models import ImportBatch, PushStatus
from youpin.ingest.tracking.files import TrackingImportReport, tracking_file_import
from youpin.ingest.tracking.pushes import (
    PUSH_PROVIDERS,
    UNAPPLIED,
    ReplayReport,
    push_replay,
    pushes_to_replay,
)
from youpin.ingest.tracking.service import TrackingIngestCounts

PROVIDER_CHOICES = ("auto", "kuaidi100", "kdniao", "wechat", "csv")
STATUS_CHOICES = ("unapplied", "failed", "received", "applied", "all")


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `import tracking`."""
    parser.add_argument("file", nargs="?", help="the file to import (CSV, XLSX or a saved push)")
    parser.add_argument(
        "--provider", choices=PROVIDER_CHOICES, default="auto", help="who wrote the file"
    )
    parser.add_argument("--mapping", type=Path, help="saved column mapping(s) for tables (JSON)")
    parser.add_argument("--json", action="store_true", dest="as_json", help="print a JSON report")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="do not refresh the facts and verification of the touched days afterwards",
    )
    replay = parser.add_argument_group("replaying stored pushes")
    replay.add_argument("--replay", action="store_true", help="parse and apply stored pushes again")
    replay.add_argument(
        "--status",
        choices=STATUS_CHOICES,
        default="unapplied",
        help="which pushes: unapplied (failed or never processed; default), failed, …",
    )
    replay.add_argument("--since", help="only pushes received from this date or time")
    replay.add_argument("--push", type=int, nargs="+", dest="push_ids", help="only these pushes")


def run(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Import one file, or replay stored pushes, and report."""
    if options.get("replay"):
        if options.get("file"):
            raise CommandError("--replay takes no FILE")
        _replay(options, stdout=stdout)
        return
    if not options.get("file"):
        raise CommandError("name a FILE to import, or use --replay")
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    mapping = _read_mapping(options.get("mapping"))
    with progress(path.stat().st_size, f"导入 {path.name}", unit="B", stream=sys.stderr) as bar:

        def advance(position: int, counts: TrackingIngestCounts) -> None:
            """Move the bar to the bytes read so far."""
            bar.update(max(position - bar.n, 0))
            bar.set_postfix(events=counts.events_received, refresh=False)

        report = tracking_file_import(
            path=path, provider=options.get("provider") or "auto", mapping=mapping,
            on_progress=advance,
        )  # fmt: skip
    batch = ImportBatch.objects.get(pk=report.batch_id)
    refresh = after_batch(
        kind=TRACKING, since=batch.started_at, batch=batch, refresh=not options.get("no_refresh")
    )
    if options.get("as_json"):
        data = {**report.as_dict(), "refresh": refresh.as_dict()}
        stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        stdout.write("\n".join([summary(report), *refresh_lines(refresh)]))
    if report.status != "succeeded" and not report.ingest.events_received:
        raise CommandError("；".join(report.errors) or "nothing could be imported")


def _read_mapping(path: Path | None) -> object:
    """The saved mapping(s) from a JSON file, or None."""
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read the mapping {path}: {exc}") from exc


def _since(text: str | None) -> datetime | None:
    """A date or date-time from the command line, in Asia/Shanghai when it has no offset."""
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"--since: not a date or time: {text!r}")
        moment = datetime.combine(day, time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _replay(options: dict[str, Any], *, stdout: OutputWrapper) -> None:
    """Replay the chosen stored pushes."""
    chosen = options.get("status") or "unapplied"
    statuses: tuple[str, ...] = {
        "unapplied": UNAPPLIED,
        "all": (PushStatus.FAILED, PushStatus.RECEIVED, PushStatus.APPLIED),
    }.get(chosen, (chosen,))
    provider = options.get("provider")
    ids = pushes_to_replay(
        statuses=statuses,
        since=_since(options.get("since")),
        provider=provider if provider in PUSH_PROVIDERS else None,
        ids=options.get("push_ids"),
    )
    started = timezone.now()
    report = push_replay(push_ids=ids)
    refresh = after_batch(
        kind=TRACKING, since=started, batch=None, refresh=not options.get("no_refresh")
    )
    if options.get("as_json"):
        data = {**report.as_dict(), "refresh": refresh.as_dict()}
        stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        stdout.write("\n".join([replay_summary(report), *refresh_lines(refresh)]))


def refresh_lines(refresh: ImportRefresh) -> list[str]:
    """What the refresh after the import did, in a line."""
    if refresh.status == "off":
        return ["未刷新事实表与核实（--no-refresh）：稍后运行 youpin facts refresh、trust refresh"]
    if refresh.status == "ok":
        return [
            f"已刷新 {refresh.days} 天的包裹事实表，重新核实订单 {refresh.verified_orders} 笔"
            f"（{refresh.seconds:.1f} 秒）"
        ]
    return [f"刷新未完成（导入已保存，下次定时刷新会补上）：{'；'.join(refresh.errors)}"]


def summary(report: TrackingImportReport) -> str:
    """A few lines in Chinese saying what an import did."""
    c = report.ingest
    lines = [
        f"导入批次 #{report.batch_id}：{report.file_name}（{report.provider}"
        + (f"，{report.encoding}" if report.encoding else "")
        + (f"，列映射「{report.mapping}」" if report.mapping else "")
        + "）",
        f"读取 {report.items_read} 条轨迹：新增 {c.events_created}，更新 {c.events_updated}，"
        f"已有 {c.events_unchanged}，拒收 {report.rejected_rows}"
        f"（其中快递公司未识别 {sum(c.unknown_carriers.values())}）",
        f"包裹：新建 {c.parcels_created}，涉及 {c.parcels_touched}，状态变化 {c.parcels_changed}",
        f"未识别状态 {c.unknown_status}，地点不在区划表 {c.places_unmatched}，"
        f"按上海时间补时区 {c.time_zone_assumed}，未来时间 {c.future}，"
        f"匹配站点 {c.stations_matched}",
        f"用时 {report.seconds:.1f} 秒（{report.events_per_second:,.0f} 条/秒）",
    ]
    if report.earlier_batch_id:
        lines.append(f"同一文件曾于批次 #{report.earlier_batch_id} 导入；重复的轨迹未改变数据")
    lines += [f"错误：{text}" for text in report.errors]
    if report.rejected_rows:
        lines.append(f"拒收的行已保存在批次 #{report.batch_id}，可在管理后台查看、修正后重新导入")
    return "\n".join(lines)


def replay_summary(report: ReplayReport) -> str:
    """A few lines in Chinese saying what a replay did."""
    lines = [
        f"重放推送 {report.pushes} 条：入库 {report.applied}，仍失败 {report.failed}",
        f"新增轨迹 {report.events_created}，更新 {report.events_updated}，"
        f"包裹状态变化 {report.parcels_changed}",
    ]
    lines += [
        f"  #{o['push']} {o['provider']} {o['status']} {o['reason']}".rstrip()
        for o in report.outcomes
        if o["status"] != PushStatus.APPLIED
    ][:50]
    return "\n".join(lines)
