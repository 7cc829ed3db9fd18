"""GET /api/kpi/retail: the caller's scope, the same JSON as the service, 400 and 403."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from youpin.accounts.scoping import scope_for
from youpin.commerce.statistics import report_as_json, retail_sales
from youpin.commerce.tests.retail_world import World, build_world, hand_count, sh

pytestmark = pytest.mark.django_db

URL = "/api/kpi/retail"
AS_OF = "2026-02-01"


@pytest.fixture
def world(zhongwei: None) -> World:
    """The shared small order book."""
    return build_world()


def get(client: Client, world: World, who: str, **params: Any) -> Any:
    """Call the endpoint signed in as one of the world's users."""
    client.force_login(world.users[who])
    params.setdefault("as_of", AS_OF)
    return client.get(URL, params)


def test_operator_gets_the_service_report(world: World, client: Client) -> None:
    """The API returns exactly the service's JSON, amounts as strings with two places."""
    response = get(client, world, "operator", year=2025, by=["county", "platform"], month="")
    assert response.status_code == 200
    body = response.json()
    expected = retail_sales(
        scope_for(world.users["operator"]),
        year=2025,
        by=["county", "platform"],
        as_of=date(2026, 2, 1),
    )
    assert body == report_as_json(expected)
    assert body["total"]["net"] == f"{hand_count(sh(2025, 1, 1), sh(2026, 1, 1))['all'].net:.2f}"
    assert [b["dimension"] for b in body["breakdowns"]] == ["county", "platform"]


def test_comma_separated_dimensions(world: World, client: Client) -> None:
    """`by=county,host` works like two `by` parameters."""
    body = get(client, world, "operator", year=2025, by="county,host").json()
    assert [b["dimension"] for b in body["breakdowns"]] == ["county", "host"]


def test_county_official_sees_only_their_county(world: World, client: Client) -> None:
    """中宁县's official gets the 中宁 sellers' figures."""
    body = get(client, world, "zhongning", year=2025, by="county").json()
    expected = hand_count(
        sh(2025, 1, 1),
        sh(2026, 1, 1),
        keep=lambda o: o.merchant.registered_locally and o.merchant.place_id.startswith("640521"),
    )["all"]
    assert body["total"]["net"] == f"{expected.net:.2f}"
    assert [r["key"] for r in body["breakdowns"][0]["rows"]] == ["640521000000"]


@pytest.mark.parametrize("who", ["consumer", "carrier", "keeper"])
def test_roles_without_access_get_403(world: World, client: Client, who: str) -> None:
    """Consumers, carriers and station keepers are refused with 403."""
    response = get(client, world, who, year=2025)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_anonymous_gets_401(world: World, client: Client) -> None:
    """Without a session or token the API answers 401."""
    assert client.get(URL, {"year": 2025}).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": 1800},
        {"year": ""},
        {"year": 2025, "month": 0},
        {"year": 2025, "by": "county,colour"},
        {"year": 2025, "county": "999999"},
        {"year": 2025, "as_of": "yesterday"},
    ],
)
def test_bad_parameters_get_400(world: World, client: Client, params: dict[str, Any]) -> None:
    """A bad year, month, dimension, county or date is a 400 with a reason."""
    response = get(client, world, "operator", **params)
    assert response.status_code == 400
    assert response.json()["detail"]
