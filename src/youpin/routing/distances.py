"""Travel distances and times without a road network: great-circle distance × a detour factor.

The road distance between two points is longer than the straight line. The ratio (the
"circuity" or "detour" factor) has been measured many times:

- Newell (1980), *Traffic Flow on Transportation Networks*, MIT Press: about 1.2 for a random
  pair of points in an urban network;
- Ballou, Rahardja & Sakai (2002), "Selected country circuity factors for road travel distance
  estimation", *Transportation Research Part A* 36(9): 843–848: national factors, most between
  1.2 and 1.4, higher where the network is sparse;
- Boscoe, Henry & Zdeb (2012), "A nationwide comparison of driving distance versus straight-line
  distance to hospitals", *The Professional Geographer* 64(2): 188–196: 1.417 on average in the
  United States, lower for longer trips.

Rural roads in a county such as Zhongwei (valleys, the Yellow River, few bridges) sit at the upper
end, about 1.3–1.4, so the default is `DEFAULT_DETOUR_FACTOR = 1.3`; pass another factor, or use
a road router (`road_router.py`) for real road distances. The default speed, 40 km/h, is an
assumption for a loaded van on county and village roads including stops at junctions; the
planner should override it per vehicle type when it knows better.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from youpin.routing.problem import IntMatrix

#: Mean Earth radius in metres (IUGG).
EARTH_RADIUS_M = 6_371_008.8
#: Road distance / great-circle distance for rural roads (see the module docstring for sources).
DEFAULT_DETOUR_FACTOR = 1.3
#: Default travel speed in metres per second (40 km/h).
DEFAULT_SPEED_MPS = 40_000 / 3600


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two (longitude, latitude) points in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a)))


def haversine_matrix(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Great-circle distances in metres (float) between every pair of (lon, lat) points."""
    if not points:
        return np.zeros((0, 0))
    arr = np.radians(np.asarray(points, dtype=float))
    lon, lat = arr[:, 0], arr[:, 1]
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def road_distance_matrix(
    points: Sequence[tuple[float, float]], detour_factor: float = DEFAULT_DETOUR_FACTOR
) -> IntMatrix:
    """Estimated road distances in whole metres: great-circle distance × detour factor."""
    if detour_factor < 1.0:
        raise ValueError(f"a detour factor below 1 ({detour_factor}) is not a road network")
    return np.rint(haversine_matrix(points) * detour_factor).astype(np.int64)


def duration_matrix(distances: IntMatrix, speed_mps: float = DEFAULT_SPEED_MPS) -> IntMatrix:
    """Travel times in whole seconds for distances in metres at a constant speed."""
    if speed_mps <= 0:
        raise ValueError(f"speed must be positive, got {speed_mps}")
    return np.rint(np.asarray(distances, dtype=float) / speed_mps).astype(np.int64)


def euclidean_matrix(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Plain Euclidean distances (float) between planar points, for benchmark instances."""
    arr = np.asarray(points, dtype=float)
    if arr.size == 0:
        return np.zeros((0, 0))
    diff = arr[:, None, :] - arr[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))
