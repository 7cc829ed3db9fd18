"""/counter/ for operators and officials: a list of stations to look at (keepers act)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import scope_for
from youpin.counter.access import counter_stations_to_choose
from youpin.stations.models import Station
from youpin.testing.factories import HAIYUAN, XINGREN_TOWN, StationFactory, place, user_with_role

pytestmark = pytest.mark.django_db


def listed(html: str) -> set[str]:
    """Station codes the chooser lists."""
    return set(re.findall(r'<tr data-station="([^"]+)">', html))


@pytest.fixture
def stations(zhongwei: None) -> dict[str, Station]:
    """Two active stations in two counties and a closed one."""
    return {
        "xingren": StationFactory(code="CH-XR-01", place=place(XINGREN_TOWN)),
        "haiyuan": StationFactory(code="CH-HY-01", name="海原县测试站", place=place(HAIYUAN)),
        "closed": StationFactory(code="CH-XR-02", place=place(XINGREN_TOWN), is_active=False),
    }


def test_operator_lists_every_active_station_and_opens_one(stations: dict[str, Any]) -> None:
    """All active stations, linked to their counters; the counter page shows no forms."""
    client = Client()
    client.force_login(user_with_role(Role.OPERATOR))
    html = client.get("/counter/").content.decode()
    active = set(Station.objects.filter(is_active=True).values_list("code", flat=True))
    assert listed(html) == active
    assert "CH-XR-02" not in listed(html)
    assert 'href="/counter/"' in html  # the menu links here
    page = client.get("/counter/CH-HY-01/").content.decode()
    assert "海原县测试站" in page
    assert "data-counter" not in page  # operators look, keepers act


def test_official_sees_only_their_region_and_can_search(stations: dict[str, Any]) -> None:
    """海原县's official: only 海原县's stations; the search narrows by code or name."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    client = Client()
    client.force_login(official)
    html = client.get("/counter/").content.decode()
    assert listed(html) == set(
        Station.objects.filter(is_active=True, place__code__startswith="640522").values_list(
            "code", flat=True
        )
    )
    assert "CH-XR-01" not in html
    assert listed(client.get("/counter/?q=测试站").content.decode()) == {"CH-HY-01"}
    assert client.get("/counter/CH-XR-01/").status_code == 404
    assert not counter_stations_to_choose(scope_for(official), "CH-XR").exists()


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.CARRIER, Role.MERCHANT])
def test_other_roles_may_not_choose(stations: dict[str, Any], role: Role) -> None:
    """Consumers, carriers and merchants get 403 at /counter/."""
    client = Client()
    client.force_login(user_with_role(role))
    assert client.get("/counter/").status_code == 403
