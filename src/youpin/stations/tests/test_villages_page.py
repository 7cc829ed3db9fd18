"""The villages page: coverage tables equal to the hand count, scoped, with a drawn map."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client

from youpin.accounts.models import Role
from youpin.geo.models import CoordSource, Place
from youpin.stations.tests.worlds import DUANYUAN, GAOTAI, SHANMEN, SHUIWA, build_world
from youpin.testing.factories import HAIYUAN, place, user_with_role


def _row(html: str, code: str) -> list[str]:
    """The cells of the table row marked data-code=code."""
    match = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
    assert match is not None, f"no row {code}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


@pytest.mark.django_db
def test_official_sees_hand_counted_coverage_of_their_county(client: Client) -> None:
    """海原县: 3 villages covered; 海城镇 3 of 8 (37.5%); no 沙坡头区 row; consumers refused."""
    build_world()
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    response = client.get("/villages/unserved/")
    assert response.status_code == 200
    html = response.content.decode()
    county = _row(html, "640522000000")
    assert county[0] == "海原县"
    assert county[2] == "3"
    assert county[4] == "1"  # the township station in 海城镇
    assert _row(html, "640522100000")[1:4] == ["8", "3", "37.5%"]
    assert 'data-code="640502000000"' not in html
    assert "村庄尚无坐标" in html  # no coordinates in this world
    other = Client()
    other.force_login(user_with_role(Role.CONSUMER))
    assert other.get("/villages/unserved/").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_coverage_map_draws(live_server: Any, page: Any, zhongwei: None) -> None:
    """With village coordinates, ECharts draws the map and the page says they are synthetic."""
    build_world()
    for i, code in enumerate((SHANMEN, SHUIWA, DUANYUAN, GAOTAI)):
        Place.objects.filter(code=code).update(
            lon=105.6 + i / 50, lat=36.55, coord_source=CoordSource.SYNTHETIC
        )
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/villages/unserved/")
    page.locator("#chart-villages canvas").first.wait_for(state="attached")
    page.wait_for_function("document.getElementById('chart-villages').dataset.drawn === 'true'")
    assert page.locator("[data-testid=synthetic-note]").is_visible()
    assert page.locator("[data-kpi=coverage-pct]").inner_text().strip().endswith("%")


@pytest.mark.django_db
def test_official_dashboard_shows_county_coverage(client: Client) -> None:
    """The county table's coverage cell is 3 ÷ 海原县's administrative villages."""
    build_world()
    villages = (
        Place.objects.filter(level="village", code__startswith="640522")
        .filter(Q(name__endswith="村委会") | Q(name__endswith="村"))
        .exclude(name__contains="虚拟")
        .count()
    )
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    html = client.get("/").content.decode()
    cell = re.search(r'data-coverage="640522000000">([^<]*)<', html)
    assert cell is not None
    assert cell[1] == f"{Decimal(300) / villages:.1f}%"
    assert 'data-testid="coverage-link"' in html
