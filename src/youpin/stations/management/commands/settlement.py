"""`youpin settlement --month 2025-06 [--station CODE] [--carrier CODE] [--xlsx OUT] [--json]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.stations.settlement import SettlementQueryError, month_parse, settlement_statements
from youpin.stations.settlement_json import statement_as_dict
from youpin.stations.settlement_xlsx import statements_xlsx


class Command(BaseCommand):
    """Station settlement statements for a month, as text, JSON or an XLSX file."""

    help = "站点结算单：按站点、快递公司、月份计件计费（docs/STATIONS.md）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the month, the filters and the outputs."""
        parser.add_argument("--month", required=True, help="YYYY-MM (Asia/Shanghai)")
        parser.add_argument("--station", help="station code")
        parser.add_argument("--carrier", help="carrier code")
        parser.add_argument("--xlsx", help="write the statements to this XLSX file")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        """Compute the statements with the operator's scope and write them out."""
        try:
            month = month_parse(options["month"])
            statements = settlement_statements(
                Scope(role=Role.OPERATOR),
                month=month,
                station_code=options.get("station"),
                carrier_code=options.get("carrier"),
            )
        except SettlementQueryError as exc:
            raise CommandError(str(exc)) from exc
        label = f"{month:%Y-%m}"
        if options.get("xlsx"):
            out = Path(options["xlsx"])
            try:
                out.write_bytes(statements_xlsx(statements, month=label))
            except OSError as exc:
                raise CommandError(f"无法写入 {out}：{exc}") from exc
            self.stderr.write(f"已写入 {out}：{len(statements)} 份结算单")
        if options.get("as_json"):
            payload = {"month": label, "statements": [statement_as_dict(s) for s in statements]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        elif not options.get("xlsx"):
            for s in statements:
                rate = s.delivery_rate_pct
                self.stdout.write(
                    f"{s.station_code}\t{s.carrier_code}\t自取 {s.counts['pickup']}\t"
                    f"上门 {s.counts['door']}\t代寄 {s.counts['send']}\t"
                    f"妥投率 {'—' if rate is None else f'{rate}%'}\t合计 {s.total} 元"
                )
            if not statements:
                self.stdout.write(f"{label} 没有站点业务记录")
