"""The cockpit page and API through the Django client: content, htmx body, scoping, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.cockpit.tests.world import AS_OF, World, build, hand_net
from youpin.facts.refresh import facts_rebuild, facts_refresh
from youpin.testing.factories import HAIYUAN, MerchantFactory, place, user_with_role

pytestmark = pytest.mark.django_db
YTD = (AS_OF.replace(month=1, day=1), AS_OF)


@pytest.fixture
def world(zhongwei: None) -> World:
    """The world, with facts refreshed."""
    w = build()
    facts_rebuild()
    return w


def signed_in(user: Any) -> Client:
    """A client signed in as the user."""
    client = Client()
    client.force_login(user)
    return client


def test_operator_page_shows_every_target_and_the_drill_down(world: World) -> None:
    """One tile per target of the plan, the county table, the report hook, the map."""
    operator = user_with_role(Role.OPERATOR)
    r = signed_in(operator).get("/cockpit/", {"month": "2025-06"})
    assert r.status_code == 200
    html = r.content.decode()
    for code in ("G1", "G2", "G3", "G4", "G5", "G6a", "G6b", "G6c"):
        assert f'data-testid="tile-{code}"' in html
    ytd = hand_net(world, *YTD)
    assert f'data-testid="value-G1">{ytd:,.2f}<' in html
    assert 'data-testid="area-link-640522"' in html
    assert 'href="/reports/monthly/?month=2025-06"' in html
    assert 'id="cockpit-map"' in html
    assert r.context["page"].query.as_of == AS_OF


def test_htmx_request_gets_the_body_only(world: World) -> None:
    """A drill-down click asks with HX-Request and gets #cockpit-body, not the layout."""
    operator = user_with_role(Role.OPERATOR)
    r = signed_in(operator).get(
        "/cockpit/", {"month": "2025-06", "county": "640522"}, HTTP_HX_REQUEST="true"
    )
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="cockpit-body"')
    assert "<html" not in html
    assert f'data-testid="value-G1">{hand_net(world, *YTD, county="640522"):,.2f}<' in html
    assert "海原县" in html


def test_county_official_page_is_their_county(world: World) -> None:
    """海原县's official lands on 海原县 and its townships; another county is 403."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    client = signed_in(official)
    r = client.get("/cockpit/", {"month": "2025-06"})
    assert r.status_code == 200
    page = r.context["page"]
    assert page.region_name == "海原县"
    assert page.area_level == "township"
    assert page.tiles[0].ytd == hand_net(world, *YTD, county="640522")
    assert client.get("/cockpit/", {"county": "640502"}).status_code == 403


def test_merchant_is_refused(world: World) -> None:
    """A merchant gets 403 on the page and the API."""
    merchant = user_with_role(Role.MERCHANT, merchant=MerchantFactory())
    client = signed_in(merchant)
    assert client.get("/cockpit/").status_code == 403
    assert client.get("/api/cockpit/tiles").status_code == 403


def test_bad_filters_are_400(world: World) -> None:
    """Malformed month, place or platform: 400 with a message."""
    client = signed_in(user_with_role(Role.OPERATOR))
    for params in ({"month": "2025-13"}, {"county": "64x"}, {"platform": "ebay"}):
        assert client.get("/cockpit/", params).status_code == 400
        assert client.get("/api/cockpit/tiles", params).status_code == 400


def test_api_tiles_match_the_hand_count(world: World) -> None:
    """GET /api/cockpit/tiles: the same selector, amounts as strings, scoped."""
    client = signed_in(user_with_role(Role.OPERATOR))
    r = client.get("/api/cockpit/tiles", {"month": "2025-06", "platform": "douyin"})
    assert r.status_code == 200
    data = r.json()
    assert data["plan"] == "zhongwei-2021"
    assert data["as_of"] == "2025-06-30"
    g1 = next(t for t in data["tiles"] if t["code"] == "G1")
    assert Decimal(g1["ytd"]) == hand_net(world, *YTD, platform="douyin")
    # no plan per platform: the plan's path scaled to Douyin's 2024 (300 + 400):
    # 8,000,000,000 × 700 ÷ 7,142,857,142.86 = 784.00
    assert g1["year_planned"] == "784.00"
    assert g1["months"][-1]["month"] == "2025-06"
    g2 = next(t for t in data["tiles"] if t["code"] == "G2")
    assert g2["filters_ignored"] == ["平台"]
    official = signed_in(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    assert official.get("/api/cockpit/tiles", {"county": "640502"}).status_code == 403
    mine = official.get("/api/cockpit/tiles", {"month": "2025-06"}).json()
    assert Decimal(mine["tiles"][0]["ytd"]) == hand_net(world, *YTD, county="640522")


def test_nav_and_home_link_to_the_cockpit(world: World) -> None:
    """Officials find the cockpit in the menu and on their home page."""
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    html = signed_in(official).get("/").content.decode()
    assert 'href="/cockpit/"' in html
    assert 'data-testid="cockpit-link"' in html


def test_verified_panel_is_loaded_after_the_page(world: World) -> None:
    """The page loads the panel after it; both read the facts (refreshed after verifying)."""
    from youpin.trust.services import verification_refresh

    verification_refresh()
    facts_refresh()
    client = signed_in(user_with_role(Role.OPERATOR))
    html = client.get("/cockpit/", {"month": "2025-06"}).content.decode()
    assert 'data-testid="verified-loading"' in html
    assert 'hx-get="/cockpit/verified/?month=2025-06' in html
    r = client.get("/cockpit/verified/", {"month": "2025-06"})
    assert r.status_code == 200
    assert r.context["v"].reported == hand_net(world, *YTD)
    assert r.context["v"].verified == Decimal("120.00")  # the one order a parcel carried
    merchant = signed_in(user_with_role(Role.MERCHANT, merchant=MerchantFactory()))
    assert merchant.get("/cockpit/verified/").status_code == 403
