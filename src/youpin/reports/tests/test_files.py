"""The XLSX and the PDF of the small world's report: cells, text, embedded fonts, pixels."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.reports.monthly import monthly_report
from youpin.reports.pdf import report_pdf
from youpin.reports.periods import ReportMonth
from youpin.reports.report_types import MonthlyReport
from youpin.reports.tests.pdf_check import dark_pixels, page_image, pdf_text, text_fonts
from youpin.reports.tests.world import build_world
from youpin.reports.xlsx import report_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(zhongwei: None) -> MonthlyReport:
    """June 2025 of the small world, in the operator's view."""
    build_world()
    return monthly_report(Scope(role=Role.OPERATOR), ReportMonth(2025, 6))


def test_xlsx_holds_the_figures_as_typed_cells(report: MonthlyReport) -> None:
    """A cover and one sheet per table; numbers are numbers with formats; headers frozen."""
    wb = load_workbook(BytesIO(report_xlsx(report)))
    assert wb.sheetnames == [
        "封面",
        "主要指标",
        "分县区",
        "分平台",
        "分类别",
        "分流向",
        "分快递企业",
        "规划目标",
    ]
    cover = wb["封面"]
    assert cover["A1"].value == "中卫市电子商务与快递物流协同发展月度报告"
    cover_text = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    assert "2025年6月" in cover_text
    assert "1–6月中卫市网络零售额0.04万元" in cover_text
    assert "合成演示数据" not in cover_text  # the test world is no demo dataset

    county = wb["分县区"]
    assert county.freeze_panes == "B4"
    assert county["A3"].value == "县区"
    assert county["B3"].value == "6月网络零售额（万元）"
    assert [county.cell(row=r, column=1).value for r in (4, 5, 6)] == [
        "沙坡头区",
        "中宁县",
        "海原县",
    ]
    assert county["B4"].value == pytest.approx(0.013)  # 130 CNY in 万元
    assert county["B4"].number_format == "#,##0.00"
    assert county["C4"].value == pytest.approx(160.0)
    assert county["C4"].number_format == "0.0"
    assert county["F4"].value == 2
    assert county["F4"].number_format == "#,##0"
    assert county.column_dimensions["A"].width >= 8

    headline = wb["主要指标"]
    rows = {r[0]: r for r in headline.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["网络零售额（中卫卖家，扣除退款）"][1:6] == ("万元", 0.03, 560.0, 0.04, 355.6)
    assert rows["快递业务量（揽收）"][1:6] == ("件", 2, 100.0, 3, 200.0)
    assert isinstance(rows["快递业务量（揽收）"][2], int)

    carrier = wb["分快递企业"]
    assert carrier["A4"].value == "甲快递"
    assert carrier["D4"].value == 3
    targets = wb["规划目标"]
    g1 = next(r for r in targets.iter_rows(min_row=4, values_only=True) if r[0] == "G1")
    assert g1[3] == 800000
    assert g1[4] == pytest.approx(0.04)


def test_pdf_has_chinese_text_embedded_fonts_and_ink(report: MonthlyReport, tmp_path: Path) -> None:
    """Text extraction finds the headings; every text font is an embedded subset; page 1 has ink."""
    data = report_pdf(report)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for heading in ("中卫市电子商务与快递物流协同发展月度报告", "一、总体情况", "二、主要指标"):
        assert heading in text
    for title in ("分县区情况", "分平台网络零售额", "分快递企业情况", "规划目标进展"):
        assert title in text
    assert "1–6月中卫市网络零售额0.04万元，同比增长355.6%" in text
    assert "甲快递" in text
    assert "沙坡头区" in text

    fonts = text_fonts(data)
    assert fonts
    assert all(fonts.values()), fonts  # every font some text is drawn with is embedded
    assert set(fonts) == {"Noto Sans CJK SC"}
    assert b"/FontFile2" in data  # the TrueType font programs are in the file
    assert b"+NotoSansCJKsc-Regular" in data  # as a subset (tag + name)

    image = page_image(data, 0)
    image.save(tmp_path / "page1.png")
    width, height = image.size
    title_band = (int(width * 0.2), 0, int(width * 0.8), int(height * 0.15))
    assert dark_pixels(image, title_band) > 500  # the title's glyphs are drawn
    margin = (0, int(height * 0.4), int(width * 0.03), int(height * 0.6))
    assert dark_pixels(image, margin) == 0  # and the left margin stays blank


def test_a_second_pdf_has_its_own_glyphs(zhongwei: None) -> None:
    """A county's PDF first, then the city's: the city's names are drawn and extractable.

    reportlab keeps one font per face name; without dropping it after each document the
    second PDF reused the first one's subset and lost 沙坡头区 and 海原县.
    """
    build_world()
    operator = Scope(role=Role.OPERATOR)
    county = monthly_report(operator, ReportMonth(2025, 6), county="640521")
    city = monthly_report(operator, ReportMonth(2025, 6))
    assert "中宁县" in pdf_text(report_pdf(county))
    text = pdf_text(report_pdf(city))
    assert "沙坡头区" in text
    assert "海原县" in text
