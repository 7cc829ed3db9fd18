"""The monthly report as a PDF: text, tables and charts, with its Chinese font embedded.

Laid out with reportlab (A4 landscape). Every string goes through `Story.t`, which
remembers its characters; once the story is built, the Noto Sans CJK subsets of exactly
those characters are registered under names unique to this document, the PDF is written,
and the fonts are dropped again. Charts are reportlab drawings (vector, same font).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib import fonts as rl_fonts
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from youpin.reports.pdf_font import truetype_subset
from youpin.reports.report_types import (
    CHANGE,
    COUNT,
    HOURS,
    MONEY,
    NUMBER,
    SHARE,
    MonthlyReport,
    Table,
)

PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN
BLUE = colors.HexColor("#1f5f9f")
LIGHT = colors.HexColor("#ddebf7")
GREY = colors.HexColor("#999999")
NOTE_GREY = colors.HexColor("#555555")
STRIPE = colors.HexColor("#f5f8fc")
OFFICE = "电子商务与快递物流协同发展领导小组办公室"
THIS_YEAR, LAST_YEAR = colors.HexColor("#2f7fd0"), colors.HexColor("#b9cde5")
CHAPTERS = "一二三四五六七八九十"
_BUILD_LOCK = threading.Lock()  # one document at a time per process (see _document_fonts)


def number_text(kind: str, value: Any) -> str:
    """A cell's text: money in 万元, counts with separators, shares and changes one decimal."""
    if value is None:
        return "—"
    if kind == MONEY:
        return f"{int(value) / 1_000_000:,.2f}"
    if kind == COUNT:
        return f"{int(value):,}"
    if kind == CHANGE:
        return f"{Decimal(value):+.1f}"
    if kind in (SHARE, HOURS):
        return f"{Decimal(value):.1f}"
    if kind == NUMBER:
        d = Decimal(value)
        return f"{d:,.0f}" if d == d.to_integral() else f"{d:,.2f}"
    return str(value)


class Story:
    """The flowables of the report, and every character they use."""

    def __init__(self, regular: str, bold: str) -> None:
        self.regular, self.bold = regular, bold
        self.chars: set[str] = set()
        self.flow: list[Flowable] = []
        self.styles = {
            "title": ParagraphStyle(
                "title", fontName=bold, fontSize=20, leading=28, alignment=TA_CENTER
            ),
            "subtitle": ParagraphStyle(
                "subtitle", fontName=regular, fontSize=11, leading=16, alignment=TA_CENTER
            ),
            "h1": ParagraphStyle(
                "h1",
                fontName=bold,
                fontSize=14,
                leading=20,
                spaceBefore=10,
                spaceAfter=6,
                textColor=BLUE,
            ),
            "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=17),
            "note": ParagraphStyle(
                "note",
                fontName=regular,
                fontSize=8,
                leading=11,
                textColor=colors.HexColor("#555555"),
            ),
            "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9.5),
            "head": ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9.5),
            "banner": ParagraphStyle(
                "banner",
                fontName=bold,
                fontSize=10,
                leading=14,
                textColor=colors.white,
                backColor=colors.HexColor("#c0392b"),
                borderPadding=5,
                alignment=TA_CENTER,
            ),
        }

    def t(self, text: Any) -> str:
        """Remember a text's characters and return it."""
        s = str(text)
        self.chars.update(s)
        return s

    def para(self, text: str, style: str = "body") -> None:
        """Add a paragraph."""
        self.flow.append(Paragraph(escape(self.t(text)), self.styles[style]))

    def heading(self, number: int, text: str) -> None:
        """Add a numbered chapter heading (一、二、…), kept with what follows."""
        self.flow.append(CondPageBreak(60 * mm))
        self.para(f"{CHAPTERS[number - 1]}、{text}", "h1")

    def table(
        self, table: Table, leading: Sequence[float] = (42 * mm,), trailing: Sequence[float] = ()
    ) -> None:
        """Add a table: header row repeated on each page, numbers right-aligned."""
        head = [Paragraph(escape(self.t(c.label)), self.styles["head"]) for c in table.columns]
        body = []
        for row in table.rows:
            body.append(
                [
                    Paragraph(escape(self.t(number_text(c.kind, v))), self.styles["cell"])
                    if c.kind == "text"
                    else self.t(number_text(c.kind, v))
                    for c, v in zip(table.columns, row, strict=True)
                ]
            )
        left = len(table.columns) - len(leading) - len(trailing)
        rest = (WIDTH - sum(leading) - sum(trailing)) / max(1, left)
        widths = [*leading, *([rest] * left), *trailing]
        rl = RLTable([head, *body], colWidths=widths, repeatRows=1)
        rl.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.regular),
                    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                    ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                    ("GRID", (0, 0), (-1, -1), 0.25, GREY),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, STRIPE],
                    ),
                ]
            )
        )
        self.flow.append(rl)
        if table.note:
            self.para(f"说明：{table.note}", "note")
        self.flow.append(Spacer(1, 4 * mm))

    def bar_chart(
        self,
        title: str,
        labels: Sequence[str],
        series: Sequence[tuple[str, Sequence[float]]],
        *,
        horizontal: bool = False,
        height: float = 62 * mm,
    ) -> None:
        """Add a bar chart with a title and a legend (one bar group per label)."""
        width = WIDTH / 2 - 6 * mm
        drawing = Drawing(width, height)
        chart: Any = HorizontalBarChart() if horizontal else VerticalBarChart()
        chart.x, chart.y = (70, 20) if horizontal else (40, 30)
        chart.width = width - chart.x - 10
        chart.height = height - chart.y - 34
        chart.data = [list(values) or [0] for _, values in series]
        chart.categoryAxis.categoryNames = [self.t(x) for x in labels] or [""]
        for axis in (chart.categoryAxis, chart.valueAxis):
            axis.labels.fontName = self.regular
            axis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.valueAxis.labelTextFormat = lambda v: self.t(f"{v:,.0f}")
        chart.barSpacing, chart.groupSpacing = 1, 6
        for i, fill in enumerate((THIS_YEAR, LAST_YEAR)[: len(series)]):
            chart.bars[i].fillColor = fill
            chart.bars[i].strokeColor = None
        drawing.add(chart)
        drawing.add(
            String(0, height - 12, self.t(title), fontName=self.bold, fontSize=9.5, fillColor=BLUE)
        )
        legend = Legend()
        legend.x, legend.y = width - 150, height - 8
        legend.fontName, legend.fontSize = self.regular, 7.5
        legend.columnMaximum, legend.deltax = 1, 70
        legend.alignment = "right"
        legend.colorNamePairs = [
            (fill, self.t(name))
            for fill, (name, _) in zip((THIS_YEAR, LAST_YEAR), series, strict=False)
        ]
        drawing.add(legend)
        self.flow.append(drawing)


