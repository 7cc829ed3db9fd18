"""End to end in a real Chromium: an official signs in, reads figures and charts, signs out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.portal.tests.pages import yuan
from youpin.testing.factories import (
    HAIYUAN,
    MerchantFactory,
    OrderFactory,
    ShopFactory,
    place,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_signs_in_sees_charts_switches_language_and_signs_out(
    live_server: Any, page: Any, zhongwei: None
) -> None:
    """The official's journey through the real UI, with ECharts drawing into its containers."""
    shop = ShopFactory(merchant=MerchantFactory(place=place(HAIYUAN)))
    orders = [
        OrderFactory(shop=shop, net_amount=Decimal("1234.50")),
        OrderFactory(shop=shop, net_amount=Decimal("765.25")),
    ]
    net = sum((o.net_amount for o in orders), Decimal("0.00"))
    year = orders[0].ordered_at.year
    official = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("[data-testid=login-submit]")
    assert page.locator("[data-testid=login-error]").is_visible()

    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/?year={year}")
    assert page.locator("[data-kpi=sales-net]").inner_text().strip() == yuan(net)
    page.locator("#chart-trend canvas").first.wait_for(state="attached")
    page.locator("#chart-map canvas").first.wait_for(state="attached")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    page.click("[data-testid=lang-en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Sign out" in page.locator("[data-testid=logout]").inner_text()
    assert page.locator("[data-kpi=sales-net]").inner_text().strip() == yuan(net)
    page.locator("#chart-trend canvas").first.wait_for(state="attached")

    page.click("[data-testid=logout]")
    page.wait_for_url("**/login/")
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
