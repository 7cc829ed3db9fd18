"""The geo API: resolution, place lookup, and bad input answered with 400/404."""

from __future__ import annotations

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, zhongwei: None) -> Client:
    """A client signed in as a consumer."""
    client.force_login(user_with_role(Role.CONSUMER))
    return client


def test_resolve_reaches_the_village(signed_in: Client) -> None:
    """A full Zhongwei address resolves to its village code."""
    response = signed_in.get("/api/geo/resolve", {"q": "宁夏中卫中宁县鸣沙镇鸣沙村3组"})
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "640521101202"
    assert body["level"] == "village"


def test_resolve_without_query_is_400(signed_in: Client) -> None:
    """A missing or empty address is a 400, not a 500."""
    assert signed_in.get("/api/geo/resolve").status_code == 400
    assert signed_in.get("/api/geo/resolve", {"q": "  "}).status_code == 400


def test_place_lookup_pads_short_codes(signed_in: Client) -> None:
    """A 6-digit county code finds the county under its 12-digit code."""
    body = signed_in.get("/api/geo/places/640522").json()
    assert body["code"] == "640522000000"
    assert body["name"] == "海原县"


def test_unknown_place_is_404_and_malformed_is_400(signed_in: Client) -> None:
    """An unknown code is 404; letters or a wrong length are 400."""
    assert signed_in.get("/api/geo/places/640599999999").status_code == 404
    assert signed_in.get("/api/geo/places/64abc").status_code == 400


def test_children_of_a_county(signed_in: Client) -> None:
    """The township list of 中宁县 holds only its townships."""
    body = signed_in.get("/api/geo/places", {"parent": "640521000000"}).json()
    assert body
    assert all(p["parent_code"] == "640521000000" and p["level"] == "township" for p in body)


def test_geo_api_requires_authentication(client: Client) -> None:
    """Without a token or session the geo API answers 401."""
    assert client.get("/api/geo/resolve", {"q": "中卫"}).status_code == 401