def _local(moment: datetime | None) -> str:
    """A time in Shanghai to the minute, or a dash."""
    return "—" if moment is None else f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _charts(story: Story, report: MonthlyReport) -> None:
    """Two charts side by side: the monthly sales trend and the year to date by county."""
    y, prev = report.month.year, report.month.year - 1
    months = [f"{p.month}月" for p in report.trend]
    trend = story_chart(
        story,
        "各月网络零售额（万元）",
        months,
        [
            (f"{y}年", [p.sales / 1_000_000 for p in report.trend]),
            (f"{prev}年", [p.sales_prev / 1_000_000 for p in report.trend]),
        ],
    )
    parcels = story_chart(
        story,
        "各月快递业务量（揽收，件）",
        months,
        [
            (f"{y}年", [float(p.parcels) for p in report.trend]),
            (f"{prev}年", [float(p.parcels_prev) for p in report.trend]),
        ],
    )
    story.flow.append(RLTable([[trend, parcels]], colWidths=[WIDTH / 2, WIDTH / 2]))
    county = report.table("county")
    carrier = report.table("carrier")
    names = [str(r[0]) for r in county.rows]
    by_county = story_chart(
        story,
        f"{report.month.ytd_chinese}分县区网络零售额（万元）",
        names,
        [(f"{y}年", [int(r[3] or 0) / 1_000_000 for r in county.rows])],
    )
    top = carrier.rows[:8]
    by_carrier = story_chart(
        story,
        f"{report.month.ytd_chinese}分快递企业揽收量（件）",
        [str(r[0]) for r in reversed(top)],
        [(f"{y}年", [float(r[3] or 0) for r in reversed(top)])],
        horizontal=True,
    )
    story.flow.append(RLTable([[by_county, by_carrier]], colWidths=[WIDTH / 2, WIDTH / 2]))


def story_chart(
    story: Story,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    horizontal: bool = False,
) -> Flowable:
    """A chart drawing (built through the story, then taken out of its flow)."""
    story.bar_chart(title, labels, series, horizontal=horizontal)
    return story.flow.pop()


