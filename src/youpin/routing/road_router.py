"""Road distances and times from an OSRM server's table service (pure; standard library HTTP).

`OsrmTable(base_url).matrices(points)` asks `GET {base}/table/v1/{profile}/{lon,lat;…}?sources=…
&destinations=…&annotations=distance,duration` (OSRM HTTP API v5) in blocks of at most
`block` × `block` pairs, since servers cap the table size (`--max-table-size`, 100 by default), and
returns whole metres and seconds. Only OSRM's API is implemented; Valhalla's matrix service
(`/sources_to_targets`) is a different API and would need its own small client.

`travel_matrices(points)` is what the planner calls: the road router named by the environment
variable `YOUPIN_ROAD_ROUTER_URL` when it is set, otherwise great-circle distance × the detour
factor (`distances.py`).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

import numpy as np

from youpin.routing.distances import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_MPS,
    duration_matrix,
    road_distance_matrix,
)
from youpin.routing.problem import IntMatrix

ENV_URL = "YOUPIN_ROAD_ROUTER_URL"


class RoadRouterError(RuntimeError):
    """The road router could not be reached or gave an unusable answer."""


class OsrmTable:
    """Client for OSRM's `/table/v1/` service at `base_url` (e.g. http://127.0.0.1:5000)."""

    def __init__(
        self, base_url: str, *, profile: str = "driving", block: int = 100, timeout: float = 30.0
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"road router URL must start with http:// or https://: {base_url!r}")
        if block < 1:
            raise ValueError("block must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.block = block
        self.timeout = timeout

    def _request(
        self, sources: Sequence[tuple[float, float]], targets: Sequence[tuple[float, float]]
    ) -> tuple[list[list[float | None]], list[list[float | None]]]:
        """One table request: distances and durations from each source to each target."""
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in [*sources, *targets])
        query = urllib.parse.urlencode(
            {
                "sources": ";".join(str(i) for i in range(len(sources))),
                "destinations": ";".join(str(len(sources) + i) for i in range(len(targets))),
                "annotations": "distance,duration",
            }
        )
        url = f"{self.base_url}/table/v1/{self.profile}/{coords}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            raise RoadRouterError(f"road router answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RoadRouterError(f"road router at {self.base_url} unreachable: {exc}") from exc
        except ValueError as exc:
            raise RoadRouterError(
                f"road router answered something that is not JSON: {exc}"
            ) from exc
        if not isinstance(body, dict) or body.get("code") != "Ok":
            message = body.get("message", "") if isinstance(body, dict) else ""
            code = body.get("code") if isinstance(body, dict) else body
            raise RoadRouterError(f"road router refused the table: {code} {message}".strip())
        distances, durations = body.get("distances"), body.get("durations")
        shape_ok = all(
            isinstance(m, list)
            and len(m) == len(sources)
            and all(len(r) == len(targets) for r in m)
            for m in (distances, durations)
        )
        if not shape_ok:
            raise RoadRouterError("road router's table does not have the requested shape")
        return distances, durations  # type: ignore[return-value]

    def matrices(self, points: Sequence[tuple[float, float]]) -> tuple[IntMatrix, IntMatrix]:
        """Road distances (m) and durations (s) between every pair of (lon, lat) points."""
        n = len(points)
        dist = np.zeros((n, n), dtype=np.int64)
        dur = np.zeros((n, n), dtype=np.int64)
        unreachable: list[tuple[int, int]] = []
        for a in range(0, n, self.block):
            rows = list(range(a, min(a + self.block, n)))
            for b in range(0, n, self.block):
                cols = list(range(b, min(b + self.block, n)))
                ds, ts = self._request([points[i] for i in rows], [points[j] for j in cols])
                for r, i in enumerate(rows):
                    for c, j in enumerate(cols):
                        d, t = ds[r][c], ts[r][c]
                        if d is None or t is None:
                            if i != j:
                                unreachable.append((i, j))
                            continue
                        dist[i, j] = round(float(d))
                        dur[i, j] = round(float(t))
        if unreachable:
            shown = ", ".join(f"{i}→{j}" for i, j in unreachable[:10])
            raise RoadRouterError(
                f"no road between {len(unreachable)} pairs of points (by index: {shown})"
            )
        np.fill_diagonal(dist, 0)
        np.fill_diagonal(dur, 0)
        return dist, dur


def travel_matrices(
    points: Sequence[tuple[float, float]],
    *,
    router_url: str | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_mps: float = DEFAULT_SPEED_MPS,
) -> tuple[IntMatrix, IntMatrix]:
    """Distances (m) and durations (s): the road router if configured, else the detour estimate."""
    url = router_url if router_url is not None else os.environ.get(ENV_URL, "")
    if url:
        return OsrmTable(url).matrices(points)
    distances = road_distance_matrix(points, detour_factor)
    return distances, duration_matrix(distances, speed_mps)
