"""Deterministic synthetic points inside GeoJSON (Multi)Polygons, for demo coordinates.

Pure Python (no shapely): rejection sampling in the bounding box with a ray-casting
point-in-polygon test, seeded by a key (a village code), so the same key always gets
the same point. No free dataset gives village coordinates; these are flagged synthetic.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from typing import Any

Ring = Sequence[Sequence[float]]
Polygon = Sequence[Ring]
Point = tuple[float, float]

_MAX_TRIES = 10_000
DECIMALS = 6


def polygons_of(geometry: dict[str, Any]) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon geometry (outer ring first, then holes)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"not a polygon geometry: {kind!r}")


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """The bounding box (min lon, min lat, max lon, max lat) of a geometry's outer rings."""
    xs: list[float] = []
    ys: list[float] = []
    for polygon in polygons_of(geometry):
        for x, y, *_ in polygon[0]:
            xs.append(x)
            ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    """Ray casting: does a horizontal ray from the point cross the ring an odd number of times."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    """True when the point lies inside one of the polygons and outside its holes."""
    for polygon in polygons_of(geometry):
        if _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, h) for h in polygon[1:]):
            return True
    return False


def synthetic_point(
    geometry: dict[str, Any], key: str, near: Point | None = None, radius_deg: float = 0.0
) -> Point:
    """A point inside the geometry, the same for the same key; near a point when one is given.

    With `near` and `radius_deg`, the point is drawn from the box of that radius around
    `near` first (so a township's villages cluster), falling back to the whole bounding box.
    """
    rng = random.Random(f"youpin-demo-point:{key}")
    min_x, min_y, max_x, max_y = bbox(geometry)
    boxes = []
    if near is not None and radius_deg > 0:
        boxes.append(
            (
                max(min_x, near[0] - radius_deg),
                max(min_y, near[1] - radius_deg),
                min(max_x, near[0] + radius_deg),
                min(max_y, near[1] + radius_deg),
            )
        )
    boxes.append((min_x, min_y, max_x, max_y))
    for x0, y0, x1, y1 in boxes:
        if x0 >= x1 or y0 >= y1:
            continue
        for _ in range(_MAX_TRIES // len(boxes)):
            lon = round(rng.uniform(x0, x1), DECIMALS)
            lat = round(rng.uniform(y0, y1), DECIMALS)
            if contains(geometry, lon, lat):
                return lon, lat
    raise ValueError(f"no point found inside the geometry for {key!r}")


def centroid(points: Iterable[Point]) -> Point:
    """The mean of some points (an empty input is an error)."""
    pts = list(points)
    if not pts:
        raise ValueError("centroid of no points")
    return (
        round(math.fsum(p[0] for p in pts) / len(pts), DECIMALS),
        round(math.fsum(p[1] for p in pts) / len(pts), DECIMALS),
    )