def build_story(story: Story, report: MonthlyReport) -> None:
    """The report's content, chapter by chapter."""
    story.para(report.title, "title")
    story.para(
        f"{report.month.chinese} · {report.region_name} · 报送：{OFFICE}",
        "subtitle",
    )
    story.para(f"生成时间：{_local(report.generated_at)}", "subtitle")
    if report.synthetic:
        story.flow.append(Spacer(1, 3 * mm))
        story.para("演示数据：本报告基于合成数据生成，数字不代表真实情况", "banner")
    story.flow.append(Spacer(1, 4 * mm))
    story.heading(1, "总体情况")
    for sentence in report.summary:
        story.para(sentence)
    for note in report.notes:
        story.para(f"注：{note}", "note")
    story.heading(2, "主要指标")
    from youpin.reports.xlsx import headline_table

    story.table(headline_table(report), leading=(62 * mm,))
    story.heading(3, "图表")
    _charts(story, report)
    chapter = 4
    for table in report.tables:
        story.flow.append(CondPageBreak(50 * mm))
        story.heading(chapter, table.title)
        story.table(table)
        chapter += 1
    story.heading(chapter, "规划目标进展")
    story.table(report.targets, leading=(10 * mm, 44 * mm, 11 * mm), trailing=(72 * mm,))
    story.heading(chapter + 1, "数据来源与时效")
    for source in report.sources:
        extra = f"（{source.note}）" if source.note else ""
        when = f"；数据截至 {_local(source.as_of)}" if source.as_of else ""
        story.para(f"{source.part}：{source.source}{when}{extra}", "note")


@contextmanager
def _document_fonts(regular: str, bold: str) -> Iterator[None]:
    """Map the document's font names to a family for its lifetime, then forget them and the fonts.

    The family mapping must exist before paragraphs are made; the fonts themselves are
    registered later (`_register_subsets`), once every character is known. reportlab
    keeps one font per face name (`_dynFaceNames`): every document's subset has the same
    face name, so documents are built one at a time (`_BUILD_LOCK`) and the face is
    forgotten afterwards, or the next document would reuse this one's glyphs.
    """
    for family in (regular, bold):
        pdfmetrics.registerFontFamily(
            family, normal=regular, bold=bold, italic=regular, boldItalic=bold
        )
    try:
        yield
    finally:
        # reportlab has no call to unregister: drop this document's entries by hand
        registry: dict[str, Any] = pdfmetrics._fonts
        faces: dict[str, Any] = pdfmetrics._dynFaceNames
        for name in (regular, bold):
            font = registry.pop(name, None)
            face = getattr(getattr(font, "face", None), "name", None)
            if face is not None and faces.get(face) is font:
                del faces[face]
        lowered = {regular.lower(), bold.lower()}
        for key in [k for k in rl_fonts._tt2ps_map if k[0] in lowered]:
            del rl_fonts._tt2ps_map[key]
        for key in [k for k in rl_fonts._ps2tt_map if k in lowered]:
            del rl_fonts._ps2tt_map[key]


def _register_subsets(story: Story) -> None:
    """Register the Noto Sans CJK subsets of exactly the story's characters."""
    for name, weight in ((story.regular, "regular"), (story.bold, "bold")):
        data = truetype_subset(sorted(story.chars), weight)
        pdfmetrics.registerFont(TTFont(name, BytesIO(data)))


def report_pdf(report: MonthlyReport) -> bytes:
    """The whole report as PDF bytes (A4 landscape, fonts embedded)."""
    tag = uuid.uuid4().hex[:10]
    regular, bold = f"YoupinCJK-{tag}", f"YoupinCJKBold-{tag}"
    with _BUILD_LOCK, _document_fonts(regular, bold):
        story = Story(regular, bold)
        build_story(story, report)
        footer = story.t(
            f"{report.title} · {report.month.chinese} · Youpin 中卫优品"
            + (" · 合成演示数据" if report.synthetic else "")
            + " · 第 0123456789 页"
        )

        def on_page(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(regular, 7.5)
            canvas.setFillColor(GREY)
            canvas.drawString(MARGIN, 8 * mm, footer.replace("0123456789", str(doc.page)))
            canvas.restoreState()

        _register_subsets(story)
        out = BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=report.title,
            author="Youpin 中卫优品",
            initialFontName=regular,
        )
        doc.build(story.flow, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
