"""Pages of the station network: the monthly settlement with its XLSX download."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from youpin.accounts.models import Role
from youpin.accounts.scoping import request_scope
from youpin.stations.settlement import SettlementQueryError, month_parse, settlement_statements

SETTLEMENT_ROLES = {Role.OPERATOR, Role.OFFICIAL, Role.STATION_KEEPER, Role.CARRIER}


def _previous_month() -> str:
    """Last month, YYYY-MM: the month usually being settled."""
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


@require_safe
@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    """The caller's statements for a month, and the link to download them as XLSX."""
    scope = request_scope(request)
    if scope.role not in SETTLEMENT_ROLES:
        raise PermissionDenied
    month_text = request.GET.get("month", "").strip() or _previous_month()
    station = request.GET.get("station", "").strip()
    error, statements, label = "", [], month_text
    try:
        month = month_parse(month_text)
        label = f"{month:%Y-%m}"
        statements = settlement_statements(scope, month=month, station_code=station or None)
    except SettlementQueryError as exc:
        error = str(exc)
    query = {"month": label, **({"station": station} if station else {})}
    context = {
        "month": label,
        "station": station,
        "statements": statements,
        "error": error,
        "download": reverse("api:settlement_xlsx") + "?" + urlencode(query),
    }
    return render(request, "stations/settlement.html", context, status=400 if error else 200)
