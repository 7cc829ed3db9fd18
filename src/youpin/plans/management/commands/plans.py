"""`youpin plans load [FILE]`, `youpin plans show [--year Y] [--json]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.plans.loader import DEFAULT_PLAN_FILE
from youpin.plans.selectors import plan_default, target_path
from youpin.plans.services import plan_load


class Command(BaseCommand):
    """Load a plan file, or print the default plan's targets and yearly paths."""

    help = "Plans as data: `plans load [FILE]` (idempotent) and `plans show`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the subcommands."""
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入规划文件（JSON，默认中卫2021—2025）")
        load.add_argument("file", nargs="?", default=str(DEFAULT_PLAN_FILE))
        show = sub.add_parser("show", help="列出默认规划的目标与逐年路径")
        show.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the chosen subcommand."""
        if options["action"] == "load":
            try:
                loaded = plan_load(path=Path(options["file"]))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"已载入：{loaded.name}（{loaded.targets.count()} 项目标）")
            return
        plan = plan_default()
        if plan is None:
            raise CommandError("尚无规划：请先运行 youpin plans load")
        rows: list[dict[str, Any]] = [
            {
                "code": t.code,
                "name": t.name,
                "unit": t.unit,
                "measure": t.measure,
                "path": {str(y): str(v) for y, v in target_path(t).items()},
            }
            for t in plan.targets.all()
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"plan": plan.slug, "targets": rows}, ensure_ascii=False))
            return
        self.stdout.write(f"{plan.name} {plan.document}")
        for r in rows:
            path = "  ".join(f"{y}:{v}" for y, v in r["path"].items())
            self.stdout.write(f"{r['code']:5} {r['name']} [{r['unit']}] {path}")
