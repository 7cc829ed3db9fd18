"""`youpin plan delivery --date D --hub H [--seconds S] [--seed N] [--json]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.delivery.present import REASON_ZH, hub_find, plan_detail
from youpin.delivery.services import PlanRefused, plan_delivery


class Command(BaseCommand):
    """Plan a hub's joint delivery for a day, store it and print it."""

    help = (
        "共同配送日计划：youpin plan delivery --date 2025-12-31 --hub 640522 "
        "[--seconds 10] [--seed 1] [--json]。--hub 为中心编号、县区代码或名称。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The `delivery` subject and its options."""
        parser.add_argument("subject", choices=["delivery"], help="要计划的业务（delivery）")
        parser.add_argument("--date", required=True, help="日期 YYYY-MM-DD")
        parser.add_argument("--hub", required=True, help="共配中心编号、县区代码或名称")
        parser.add_argument("--seconds", type=float, default=10.0, help="求解时限（秒，默认 10）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        """Plan, store and print."""
        try:
            day = date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("--date 应为 YYYY-MM-DD") from exc
        if options["seconds"] <= 0:
            raise CommandError("--seconds 须为正数")
        hub = hub_find(options["hub"])
        if hub is None:
            raise CommandError(f"找不到共配中心：{options['hub']}")
        try:
            plan = plan_delivery(hub, day, seconds=options["seconds"], seed=options["seed"])
        except PlanRefused as exc:
            raise CommandError(f"计划未通过独立校验，未保存：{exc}") from exc
        detail = plan_detail(plan, Scope(role=Role.OPERATOR))
        if options["as_json"]:
            self.stdout.write(json.dumps(detail, ensure_ascii=False, indent=2))
            return
        self._print(detail)

    def _print(self, d: dict[str, Any]) -> None:
        """A readable summary."""
        out = self.stdout
        out.write(
            f"{d['hub']} {d['day']}：包裹 {d['parcels_total']} 件（车辆 {d['parcels_routed']}，"
            f"班线 {d['parcels_on_lines']}，未能计划 {d['parcels_unplanned']}），"
            f"用车 {d['vehicles_used']} 辆，{d['km']} 公里，{d['hours']} 小时，{d['cost']} 元"
        )
        for r in d["routes"]:
            names = " → ".join(s["name"] for s in r["stops"])
            out.write(f"  {r['plate']} {r['start']}–{r['end']} {r['km']} km：{names}")
        for p in d["unplanned"]:
            reason = REASON_ZH.get(p["reason"], p["reason"])
            out.write(f"  未计划 {p['carrier']}:{p['waybill']} — {reason}")
        s = d["comparison"].get("saving", {})
        if s:
            pct = {k: f"{v:.1%}" if v is not None else "—" for k, v in s.items()}
            out.write(
                f"  与各快递单独配送相比节省：里程 {pct['km']}，车时 {pct['hours']}，"
                f"成本 {pct['cost']}，CO₂ {pct['co2']}"
            )
