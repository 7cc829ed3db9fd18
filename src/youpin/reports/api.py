"""API of youpin.reports: the monthly report as JSON, XLSX or PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import HttpError

from youpin.accounts.scoping import request_scope
from youpin.reports.files import FORMATS, report_file
from youpin.reports.monthly import monthly_report
from youpin.reports.periods import ReportPeriodError, month_parse
from youpin.reports.region import ReportQueryError
from youpin.reports.report_json import report_as_dict
from youpin.reports.report_types import MonthlyReport

router = Router(tags=["reports"])


def _report(request: HttpRequest, month: str, county: str | None) -> MonthlyReport:
    """The caller's report for a month, or a 400 saying what is wrong."""
    try:
        return monthly_report(request_scope(request), month_parse(month), county or None)
    except (ReportPeriodError, ReportQueryError) as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/monthly",
    response=dict[str, Any],
    summary="月度报告（JSON；format=xlsx|pdf 下载文件）",
    description="运营方与市级官员看全市，县区官员看本县区；其他角色无权查看（403）。"
    "金额以分计，占比与时长保留一位小数。",
)
def monthly(
    request: HttpRequest, month: str, county: str | None = None, format: str = "json"
) -> Any:
    """The monthly report: the figures as JSON, or the XLSX or PDF file."""
    if format not in ("json", *FORMATS):
        raise HttpError(400, f"未知的格式：{format!r}（可选：json, {', '.join(FORMATS)}）")
    report = _report(request, month, county)
    if format == "json":
        return report_as_dict(report)
    written = report_file(report, format)
    response = HttpResponse(written.content, content_type=written.content_type)
    response["Content-Disposition"] = f'attachment; filename="{written.filename}"'
    return response
