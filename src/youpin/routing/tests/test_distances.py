"""Great-circle distances, the detour factor and travel times."""

from __future__ import annotations

import math

import pytest

from youpin.routing.distances import (
    DEFAULT_DETOUR_FACTOR,
    duration_matrix,
    haversine_m,
    haversine_matrix,
    road_distance_matrix,
)


def test_one_degree_of_latitude_is_about_111_km():
    # 2πR / 360 with R = 6,371,008.8 m.
    assert haversine_m(105.0, 37.0, 105.0, 38.0) == pytest.approx(111_195, abs=1)


def test_longitude_shrinks_with_the_cosine_of_latitude():
    along = haversine_m(105.0, 37.5, 106.0, 37.5)
    assert along == pytest.approx(111_195 * math.cos(math.radians(37.5)), rel=1e-3)


def test_matrix_is_symmetric_and_applies_the_detour_factor():
    points = [(105.19, 37.51), (105.68, 37.49), (105.0, 37.0)]
    straight = haversine_matrix(points)
    assert straight[0, 1] == pytest.approx(haversine_m(*points[0], *points[1]))
    assert (straight == straight.T).all()
    road = road_distance_matrix(points)
    assert road[0, 2] == round(DEFAULT_DETOUR_FACTOR * straight[0, 2])
    assert road[1, 1] == 0
    with pytest.raises(ValueError, match="detour"):
        road_distance_matrix(points, 0.9)


def test_durations_from_speed():
    road = road_distance_matrix([(105.0, 37.0), (105.0, 37.1)])
    assert duration_matrix(road, 10.0)[0, 1] == round(road[0, 1] / 10)
    with pytest.raises(ValueError, match="positive"):
        duration_matrix(road, 0)
