"""The counter page through Django's test client: htmx fragments, fallbacks, scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from youpin.accounts.models import Role
from youpin.counter.models import Custody
from youpin.stations.models import Station
from youpin.testing.factories import StationFactory, user_with_role

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_keeper_is_sent_to_their_counter_and_sees_the_menu_link(
    station: Station, keeper: Any
) -> None:
    """/counter/ redirects to the keeper's station; the menu links to it."""
    client = Client()
    client.force_login(keeper)
    answer = client.get("/counter/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/counter/{station.code}/"
    page = client.get(answer["Location"]).content.decode()
    assert 'href="/counter/"' in page
    assert "data-counter" in page


def test_check_in_fragment_then_pick_up(station: Station, keeper: Any) -> None:
    """An htmx check-in answers one ok line with the code; the lists reload on the trigger."""
    client = Client()
    client.force_login(keeper)
    answer = client.post(
        f"/counter/{station.code}/checkin/",
        {"waybill": "YT1234567890123", "phone": "13895556789"},
        **HX,
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "counter-changed"
    assert 'data-tone="ok"' in html
    assert ">1-1-1<" in html
    assert "138****6789" in html
    assert "13895556789" not in html
    lists = client.get(f"/counter/{station.code}/lists/").content.decode()
    assert "YT1234567890123" in lists
    assert 'hx-swap-oob="innerHTML"' in lists
    picked = client.post(
        f"/counter/{station.code}/pickup/", {"scan": "1-1-1", "phone_tail": "6789"}, **HX
    ).content.decode()
    assert 'data-tone="ok"' in picked
    assert 'data-testid="picked-up"' in picked


def test_errors_are_error_lines_and_the_fallback_is_the_page(station: Station, keeper: Any) -> None:
    """A refused scan gives an error line (no trigger); without htmx, the page with a 400."""
    client = Client()
    client.force_login(keeper)
    answer = client.post(f"/counter/{station.code}/checkin/", {"waybill": "ABC123456789"}, **HX)
    assert 'data-tone="error"' in answer.content.decode()
    assert "HX-Trigger" not in answer
    plain = client.post(f"/counter/{station.code}/checkin/", {"waybill": "12#"})
    assert plain.status_code == 400
    assert "data-counter" in plain.content.decode()
    assert not Custody.objects.exists()


def test_page_scoping(station: Station) -> None:
    """Operator reads without forms and may not post; another keeper and a consumer get 404."""
    operator = Client()
    operator.force_login(user_with_role(Role.OPERATOR))
    page = operator.get(f"/counter/{station.code}/").content.decode()
    assert "data-counter" not in page
    assert 'data-testid="waiting-table"' not in page
    assert (
        operator.post(
            f"/counter/{station.code}/checkin/", {"waybill": "YT1234567890123"}
        ).status_code
        == 403
    )
    chooser = operator.get("/counter/")  # the operator chooses a station to look at
    assert chooser.status_code == 200
    assert f'href="/counter/{station.code}/"' in chooser.content.decode()
    for role, attached in [
        (Role.STATION_KEEPER, {"station": StationFactory()}),
        (Role.CONSUMER, {}),
    ]:
        c = Client()
        c.force_login(user_with_role(role, **attached))
        assert c.get(f"/counter/{station.code}/").status_code == 404
        assert (
            c.post(f"/counter/{station.code}/checkin/", {"waybill": "YT1234567890123"}).status_code
            == 404
        )
    assert Client().get(f"/counter/{station.code}/").status_code == 302  # to the login page
    assert not Custody.objects.exists()


def test_the_page_speaks_english_when_asked(station: Station, keeper: Any) -> None:
    """With the language cookie set to English, the counter and its answers are in English."""
    client = Client()
    client.force_login(keeper)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/counter/{station.code}/").content.decode()
    assert "Scan the waybill" in html
    assert "The three safety rules of acceptance" in html
    assert "扫描运单号" not in html
    answer = client.post(f"/counter/{station.code}/checkin/", {"waybill": "ABC123456789"}, **HX)
    assert "The carrier cannot be recognised from the waybill" in answer.content.decode()
