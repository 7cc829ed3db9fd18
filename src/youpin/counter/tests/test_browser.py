"""End to end in Debian's Chromium: a keeper checks in, hands over and sends parcels at the
counter page with the keyboard only, as with a keyboard-wedge scanner."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from youpin.counter.models import Custody, Shipment
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.stations.models import Station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_name(page: Any) -> str:
    """The name of the element that has the keyboard focus."""
    return str(page.evaluate("document.activeElement && document.activeElement.name"))


def test_keeper_checks_in_picks_up_and_sends(
    live_server: Any, page: Any, station: Station, keeper: Any, tmp_path: Path
) -> None:
    """Scan + Enter checks in (code shown, focus back, input cleared); F2 and a code move to
    the phone tail; F3 sends with the three rules; the hand-over button writes the event."""
    page.goto(f"{live_server.url}/counter/")
    page.fill("input[name=username]", keeper.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**/counter/{station.code}/")
    assert focused_name(page) == "waybill"

    page.fill("[data-testid=checkin-phone]", "13895556789")
    page.focus("[data-testid=checkin-waybill]")
    page.keyboard.type("YT1234567890123")
    page.keyboard.press("Enter")
    first = page.locator("[data-testid=result]").first
    first.wait_for()
    assert first.get_attribute("data-tone") == "ok"
    assert first.locator("[data-testid=result-code]").inner_text() == "1-1-1"
    assert "138****6789" in first.inner_text()
    assert focused_name(page) == "waybill"
    assert page.input_value("[data-testid=checkin-waybill]") == ""
    page.locator("[data-testid=waiting-table]").get_by_text("YT1234567890123").wait_for()

    page.keyboard.type("ABC123456789")  # a shape no carrier has: the keeper must choose
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('[data-testid=result]').length === 2")
    assert page.locator("[data-testid=result]").first.get_attribute("data-tone") == "error"
    assert focused_name(page) == "waybill"
    page.select_option("[data-testid=checkin-carrier]", "zto")
    page.focus("[data-testid=checkin-waybill]")
    page.keyboard.press("Enter")  # the rejected number is still there, selected
    page.wait_for_function("document.querySelectorAll('[data-testid=result]').length === 3")
    assert page.locator("[data-testid=result]").first.get_attribute("data-tone") == "warn"

    page.keyboard.press("F2")
    assert focused_name(page) == "scan"
    page.keyboard.type("1-1-1")
    page.keyboard.press("Enter")  # a code needs the phone tail: the focus moves there
    assert focused_name(page) == "phone_tail"
    page.keyboard.type("6789")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('[data-testid=result]').length === 4")
    picked = page.locator("[data-testid=result]").first
    assert picked.get_attribute("data-tone") == "ok"
    assert "YT1234567890123" in picked.locator("[data-testid=picked-up]").inner_text()
    assert focused_name(page) == "scan"

    page.keyboard.press("F3")
    page.fill("[data-testid=send-name]", "马德福")
    page.fill("[data-testid=send-id]", "64052119800101123X")
    page.check("[data-testid=send-real-name]")
    page.check("[data-testid=send-inspected]")
    page.fill("[data-testid=send-goods]", "中宁枸杞 2 千克")
    page.fill("[data-testid=send-weight]", "2100")
    page.select_option("[data-testid=send-carrier]", "post")
    page.fill("[data-testid=send-waybill]", "9812345678901")
    page.click("[data-testid=send-submit]")
    page.wait_for_function("document.querySelectorAll('[data-testid=result]').length === 5")
    assert page.locator("[data-testid=result]").first.get_attribute("data-tone") == "ok"
    page.locator("[data-testid=handover-button]").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=result]').length === 6")
    assert page.locator("[data-testid=result]").first.get_attribute("data-tone") == "ok"
    page.wait_for_function("!document.querySelector('[data-testid=handover-table]')")

    folder = Path(os.environ.get("YOUPIN_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "counter.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    picked_parcel = Parcel.objects.get(waybill_no="YT1234567890123")
    assert picked_parcel.status == "delivered"
    assert Custody.objects.get(parcel=picked_parcel).state == "picked_up"
    assert Custody.objects.get(parcel__waybill_no="ABC123456789").state == "waiting"
    assert Shipment.objects.get().state == "handed_over"
    codes = list(TrackingEvent.objects.order_by("id").values_list("raw_code", flat=True))
    assert codes == ["station_checkin", "station_checkin", "station_pickup", "station_send"]
