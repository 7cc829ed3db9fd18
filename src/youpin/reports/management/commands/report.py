"""`youpin report monthly --month 2025-06 [--county CODE] [--out DIR] [--format xlsx|pdf|both]`.

Writes the monthly report for the leading group's office, in the operator's view (the whole
city, or one county), into a directory (the current one by default).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.reports.files import FORMATS, report_file
from youpin.reports.monthly import monthly_report
from youpin.reports.periods import ReportPeriodError, month_parse, previous_month
from youpin.reports.region import ReportQueryError


class Command(BaseCommand):
    """Generate reports."""

    help = (
        "月度报告：`report monthly --month 2025-06 [--county 640521] [--out DIR] [--format both]`"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the subcommand and its options."""
        sub = parser.add_subparsers(dest="kind", required=True)
        monthly = sub.add_parser("monthly", help="领导小组办公室月度报告（XLSX 表格、PDF 图文）")
        monthly.add_argument("--month", help="报告月份 YYYY-MM（默认上月）")
        monthly.add_argument("--county", help="只报一个县区（6 位或 12 位区划代码）")
        monthly.add_argument("--out", default=".", help="输出目录（默认当前目录）")
        monthly.add_argument(
            "--format", choices=[*FORMATS, "both"], default="both", help="输出格式（默认两种）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Build the report once and write each format asked for."""
        try:
            month = (
                month_parse(options["month"])
                if options.get("month")
                else previous_month(timezone.localdate())
            )
            report = monthly_report(Scope(role=Role.OPERATOR), month, options.get("county"))
        except (ReportPeriodError, ReportQueryError) as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        formats = FORMATS if options["format"] == "both" else (options["format"],)
        for fmt in formats:
            written = report_file(report, fmt)
            path = out / written.filename
            path.write_bytes(written.content)
            self.stdout.write(f"{path}  {len(written.content):,} 字节")
