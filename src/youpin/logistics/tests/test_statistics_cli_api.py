"""`youpin kpi express` and GET /api/kpi/express print what the service computes."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.logistics.models import Carrier
from youpin.logistics.statistics import express_volume
from youpin.logistics.statistics_cli import display_width
from youpin.logistics.tests.express_cases import build
from youpin.testing.factories import HAIYUAN, place, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcels(zhongwei: None) -> object:
    """The hand-counted cases in the database."""
    return build()


def _kpi(*args: str) -> str:
    """Run `kpi express` with arguments and return what it printed."""
    out = StringIO()
    call_command("kpi", "express", *args, stdout=out)
    return out.getvalue()


def test_cli_json_equals_the_service(parcels: object) -> None:
    """--json prints exactly the operator's report as the service builds it."""
    printed = json.loads(_kpi("--year", "2025", "--by", "county,carrier", "--by", "day", "--json"))
    expected = express_volume(
        Scope(role=Role.OPERATOR), year=2025, by=["county", "carrier", "day"]
    ).as_dict()
    assert printed == json.loads(json.dumps(expected))
    assert printed["total"]["collected"] == 6
    assert set(printed["breakdowns"]) == {"day", "county", "carrier"}


def test_cli_region_and_month(parcels: object) -> None:
    """--region and --month narrow the report."""
    printed = json.loads(_kpi("--year", "2025", "--month", "6", "--region", HAIYUAN, "--json"))
    assert printed["region"]["name"] == "海原县"
    assert printed["month"] == 6
    assert printed["total"]["delivered"] == 1  # the 中宁→海原 parcel, delivered 3 June


def test_cli_table_is_aligned_chinese(parcels: object) -> None:
    """The table names the statistic, the region, and one section per breakdown."""
    text = _kpi("--year", "2025", "--by", "county", "--by", "direction")
    assert "快递业务量 · 中卫市（640500000000）· 2025 年" in text
    assert "揽收量（计划口径，出港 + 区内互寄）：6 件" in text
    assert "按县区" in text
    assert "按流向" in text
    lines = [line for line in text.splitlines() if line.startswith(("县区", "沙坡头区", "海原县"))]
    assert len(lines) == 3
    # the last column is right-aligned, so every line of a table ends at the same column
    assert len({display_width(line) for line in lines}) == 1


@pytest.mark.parametrize(
    "args",
    [("--year", "1990"), ("--year", "2025", "--by", "weekday"), ("--region", "6405999")],
)
def test_cli_bad_input_is_a_command_error(zhongwei: None, args: tuple[str, ...]) -> None:
    """Bad years, breakdowns and regions stop the command with a message."""
    with pytest.raises(CommandError):
        _kpi(*args)


# ----------------------------------------------------------------------------- API


def test_api_operator_gets_the_report(client: Client, parcels: object) -> None:
    """The operator's GET equals the service's report."""
    client.force_login(user_with_role(Role.OPERATOR))
    response = client.get("/api/kpi/express?year=2025&by=county&by=carrier")
    assert response.status_code == 200
    expected = express_volume(Scope(role=Role.OPERATOR), year=2025, by=["county", "carrier"])
    assert response.json() == json.loads(json.dumps(expected.as_dict()))


def test_api_official_and_carrier_are_scoped(client: Client, parcels: object) -> None:
    """A county official gets their county; a carrier its own parcels."""
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    body = client.get("/api/kpi/express?year=2025&by=none").json()
    assert body["region"]["code"] == HAIYUAN
    assert body["breakdowns"] == {}
    assert client.get("/api/kpi/express?year=2025&region=640521000000").status_code == 403
    client.force_login(user_with_role(Role.CARRIER, carrier=Carrier.objects.get(code="sf")))
    body = client.get("/api/kpi/express?year=2025&by=carrier").json()
    assert [row["key"] for row in body["breakdowns"]["carrier"]] == ["sf"]


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=1999", "year=2025&month=13", "year=2025&by=weekday", "region=6405x"],
)
def test_api_bad_input_is_400(client: Client, zhongwei: None, query: str) -> None:
    """Malformed or out-of-range parameters answer 400 with a reason."""
    client.force_login(user_with_role(Role.OPERATOR))
    response = client.get(f"/api/kpi/express?{query}")
    assert response.status_code == 400, query
    assert response.json()["detail"]


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.CONSUMER])
def test_api_roles_without_access_are_403(client: Client, zhongwei: None, role: Role) -> None:
    """Merchants and consumers may not read the statistic."""
    client.force_login(user_with_role(role))
    assert client.get("/api/kpi/express?year=2025").status_code == 403


def test_api_anonymous_is_401(client: Client) -> None:
    """Without a token or session the API answers 401."""
    assert client.get("/api/kpi/express?year=2025").status_code == 401
