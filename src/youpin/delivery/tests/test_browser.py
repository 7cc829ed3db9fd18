"""In a real Chromium: the operator opens a plan's map and a driver's run sheet."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.delivery.services import plan_delivery
from youpin.delivery.tests.world import DAY, World
from youpin.testing.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_map_and_run_sheet(live_server: Any, page: Any, world: World, tmp_path: Path) -> None:
    """The map draws (an ECharts canvas), the route table links to a run sheet listing the
    route's stops in order with their parcels; screenshots of both are saved."""
    plan = plan_delivery(world.hub, DAY, seconds=0.5, seed=1)
    route = plan.routes.order_by("seq").first()
    assert route is not None
    operator = user_with_role(Role.OPERATOR)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", operator.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/delivery/")
    page.click(f"tr[data-plan='{plan.pk}'] a")
    page.wait_for_url(f"**/delivery/plans/{plan.pk}/")
    page.locator("#chart-plan canvas").first.wait_for(state="attached")
    assert page.locator("#chart-plan").get_attribute("data-drawn") == "true"
    unplanned = page.locator("[data-testid=unplanned-table] tr[data-reason]")
    assert sorted(unplanned.evaluate_all("rows => rows.map(r => r.dataset.reason)")) == [
        "capacity",
        "time_window",
    ]
    shots = Path(os.environ.get("YOUPIN_VAR_DIR") or tmp_path)
    page.screenshot(path=str(shots / "delivery-plan-map.png"), full_page=True)

    page.locator(f"tr[data-route='{route.pk}'] [data-testid=run-sheet-link]").click()
    page.wait_for_url(f"**/routes/{route.pk}/sheet/")
    stops = page.locator("[data-testid=run-sheet-table] tbody[data-stop]")
    expected = list(route.stops.order_by("seq").values_list("seq", flat=True))
    assert [int(s) for s in stops.evaluate_all("els => els.map(e => e.dataset.stop)")] == expected
    text = page.locator("[data-testid=run-sheet]").inner_text()
    for stop in route.stops.all():
        for row in stop.parcel_rows.select_related("parcel"):
            assert row.parcel.waybill_no in text
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    page.screenshot(path=str(shots / "delivery-run-sheet.png"), full_page=True)
