"""The retail statistic by basis and verified, counted by hand over the trust world.

Hand count (2025, all paid 100.00 unless noted; A8 is unpaid and never counts):
A 8 orders 800.00; B 13 orders 1300.00; C 2 × 150.00 (registered in Yinchuan, operating in
Shapotou, shipping from Zhongning); C2 80.00 (registered in Zhongning, operating and shipping
from Yinchuan); D 120.00 + 60.00 + 30.00. Verified: A1–A3, A9, B12, B13, C1, C2(×150), C21.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.statistics import RetailQueryError, report_as_json, retail_sales
from youpin.trust.services import verification_refresh
from youpin.trust.tests.worlds import NOW, TrustWorld, build_world

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)
AFTER = date(2026, 2, 1)


@pytest.fixture
def world(zhongwei: None) -> TrustWorld:
    """The hand-built world, verified."""
    w = build_world()
    verification_refresh(now=NOW)
    return w


def net(row: object) -> Decimal:
    """A row's net this period."""
    return row.current.net  # type: ignore[attr-defined,no-any-return]


def test_default_report_is_the_operating_basis_without_extra_keys(world: TrustWorld) -> None:
    report = retail_sales(OPERATOR, year=2025, as_of=AFTER)
    assert net(report.total) == Decimal("2610.00")
    assert net(report.other_sellers) == Decimal("80.00")  # C2 operates in Yinchuan
    assert "attribution" not in report_as_json(report)


def test_each_basis_side_by_side_and_the_shops_they_differ_on(world: TrustWorld) -> None:
    report = retail_sales(OPERATOR, year=2025, as_of=AFTER, basis="operating")
    assert report.attribution is not None
    bases = {r.key: net(r) for r in report.attribution.bases}
    assert bases == {
        "operating": Decimal("2610.00"),
        "registered": Decimal("2390.00"),
        "shipping": Decimal("2610.00"),
    }
    # shops without an operating location recorded: A, B, D, counted by the merchant's place
    assert net(report.attribution.location_unknown) == Decimal("2310.00")
    diffs = [(d.name, d.counted, d.figures.net) for d in report.attribution.differences]
    assert diffs == [
        ("异地注册店", {"operating": True, "registered": False, "shipping": True}, Decimal(300)),
        ("异地经营店", {"operating": False, "registered": True, "shipping": False}, Decimal(80)),
    ]
    registered = retail_sales(OPERATOR, year=2025, as_of=AFTER, basis="registered")
    assert net(registered.total) == Decimal("2390.00")


def test_county_follows_the_basis(world: TrustWorld) -> None:
    by = {
        r.key: net(r)
        for r in retail_sales(OPERATOR, year=2025, as_of=AFTER, by=["county"], basis="shipping")
        .breakdown("county")
        .rows
    }
    assert by == {"640521000000": Decimal("1600.00"), "640502000000": Decimal("1010.00")}


def test_verified_sales_beside_reported(world: TrustWorld) -> None:
    report = retail_sales(OPERATOR, year=2025, as_of=AFTER, verified=True)
    assert (report.total.current.orders, net(report.total)) == (8, Decimal("900.00"))
    assert report.verification is not None
    rows = {r.key: (r.current.orders, net(r)) for r in report.verification}
    assert rows == {
        "reported": (26, Decimal("2610.00")),
        "verified": (8, Decimal("900.00")),
        "unverified": (7, Decimal("610.00")),
        "suspicious": (11, Decimal("1100.00")),
        "not_checked": (0, Decimal("0.00")),
    }


def test_services_by_category_and_by_title(world: TrustWorld) -> None:
    report = retail_sales(OPERATOR, year=2025, as_of=AFTER, by=["category"])
    assert net(report.services) == Decimal("180.00")  # D1 by category, D2 by its title
    assert net(report.unclassified) == Decimal("2430.00")  # lines nobody can class
    keys = {r.key for r in report.breakdown("category").rows}
    assert "title:service" in keys


def test_official_scope_and_bad_basis(world: TrustWorld) -> None:
    haiyuan = Scope(role=Role.OFFICIAL, region_prefix="640522", region_code="640522000000")
    assert net(retail_sales(haiyuan, year=2025, as_of=AFTER, verified=True).total) == 0
    with pytest.raises(RetailQueryError):
        retail_sales(OPERATOR, year=2025, basis="tax")


def test_cli_and_api_give_the_same_document(world: TrustWorld, admin_client: object) -> None:
    out = StringIO()
    call_command(
        "kpi",
        "retail",
        "--year",
        "2025",
        "--as-of",
        "2026-02-01",
        "--basis",
        "operating",
        "--verified",
        "--json",
        stdout=out,
    )
    cli = json.loads(out.getvalue())
    assert cli["total"]["net"] == "900.00"
    # registered basis, verified only: A1–A3, A9, B12, B13 and C21 (C is registered elsewhere)
    assert cli["attribution"]["bases"][1]["net"] == "680.00"
    response = admin_client.get(  # type: ignore[attr-defined]
        "/api/kpi/retail",
        {"year": 2025, "as_of": "2026-02-01", "basis": "operating", "verified": "true"},
    )
    assert response.status_code == 200
    assert response.json() == cli
    table = StringIO()
    call_command(
        "kpi",
        "retail",
        "--year",
        "2025",
        "--as-of",
        "2026-02-01",
        "--basis",
        "shipping",
        "--verified",
        stdout=table,
    )
    assert "归属口径对比" in table.getvalue()
    assert "核实情况" in table.getvalue()
