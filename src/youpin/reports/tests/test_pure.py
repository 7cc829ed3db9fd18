"""Pure parts of the report: periods, growth, the sentences, the font subset (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from fontTools.ttLib import TTFont

from youpin.reports.periods import (
    ReportMonth,
    ReportPeriodError,
    growth_pct,
    mean_hours,
    month_parse,
    point_change,
    previous_month,
    share_pct,
)
from youpin.reports.report_types import Network
from youpin.reports.summary import count_text, growth_text, money_text, summary_sentences

D = Decimal


def test_month_windows_and_parsing() -> None:
    """June: 1–30 June, 1 January–30 June, each a year earlier; February of a leap year."""
    june = month_parse("2025-06")
    assert (june.month_window().first, june.month_window().last) == (
        date(2025, 6, 1),
        date(2025, 6, 30),
    )
    assert june.ytd_window(1).first == date(2024, 1, 1)
    assert june.ytd_window(1).last == date(2024, 6, 30)
    feb = ReportMonth(2024, 2)
    assert feb.last_day == date(2024, 2, 29)
    assert feb.month_window(1).last == date(2023, 2, 28)
    assert (feb.ytd_chinese, ReportMonth(2025, 1).ytd_chinese) == ("1–2月", "1月")
    assert previous_month(date(2026, 1, 15)) == ReportMonth(2025, 12)
    for bad in ("2025-13", "June", "", "1999-01"):
        with pytest.raises(ReportPeriodError):
            month_parse(bad)


def test_growth_shares_and_hours() -> None:
    """One decimal, halves away from zero; no base, no growth."""
    assert growth_pct(330, 50) == D("560.0")
    assert growth_pct(410, 90) == D("355.6")
    assert growth_pct(1, 0) is None
    assert growth_pct(0, 3) == D("-100.0")
    assert share_pct(2, 3) == D("66.7")
    assert share_pct(1, 0) is None
    assert point_change(D("50.0"), D("100.0")) == D("-50.0")
    assert mean_hours(48 * 3600 + 72 * 3600, 2) == D("60.0")
    assert mean_hours(5, 0) is None


def test_sentences() -> None:
    """Units switch at 亿 and 万; falls say 下降; shares say 个百分点."""
    assert money_text(33000) == "0.03万元"
    assert money_text(1_234_567_890_12) == "12.35亿元"
    assert count_text(1898) == "1898件"
    assert count_text(123_456) == "12.35万件"
    assert growth_text(D("-4.1")) == "同比下降4.1%"
    assert growth_text(D("1.0"), points=True) == "同比提高1.0个百分点"
    assert growth_text(None) == "上年同期无可比数据"
    net = Network(2, 1, 200, 443, 1, D("0.2"))
    text = summary_sentences("中卫市", ReportMonth(2025, 6), [], net, ["快递业务量（揽收）"])
    assert text == (
        "2025年6月末乡镇电商快递兴农超市2个，完成规划目标200个的1.0%；"
        "行政村快递服务覆盖率0.2%（1/443个行政村）。",
        "存在风险或偏离目标的规划指标：快递业务量（揽收）。",
    )


def test_font_subset_is_truetype_with_the_glyphs_asked_for() -> None:
    """The Noto Sans CJK SC subset has TrueType outlines for each character and few others."""
    from youpin.reports.pdf_font import FontMissingError, truetype_subset

    try:
        data = truetype_subset(["网络零售额同比增长"])
    except FontMissingError:
        pytest.skip("fonts-noto-cjk is not installed")
    font = TTFont(BytesIO(data))
    assert "glyf" in font
    assert "CFF " not in font
    cmap = font.getBestCmap()
    for ch in "网络零售额同比增长A9":
        glyph = font["glyf"][cmap[ord(ch)]]
        assert glyph.numberOfContours > 0  # drawn, not empty
    assert len(font.getGlyphOrder()) < 200  # a subset, not 65,000 glyphs
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
