"""Village coverage on a hand-built world: equal to a hand count and to an independent query."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import Q
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.geo.models import Level, Place
from youpin.stations.coverage import village_coverage, villages_uncovered
from youpin.stations.coverage_rules import coverage_pct, is_administrative_village
from youpin.stations.tests.worlds import DUANYUAN, GAOTAI, SHANMEN, SHUIWA, build_world
from youpin.testing.factories import HAIYUAN, place, user_with_role

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)
ADMIN_VILLAGE = (Q(name__endswith="村委会") | Q(name__endswith="村")) & ~Q(name__contains="虚拟")


def _admin_villages(prefix: str) -> int:
    """Administrative villages under a prefix, counted by a query of its own."""
    return Place.objects.filter(ADMIN_VILLAGE, level=Level.VILLAGE, code__startswith=prefix).count()


def test_names_tell_villages_from_communities() -> None:
    """村委会 and …村 are villages; 居委会, 社区 and virtual living areas are not."""
    assert is_administrative_village("山门村委会")
    assert is_administrative_village("新胜村")
    assert not is_administrative_village("凤凰居委会")
    assert not is_administrative_village("瑞丰社区")
    assert not is_administrative_village("种羊场虚拟生活区")
    assert coverage_pct(3, 8) is not None
    assert str(coverage_pct(3, 8)) == "37.5"
    assert coverage_pct(0, 0) is None


def test_coverage_equals_the_hand_count() -> None:
    """海城镇: 3 of 8; 海原县: 3 covered; 沙坡头区: 1; the community is counted apart."""
    build_world()
    cov = village_coverage(OPERATOR)
    counties = {r.code: r for r in cov.counties}
    haiyuan, shapotou = counties["640522000000"], counties["640502000000"]
    assert (haiyuan.covered, haiyuan.villages) == (3, _admin_villages("640522"))
    assert (shapotou.covered, shapotou.villages) == (1, _admin_villages("640502"))
    assert (haiyuan.communities_covered, shapotou.communities_covered) == (1, 0)
    towns = {r.code: r for r in cov.townships}
    haicheng = towns["640522100000"]
    assert (haicheng.covered, haicheng.villages, str(haicheng.pct)) == (3, 8, "37.5")
    assert cov.total.covered == 4
    assert cov.total.villages == _admin_villages("6405") == 443
    uncovered = {v.code for v in villages_uncovered(OPERATOR)}
    assert len(uncovered) == 443 - 4
    assert {SHANMEN, SHUIWA, GAOTAI}.isdisjoint(uncovered)
    assert DUANYUAN in uncovered  # its only point is closed
    assert not any(code.startswith("640522104001") for code in uncovered)  # a community


def test_official_sees_their_county_only() -> None:
    """海原县's official gets 海原县's rows; asking for 沙坡头区 is refused."""
    build_world()
    official = Scope(role=Role.OFFICIAL, region_prefix="640522", region_code=HAIYUAN)
    cov = village_coverage(official)
    assert [r.code for r in cov.counties] == ["640522000000"]
    assert all(v.code.startswith("640522") for v in villages_uncovered(official))
    with pytest.raises(PermissionDenied):
        village_coverage(official, county="640502")
    for role in (Role.STATION_KEEPER, Role.CARRIER, Role.MERCHANT, Role.CONSUMER):
        with pytest.raises(PermissionDenied):
            village_coverage(Scope(role=role))


def test_kpi_stations_json_counts_and_coverage() -> None:
    """`youpin kpi stations --county 640522 --json` reports the hand-counted figures."""
    build_world()
    out = StringIO()
    call_command("kpi", "stations", "--county", "640522", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["region"]["code"] == "640522000000"
    # active in 海原县: the township station, 山门, 水洼, 高台 ×2, 凤凰 (段塬 is closed)
    assert report["stations"]["active"] == 6
    assert report["stations"]["by_kind"] == {
        "township": 1,
        "village": 3,
        "community": 1,
        "locker": 1,
        "experience": 0,
    }
    assert report["township_stations"]["active"] == 1
    assert report["township_stations"]["target"] == 200
    cov = report["coverage"]
    assert (cov["covered"], cov["villages"]) == (3, _admin_villages("640522"))
    assert len(report["uncovered_villages"]) == cov["villages"] - 3
    haicheng = next(t for t in cov["by_township"] if t["code"] == "640522100000")
    assert (haicheng["covered"], haicheng["villages"], haicheng["coverage_pct"]) == (3, 8, 37.5)
    text = StringIO()
    call_command("kpi", "stations", "--county", "640522", stdout=text)
    assert f"行政村覆盖 3 / {cov['villages']}" in text.getvalue()


def test_kpi_stations_api_is_scoped() -> None:
    """Officials get their region; a keeper or a consumer is refused; bad county is a 400."""
    world = build_world()
    client = Client()
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    body = client.get("/api/kpi/stations").json()
    assert body["coverage"]["covered"] == 3
    assert client.get("/api/kpi/stations?county=640502").status_code == 403
    assert client.get("/api/kpi/stations?county=999999").status_code == 400
    for role, attached in (
        (Role.STATION_KEEPER, {"station": world.shanmen}),
        (Role.CONSUMER, {}),
    ):
        other = Client()
        other.force_login(user_with_role(role, **attached))
        assert other.get("/api/kpi/stations").status_code == 403
