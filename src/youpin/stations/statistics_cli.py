"""Command line of `youpin kpi stations`: the station network and village coverage."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, OutputWrapper

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.stations.statistics import stations_report


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `kpi stations`."""
    parser.add_argument("--county", help="6- or 12-digit NBS code of one county")
    parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")


def render_text(report: dict[str, Any]) -> str:
    """The report as short Chinese text."""
    cov, town = report["coverage"], report["township_stations"]
    pct = "—" if cov["coverage_pct"] is None else f"{cov['coverage_pct']}%"
    lines = [
        f"站点网络 · {report['region']['name']}",
        f"  运营中服务点 {report['stations']['active']} 个："
        + "，".join(f"{k} {n}" for k, n in report["stations"]["by_kind"].items()),
        f"  乡镇兴农超市 {town['active']} / {town['target']}（{town['progress_pct']}%）",
        f"  行政村覆盖 {cov['covered']} / {cov['villages']}（{pct}），未覆盖 {cov['uncovered']} 个",
        "",
        "按县区：",
    ]
    for row in cov["by_county"]:
        row_pct = "—" if row["coverage_pct"] is None else f"{row['coverage_pct']}%"
        lines.append(f"  {row['name']}\t{row['covered']}/{row['villages']}\t{row_pct}")
    lines += ["", "口径：" + cov["definition"]]
    return "\n".join(lines)


def run(options: dict[str, Any], *, stdout: OutputWrapper) -> None:
    """Compute the figures with the operator's scope and print them."""
    try:
        report = stations_report(Scope(role=Role.OPERATOR), county=options.get("county"))
    except (ValueError, PermissionDenied) as exc:
        raise CommandError(str(exc)) from exc
    if options.get("as_json"):
        stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        stdout.write(render_text(report))
