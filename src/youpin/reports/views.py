"""Pages of the monthly report: choose a month and download it as XLSX or PDF."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from youpin.accounts.scoping import request_scope
from youpin.geo.models import Level, Place
from youpin.reports.files import FORMATS, report_file
from youpin.reports.monthly import monthly_report
from youpin.reports.periods import ReportPeriodError, month_parse, previous_month
from youpin.reports.region import ReportQueryError, check_reader, report_region


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The month (and for city readers, county) to report on, and the download buttons."""
    scope = request_scope(request)
    check_reader(scope)
    month_text = request.GET.get("month", "").strip() or previous_month(timezone.localdate()).label
    county = request.GET.get("county", "").strip()
    error = ""
    try:
        month = month_parse(month_text).label
        region = report_region(scope, county or None)
    except (ReportPeriodError, ReportQueryError) as exc:
        error, month, region = str(exc), month_text, report_region(scope)
    base = report_region(scope)
    counties = (
        list(
            Place.objects.filter(level=Level.COUNTY, code__startswith=base.prefix)
            .order_by("code")
            .values_list("code", "name")
        )
        if len(base.prefix) < 6
        else []
    )
    query = {"month": month, **({"county": county} if county and not error else {})}
    links = {
        fmt: reverse("reports:monthly") + "?" + urlencode({**query, "format": fmt})
        for fmt in FORMATS
    }
    context = {
        "month": month,
        "county": county,
        "counties": counties,
        "region": region,
        "links": links,
        "error": error,
    }
    return render(request, "reports/index.html", context, status=400 if error else 200)


@require_safe
@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    """The report file: `?month=YYYY-MM&format=xlsx|pdf[&county=CODE]`."""
    scope = request_scope(request)
    check_reader(scope)
    fmt = request.GET.get("format", "pdf")
    try:
        if fmt not in FORMATS:
            raise ReportQueryError(f"未知的格式：{fmt!r}（可选：{', '.join(FORMATS)}）")
        month = month_parse(request.GET.get("month", ""))
        report = monthly_report(scope, month, request.GET.get("county", "").strip() or None)
    except (ReportPeriodError, ReportQueryError) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    written = report_file(report, fmt)
    response = HttpResponse(written.content, content_type=written.content_type)
    response["Content-Disposition"] = f'attachment; filename="{written.filename}"'
    return response
