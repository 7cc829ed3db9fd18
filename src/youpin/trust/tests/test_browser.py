"""In a real Chromium: an official finds the brushing shop on the data-quality page, confirms
it on the review page, and the decision is kept with its audit trail."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.testing.factories import place, user_with_role
from youpin.trust.models import CaseStatus, OrderVerification, ReviewCase, ReviewEvent
from youpin.trust.reasons import Reason
from youpin.trust.services import verification_refresh
from youpin.trust.tests.worlds import NOW, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_confirms_the_brushing_shop(
    live_server: Any, page: Any, zhongwei: None, tmp_path: Path
) -> None:
    """Quality page lists 刷单店 with its suspicious share; the review page confirms it."""
    world = build_world()
    verification_refresh(now=NOW)
    shop = world.shops["B"]
    official = user_with_role(Role.OFFICIAL, region=place("640500000000"))
    # Hand count from the world's own expectations: the shop's sold orders, and how many of
    # them the rules make suspicious.
    sold = [n for n, (state, _) in world.expected.items() if n.startswith("B") and state]
    suspicious = [n for n in sold if world.expected[n][0] == "suspicious"]
    assert suspicious

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/trust/quality/?year=2025")
    row = page.locator(f"[data-testid=quality-shops] tr[data-shop='{shop.pk}']")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0].startswith("刷单店")
    assert int(cells[1].replace(",", "")) == len(sold)
    share = (Decimal(100) * len(suspicious) / len(sold)).quantize(Decimal("0.1"))
    assert cells[3] == f"{share}%"

    page.goto(f"{live_server.url}/trust/review/")
    case = ReviewCase.objects.get(shop=shop, status=CaseStatus.OPEN)
    article = page.locator(f"[data-testid=review-open] article[data-case='{case.pk}']")
    assert "刷单店" in article.locator("h3").inner_text()
    assert article.locator("li[data-rule=burst]").count() >= 1
    article.locator("input[name=note]").fill("电话回访买家，确认为刷单")
    article.locator("[data-testid=confirm]").click()
    page.wait_for_url("**/trust/review/")
    decided = page.locator(f"[data-testid=review-decided] tr[data-case='{case.pk}']")
    decided.wait_for()
    text = decided.inner_text()
    assert "刷单店" in text
    assert official.username in text
    assert "电话回访买家，确认为刷单" in text

    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED
    assert case.decided_by_id == official.pk
    trail = list(ReviewEvent.objects.filter(case=case).order_by("at", "pk"))
    assert [e.action for e in trail] == ["opened", "signals", "confirmed"]
    assert trail[-1].user_id == official.pk
    b1 = OrderVerification.objects.get(order=world.orders["B1"])
    assert b1.reasons & int(Reason.CONFIRMED_BRUSHING)

    out = Path(os.environ.get("YOUPIN_VAR_DIR") or tmp_path) / "trust-review-confirmed.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
