"""The shipped plan, loading plans, measures from facts and hand-entered values, the API."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope, scope_for
from youpin.commerce.statistics import retail_sales
from youpin.commerce.tests.retail_world import build_world
from youpin.facts.refresh import facts_rebuild
from youpin.logistics.statistics import express_volume
from youpin.logistics.tests import express_cases
from youpin.plans.loader import DEFAULT_PLAN_FILE
from youpin.plans.measures import REGISTRY_OF_MEASURES, measure_value
from youpin.plans.models import ManualValue, Plan, Target
from youpin.plans.selectors import plan_default, plan_progress
from youpin.plans.services import manual_value_record, plan_load
from youpin.stations.models import StationKind
from youpin.testing.factories import HAIYUAN, ZHONGNING, StationFactory, place

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)


def test_the_zhongwei_plan_ships_as_the_default(zhongwei: None) -> None:
    """The data migration loaded 卫商发〔2021〕69号 with G1–G6 and their measures."""
    plan = plan_default()
    assert plan is not None
    assert plan.slug == "zhongwei-2021"
    assert plan.document == "卫商发〔2021〕69号"
    assert (plan.base_year, plan.target_year) == (2020, 2025)
    targets = {t.code: t for t in plan.targets.all()}
    assert set(targets) == {"G1", "G2", "G3", "G4", "G5", "G6a", "G6b", "G6c"}
    assert targets["G1"].target_value == Decimal("8000000000.00")
    assert targets["G1"].annual_growth_pct == Decimal("12.00")
    assert targets["G2"].target_value == Decimal("20000000.00")
    assert targets["G5"].target_value == Decimal("200.00")
    assert all(t.measure in REGISTRY_OF_MEASURES for t in targets.values())


def test_loading_is_idempotent_and_another_plan_can_be_added(
    zhongwei: None, tmp_path: Path
) -> None:
    """Loading again changes nothing; a new county's plan becomes the default if it says so."""
    plan_load()
    before = list(Target.objects.values_list("plan__slug", "code", "target_value"))
    plan_load()
    assert list(Target.objects.values_list("plan__slug", "code", "target_value")) == before
    data = json.loads(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))
    data.update(slug="zhongning-2026", name="中宁县“十五五”规划（测试）", region_code=ZHONGNING)
    data.update(base_year=2025, target_year=2030)
    data["targets"] = [dict(data["targets"][0], target_value="3000000000")]
    other = tmp_path / "plan.json"
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plan_load(path=other)
    assert Plan.objects.count() == 2
    assert plan_default() == Plan.objects.get(slug="zhongning-2026")
    assert Plan.objects.filter(is_default=True).count() == 1


def test_a_bad_plan_file_is_refused_and_loads_nothing(zhongwei: None, tmp_path: Path) -> None:
    """A missing field is named; nothing is written."""
    data = json.loads(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))
    data["slug"] = "broken"
    del data["targets"][1]["unit"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="G2 缺少字段：unit"):
        plan_load(path=bad)
    assert not Plan.objects.filter(slug="broken").exists()


def _world() -> Any:
    """Orders, parcels, township stations; facts refreshed."""
    world = build_world()
    express_cases.build()  # adds one township station (兴仁镇) and one locker
    StationFactory(kind=StationKind.TOWNSHIP, place=place(HAIYUAN), opened_on=date(2024, 5, 1))
    StationFactory(kind=StationKind.TOWNSHIP, place=place(HAIYUAN), opened_on=date(2026, 1, 2))
    StationFactory(kind=StationKind.TOWNSHIP, place=place(HAIYUAN), is_active=False)
    facts_rebuild()
    return world


def test_progress_reads_the_statistics_figures_from_the_facts(zhongwei: None) -> None:
    """G1 and G2 equal the statistics; G5 counts stations by hand; manual ones say so."""
    world = _world()
    plan = plan_default()
    assert plan is not None
    progress = {p.target.code: p for p in plan_progress(OPERATOR, plan, 2025)}
    report = retail_sales(OPERATOR, year=2025, as_of=date(2026, 6, 1))
    assert progress["G1"].actual == report.total.current.net
    assert progress["G1"].planned == Decimal("8000000000.00")
    express = express_volume(OPERATOR, year=2025, by=())
    assert progress["G2"].actual == Decimal(express.total.current.collected)
    # the township stations of the two worlds (兴仁镇 ×2) and the one opened in 2024
    assert progress["G5"].actual == Decimal(3)
    assert progress["G3"].actual is None
    assert "尚无数据来源" in progress["G3"].note
    official = scope_for(world.users["zhongning"])
    zn = measure_value("retail_sales", official, 2025).value
    assert zn == retail_sales(official, year=2025, as_of=date(2026, 6, 1)).total.current.net
    with pytest.raises(PermissionDenied):
        plan_progress(scope_for(world.users["merchant_spt"]), plan, 2025)


