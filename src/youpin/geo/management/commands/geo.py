"""`geo` management command: `geo resolve TEXT [--json]` and `geo load [--divisions CSV]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.geo.divisions import DivisionTable
from youpin.geo.resolver import Resolution, resolve_address
from youpin.geo.selectors import division_table
from youpin.geo.services import SHIPPED_BOUNDARIES, SHIPPED_DIVISIONS, divisions_load


def _table() -> DivisionTable:
    """The divisions loaded in the database, or the shipped table before any are loaded."""
    return division_table()


def _candidates(codes: tuple[str, ...]) -> str:
    """Ambiguous candidates as `code name` pairs."""
    table = _table()
    return ", ".join(f"{code} {getattr(table.get(code), 'name', '?')}" for code in codes)


def _human(result: Resolution) -> str:
    """One readable line: code, level, names, detail, confidence and flags."""
    if not result.found:
        return "未能解析：没有找到任何区划"
    names = [
        n
        for n in (result.province, result.city, result.county, result.township, result.village)
        if n
    ]
    parts = [result.code or "—", result.level or "—", " ".join(names) or "—"]
    if result.detail:
        parts.append(f"详细地址：{result.detail}")
    parts.append(f"置信度 {result.confidence:.2f}")
    if result.outside:
        parts.append("区外")
    if result.ambiguous:
        parts.append("有歧义：" + _candidates(result.ambiguous))
    return " | ".join(parts)


class Command(BaseCommand):
    """Geography tools for the command line."""

    help = (
        "Geography tools. `geo resolve TEXT [--json]` resolves an address to NBS divisions; "
        "`geo load` loads a division table and county polygons (idempotent)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the subcommands."""
        actions = parser.add_subparsers(dest="action", required=True)
        resolve = actions.add_parser("resolve", help="resolve an address to its divisions")
        resolve.add_argument("text", help="the address, e.g. 宁夏中卫中宁县鸣沙镇鸣沙村3组")
        resolve.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object"
        )

        load = actions.add_parser("load", help="load divisions and county polygons (idempotent)")
        load.add_argument(
            "--divisions",
            type=Path,
            default=SHIPPED_DIVISIONS,
            help="CSV with code,name,level,parent_code (default: Zhongwei, NBS 2023)",
        )
        load.add_argument(
            "--boundaries",
            type=Path,
            default=SHIPPED_BOUNDARIES,
            help="GeoJSON of county polygons with property gb = 156 + county code",
        )
        load.add_argument("--no-boundaries", action="store_true", help="load divisions only")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the chosen subcommand."""
        if options["action"] == "resolve":
            self._resolve(options["text"], as_json=options["as_json"])
        elif options["action"] == "load":
            self._load(
                options["divisions"], None if options["no_boundaries"] else options["boundaries"]
            )

    def _load(self, divisions: Path, boundaries: Path | None) -> None:
        """Load a division table; report what changed."""
        for path in (divisions, boundaries):
            if path is not None and not path.is_file():
                raise CommandError(f"file not found: {path}")
        try:
            report = divisions_load(csv_path=divisions, geojson_path=boundaries)
        except ValueError as exc:
            raise CommandError(f"cannot load {divisions}: {exc}") from exc
        self.stdout.write(
            f"区划：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}；"
            f"县界多边形更新 {report.boundaries}"
        )

    def _resolve(self, text: str, *, as_json: bool) -> None:
        """Print the resolution; exit with status 1 when nothing was found."""
        result = resolve_address(text, _table())
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(_human(result))
        if not result.found:
            raise CommandError(f"no division found in {text!r}", returncode=1)
