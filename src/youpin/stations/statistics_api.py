"""API: the station network and village coverage at GET /api/kpi/stations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from youpin.accounts.scoping import scope_for
from youpin.stations.statistics import stations_report

router = Router(tags=["stations"])


@router.get(
    "",
    response=dict[str, Any],
    summary="站点网络与行政村覆盖",
    description=(
        "运营方看全部，官员看辖区；其他角色无权查看。`county` 为 6 位或 12 位县区代码。"
        "返回与 `youpin kpi stations --json` 相同的结构。"
    ),
)
def stations_kpi(request: HttpRequest, county: str | None = None) -> dict[str, Any]:
    """Station counts, progress toward 200 township stations, and coverage, for the caller."""
    try:
        return stations_report(scope_for(request.user), county=county or None)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