def test_manual_values_record_who_and_serve_their_region(zhongwei: None) -> None:
    """An official's entry is the measure's value for that region and year, with who entered it."""
    world = _world()
    user = world.users["city"]
    manual_value_record(
        measure="training_classes",
        region_code="640500000000",
        year=2025,
        value=Decimal("12"),
        user=user,
        note="市商务局培训台账",
    )
    got = measure_value("training_classes", OPERATOR, 2025)
    assert got.value == Decimal("12.00")
    assert user.get_username() in got.note
    assert measure_value("training_classes", OPERATOR, 2024).value is None
    county = scope_for(world.users["zhongning"])
    assert measure_value("training_classes", county, 2025).value is None
    manual_value_record(
        measure="training_classes", region_code="640500000000", year=2025,
        value=Decimal("13"), user=user,
    )  # fmt: skip
    assert ManualValue.objects.count() == 1
    with pytest.raises(ValueError, match="不接受手工录入"):
        manual_value_record(
            measure="retail_sales", region_code="640500000000", year=2025,
            value=Decimal("1"), user=user,
        )  # fmt: skip
    with pytest.raises(ValueError, match="不能为负"):
        manual_value_record(
            measure="trainees", region_code="640500000000", year=2025,
            value=Decimal("-1"), user=user,
        )  # fmt: skip


def test_plans_api(zhongwei: None, api_client: Client) -> None:
    """Plans for any signed-in user; progress for officials and the operator only."""
    world = _world()
    assert api_client.get("/api/plans").status_code == 401
    api_client.force_login(world.users["consumer"])
    plans = api_client.get("/api/plans").json()
    assert plans[0]["slug"] == "zhongwei-2021"
    detail = api_client.get("/api/plans/zhongwei-2021").json()
    g1 = next(t for t in detail["targets"] if t["code"] == "G1")
    assert g1["path"]["2025"] == "8000000000.00"
    assert g1["path"]["2024"] == "7142857142.86"
    assert api_client.get("/api/plans/zhongwei-2021/progress?year=2025").status_code == 403
    assert api_client.get("/api/plans/nope").status_code == 404
    api_client.force_login(world.users["zhongning"])
    rows = api_client.get("/api/plans/zhongwei-2021/progress?year=2025").json()
    g1_row = next(r for r in rows if r["code"] == "G1")
    official = scope_for(world.users["zhongning"])
    net = retail_sales(official, year=2025, as_of=date(2026, 6, 1)).total.current.net
    assert Decimal(g1_row["actual"]) == net
    assert api_client.get("/api/plans/zhongwei-2021/progress?year=1990").status_code == 400


def test_facts_api_is_scoped(zhongwei: None, api_client: Client) -> None:
    """A county official's series holds only that county; bad input is a 400."""
    world = _world()
    url = "/api/facts/sales?first=2025-01-01&last=2025-12-31&grain=year"
    assert api_client.get(url).status_code == 401
    api_client.force_login(world.users["zhongning"])
    official = scope_for(world.users["zhongning"])
    net = retail_sales(official, year=2025, as_of=date(2026, 6, 1)).total.current.net
    # 中宁 2025 by hand: 45.00 (farm), 100.00 − 10.00 over farm/goods/unclassified, 60.00
    # fully refunded (farm), 33.30 without lines: 4 orders, 6 order-class parts.
    assert api_client.get(url).json() == [
        {
            "period": "2025",
            "orders": 6,
            "lead_orders": 4,
            "paid_fen": 23830,
            "refunded_fen": 7000,
            "net_fen": int(net * 100),
        }
    ]
    outside = "/api/facts/sales?first=2025-01-01&last=2025-12-31&county=640522"
    assert api_client.get(outside).status_code == 403
    inside = api_client.get(url + "&county=640521").json()
    assert inside[0]["net_fen"] == int(net * 100)
    bad = "/api/facts/sales?first=2025-01-01&last=2025-12-31&grain=week"
    assert api_client.get(bad).status_code == 400
    parcels = "/api/facts/parcels?first=2025-01-01&last=2025-12-31&grain=year&side=collected"
    zn_express = express_volume(official, year=2025, by=())
    assert api_client.get(parcels).json()[0]["parcels"] == zn_express.total.current.collected == 2
    api_client.force_login(world.users["consumer"])
    assert api_client.get(url).status_code == 403
    api_client.force_login(world.users["carrier"])
    assert api_client.get(parcels).status_code == 200
    assert api_client.get("/api/facts/status").json()["mode"] == "full"
