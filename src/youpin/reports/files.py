"""The report's files: XLSX and PDF bytes with their content type and file name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from youpin.reports.pdf import report_pdf
from youpin.reports.report_types import MonthlyReport
from youpin.reports.xlsx import report_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRITERS: dict[str, tuple[Callable[[MonthlyReport], bytes], str]] = {
    "xlsx": (report_xlsx, XLSX_TYPE),
    "pdf": (report_pdf, "application/pdf"),
}
FORMATS = tuple(WRITERS)


@dataclass(frozen=True)
class ReportFile:
    """A written report: its bytes, content type and file name."""

    content: bytes
    content_type: str
    filename: str


def file_name(report: MonthlyReport, fmt: str) -> str:
    """`youpin-monthly-2025-06-640500.pdf` (month and region code prefix)."""
    region = report.region_code[:6]
    return f"youpin-monthly-{report.month.label}-{region}.{fmt}"


def report_file(report: MonthlyReport, fmt: str) -> ReportFile:
    """Write the report in a format (xlsx or pdf)."""
    if fmt not in WRITERS:
        raise ValueError(f"未知的格式：{fmt!r}（可选：{', '.join(FORMATS)}）")
    writer, content_type = WRITERS[fmt]
    return ReportFile(writer(report), content_type, file_name(report, fmt))
