"""The county polygons the map draws: a FeatureCollection, cut to an official's region."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.geo.models import Level, Place
from youpin.testing.factories import HAIYUAN, place, user_with_role

pytestmark = pytest.mark.django_db

CITY = "640500000000"


def _features(client: Client) -> list[dict]:
    """GET the county GeoJSON and return its features."""
    response = client.get("/geo/counties.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body["features"]


def test_city_official_gets_every_county(client: Client, zhongwei: None) -> None:
    """The city official's map holds each county with a polygon, named and coded."""
    client.force_login(user_with_role(Role.OFFICIAL, region=place(CITY)))
    features = _features(client)
    expected = Place.objects.filter(
        level=Level.COUNTY, code__startswith="6405", boundary__isnull=False
    )
    assert sorted(f["properties"]["code"] for f in features) == sorted(p.code for p in expected)
    assert {f["properties"]["name"] for f in features} == {p.name for p in expected}
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in features)


def test_county_official_gets_only_their_county(client: Client, zhongwei: None) -> None:
    """A 海原县 official's map holds 海原县 alone."""
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    features = _features(client)
    assert [f["properties"]["name"] for f in features] == ["海原县"]


def test_township_official_gets_the_county_around_them(client: Client, zhongwei: None) -> None:
    """An official of a township sees the county that holds it."""
    township = Place.objects.filter(level=Level.TOWNSHIP, code__startswith="640522").first()
    client.force_login(user_with_role(Role.OFFICIAL, region=township))
    assert [f["properties"]["code"] for f in _features(client)] == [HAIYUAN]


def test_geojson_needs_a_login(client: Client) -> None:
    """Anonymous requests are sent to the login page."""
    response = client.get("/geo/counties.geojson")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
