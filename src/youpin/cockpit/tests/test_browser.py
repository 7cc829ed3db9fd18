"""In a real Chromium: an official signs in, opens the cockpit, drills into a county."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.cockpit.tests.world import AS_OF, build, hand_net
from youpin.facts.refresh import facts_rebuild
from youpin.testing.factories import place, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YTD = (AS_OF.replace(month=1, day=1), AS_OF)


def test_official_opens_the_cockpit_and_drills_into_a_county(
    live_server: Any, page: Any, zhongwei: None, tmp_path: Path
) -> None:
    """City official: tiles and charts drawn, county map drawn, click 海原县, its figures."""
    world = build()
    facts_rebuild()
    official = user_with_role(Role.OFFICIAL, region=place("640500000000"))

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("[data-testid=cockpit-link]")
    page.wait_for_url("**/cockpit/")
    page.goto(f"{live_server.url}/cockpit/?month=2025-06")
    value = page.locator("[data-testid=value-G1]").inner_text().strip()
    assert value == f"{hand_net(world, *YTD):,.2f}"
    page.locator("#tile-chart-G1 canvas").first.wait_for(state="attached")
    page.locator("#cockpit-map canvas").first.wait_for(state="attached")
    reported = page.locator("[data-testid=reported-amount]")  # loaded by htmx after the page
    assert reported.inner_text().strip() == value
    link = page.locator("[data-testid=report-monthly]")
    assert link.get_attribute("href") == "/reports/monthly/?month=2025-06"

    page.click("[data-testid=area-link-640522]")
    page.wait_for_url("**county=640522**")
    crumbs = page.locator("[data-testid=cockpit-crumbs]")
    crumbs.get_by_text("海原县").wait_for()
    haiyuan = f"{hand_net(world, *YTD, county='640522'):,.2f}"
    page.wait_for_function(
        "v => document.querySelector('[data-testid=value-G1]').innerText.trim() === v", arg=haiyuan
    )
    page.locator("#tile-chart-G1 canvas").first.wait_for(state="attached")
    page.locator("#cockpit-map canvas").first.wait_for(state="attached")
    out = Path(os.environ.get("YOUPIN_VAR_DIR") or tmp_path) / "cockpit-haiyuan.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000

    # back up to the city, then a filter: htmx swaps the body with Douyin's figures
    crumbs.get_by_role("link", name="中卫市").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=value-G1]').innerText.trim() === v",
        arg=value,
    )
    # the new body has settled (htmx listens on its form) once its map is drawn
    page.locator("#cockpit-map[data-drawn=true]").wait_for(state="attached")
    page.select_option("[data-testid=filter-platform]", "douyin")
    douyin = f"{hand_net(world, *YTD, platform='douyin'):,.2f}"
    assert douyin != value
    page.wait_for_function(
        "v => document.querySelector('[data-testid=value-G1]').innerText.trim() === v", arg=douyin
    )
    page.wait_for_url("**platform=douyin**")
