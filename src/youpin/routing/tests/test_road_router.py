"""The OSRM table adapter against a fake OSRM server started in the test (no internet)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from youpin.routing.distances import haversine_m
from youpin.routing.road_router import OsrmTable, RoadRouterError, travel_matrices


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/ like OSRM: distance = 1000 × (|Δlon| + |Δlat|) metres."""

    mode = "ok"
    requests: list[str] = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        FakeOsrm.requests.append(self.path)
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        url = urlsplit(self.path)
        assert url.path.startswith("/table/v1/driving/")
        coords = [tuple(map(float, c.split(","))) for c in url.path.rsplit("/", 1)[1].split(";")]
        query = parse_qs(url.query)
        assert query["annotations"] == ["distance,duration"]
        sources = [int(i) for i in query["sources"][0].split(";")]
        targets = [int(i) for i in query["destinations"][0].split(";")]
        if len(sources) * len(targets) > 4:  # like --max-table-size 2
            body = {"code": "TooBig", "message": "Too many table coordinates"}
        else:
            dist = [
                [
                    1000 * (abs(coords[s][0] - coords[t][0]) + abs(coords[s][1] - coords[t][1]))
                    for t in targets
                ]
                for s in sources
            ]
            if self.mode == "null":
                dist[0][-1] = None if sources[0] != targets[-1] else dist[0][-1]
            body = {
                "code": "Ok",
                "distances": dist,
                "durations": [[d if d is None else d / 10 for d in row] for row in dist],
            }
        data = json.dumps(body).encode()
        self.send_response(200 if body["code"] == "Ok" else 400)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def osrm():
    FakeOsrm.mode = "ok"
    FakeOsrm.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


POINTS = [(105.0, 37.0), (105.5, 37.0), (105.5, 37.25), (106.0, 37.5), (104.75, 37.25)]


def _expected():
    return np.array(
        [[round(1000 * (abs(a[0] - b[0]) + abs(a[1] - b[1]))) for b in POINTS] for a in POINTS]
    )


def test_table_is_assembled_from_blocks(osrm):
    distances, durations = OsrmTable(osrm, block=2).matrices(POINTS)
    assert (distances == _expected()).all()
    assert (durations == np.rint(_expected() / 10)).all()
    assert len(FakeOsrm.requests) == 9  # 3 row blocks × 3 column blocks for 5 points


def test_server_limits_and_errors_are_reported_clearly(osrm):
    with pytest.raises(RoadRouterError, match="TooBig"):
        OsrmTable(osrm, block=5).matrices(POINTS)
    FakeOsrm.mode = "error"
    with pytest.raises(RoadRouterError, match="HTTP 500"):
        OsrmTable(osrm, block=2).matrices(POINTS)
    FakeOsrm.mode = "null"
    with pytest.raises(RoadRouterError, match="no road between"):
        OsrmTable(osrm, block=2).matrices(POINTS)


def test_unreachable_server_and_bad_url():
    with pytest.raises(ValueError, match="http"):
        OsrmTable("ftp://example")
    with pytest.raises(RoadRouterError, match="unreachable"):
        OsrmTable("http://127.0.0.1:9", timeout=2).matrices(POINTS[:2])


def test_travel_matrices_use_the_configured_router_or_the_detour_estimate(osrm, monkeypatch):
    monkeypatch.setenv("YOUPIN_ROAD_ROUTER_URL", osrm)
    distances, _ = travel_matrices(POINTS[:2])
    assert distances[0, 1] == 500
    monkeypatch.delenv("YOUPIN_ROAD_ROUTER_URL")
    distances, durations = travel_matrices(POINTS[:2], detour_factor=1.3, speed_mps=10)
    straight = haversine_m(*POINTS[0], *POINTS[1])
    assert distances[0, 1] == round(1.3 * straight)
    assert durations[0, 1] == round(distances[0, 1] / 10)
