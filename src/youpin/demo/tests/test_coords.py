"""Synthetic points inside (Multi)Polygons: pure tests, no database."""

from __future__ import annotations

import json

import pytest

from youpin.demo.coords import bbox, centroid, contains, polygons_of, synthetic_point
from youpin.geo.services import SHIPPED_BOUNDARIES

SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        [[[20, 20], [21, 20], [21, 21], [20, 21], [20, 20]]],
    ],
}


def _counties() -> list[dict]:
    """The shipped county geometries of Zhongwei."""
    data = json.loads(SHIPPED_BOUNDARIES.read_text(encoding="utf-8"))
    return [f["geometry"] for f in data["features"]]


def test_contains_respects_holes_and_islands() -> None:
    """Points in the ring are inside, points in the hole or between islands are not."""
    assert contains(SQUARE_WITH_HOLE, 1, 1)
    assert not contains(SQUARE_WITH_HOLE, 5, 5)
    assert not contains(SQUARE_WITH_HOLE, 11, 5)
    assert contains(TWO_ISLANDS, 20.5, 20.5)
    assert not contains(TWO_ISLANDS, 10, 10)


def test_bbox_and_polygons_of() -> None:
    """The bounding box covers every outer ring; other geometry types are refused."""
    assert bbox(TWO_ISLANDS) == (0, 0, 21, 21)
    assert len(polygons_of(TWO_ISLANDS)) == 2
    with pytest.raises(ValueError, match="not a polygon"):
        polygons_of({"type": "Point", "coordinates": [0, 0]})


@pytest.mark.parametrize("geometry", [SQUARE_WITH_HOLE, TWO_ISLANDS])
def test_synthetic_points_inside_and_deterministic(geometry: dict) -> None:
    """Every key gives a point inside the geometry, the same one each time."""
    points = [synthetic_point(geometry, f"key-{n}") for n in range(200)]
    assert all(contains(geometry, lon, lat) for lon, lat in points)
    assert points == [synthetic_point(geometry, f"key-{n}") for n in range(200)]
    assert len(set(points)) > 190


def test_points_near_an_anchor_stay_close() -> None:
    """With an anchor and a radius, the point falls within that box when the box overlaps."""
    lon, lat = synthetic_point(SQUARE_WITH_HOLE, "v1", near=(1.0, 1.0), radius_deg=0.5)
    assert 0.5 <= lon <= 1.5
    assert 0.5 <= lat <= 1.5


def test_zhongwei_counties_get_points_inside() -> None:
    """Village-like keys land inside each real county polygon of Zhongwei."""
    for geometry in _counties():
        for n in range(50):
            lon, lat = synthetic_point(geometry, f"640502100{n:03d}")
            assert contains(geometry, lon, lat)
            assert 104 < lon < 107
            assert 35 < lat < 38


def test_centroid() -> None:
    """The centroid is the mean point; no points is an error."""
    assert centroid([(0, 0), (2, 4)]) == (1.0, 2.0)
    with pytest.raises(ValueError, match="no points"):
        centroid([])
