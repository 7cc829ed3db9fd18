"""The report of the retail statistic: dataclasses, and their JSON form (amounts as strings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from youpin.commerce.retail_formulas import Tally, Window, from_cents, growth_pct, share_pct


@dataclass(frozen=True)
class Figures:
    """Orders and money (CNY) of some sales: paid (gross), refunded, and net of refunds."""

    orders: int
    gross: Decimal
    refunded: Decimal
    net: Decimal

    @classmethod
    def of(cls, tally: Tally) -> Figures:
        """Convert a tally in fen."""
        return cls(
            orders=tally.orders,
            gross=from_cents(tally.gross),
            refunded=from_cents(tally.refunded),
            net=from_cents(tally.net),
        )


@dataclass(frozen=True)
class Row:
    """One line of the report: this period, the same period last year, growth and share."""

    key: str
    label: str
    current: Figures
    previous: Figures | None
    growth_pct: Decimal | None
    share_pct: Decimal | None
    group: str = ""


@dataclass(frozen=True)
class Breakdown:
    """The statistic split by one dimension."""

    dimension: str
    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ShopAttribution:
    """A shop the bases disagree on: its place under each basis and whether it counts."""

    shop_id: int
    name: str
    places: dict[str, str]
    counted: dict[str, bool]
    figures: Figures


@dataclass(frozen=True)
class Attribution:
    """The figure under every basis, the fallbacks of the chosen one, and differing shops."""

    basis: str
    bases: tuple[Row, ...]
    location_unknown: Row
    differences: tuple[ShopAttribution, ...]


@dataclass(frozen=True)
class RetailReport:
    """The statistic for one year or month in one scope."""

    year: int
    month: int | None
    as_of: date
    scope: str
    county: str | None
    period: Window
    comparison: Window
    total: Row
    goods: Row
    services: Row
    unclassified: Row
    farm: Row
    other_sellers: Row
    breakdowns: tuple[Breakdown, ...]
    basis: str | None = None
    verified: bool = False
    attribution: Attribution | None = None
    verification: tuple[Row, ...] | None = None

    def breakdown(self, dimension: str) -> Breakdown:
        """The breakdown by one dimension (KeyError if it was not requested)."""
        for b in self.breakdowns:
            if b.dimension == dimension:
                return b
        raise KeyError(dimension)


def make_row(
    key: str, label: str, cur: Tally, prev: Tally | None, base: int, group: str = ""
) -> Row:
    """A report row from this period's and last year's tallies (fen) and the total net (fen)."""
    current = Figures.of(cur)
    previous = None if prev is None else Figures.of(prev)
    return Row(
        key=key,
        label=label,
        current=current,
        previous=previous,
        growth_pct=None if previous is None else growth_pct(current.net, previous.net),
        share_pct=share_pct(current.net, from_cents(base)),
        group=group,
    )


def report_as_json(report: RetailReport) -> dict[str, Any]:
    """The report as JSON-ready data: amounts and percentages as strings like "1234.50"."""
    data = _core_json(report)
    if report.basis is not None or report.verified:
        data["basis"] = report.basis or "operating"
        data["verified"] = report.verified
    if report.attribution is not None:
        a = report.attribution
        data["attribution"] = {
            "basis": a.basis,
            "bases": [_row_json(r) for r in a.bases],
            "location_unknown": _row_json(a.location_unknown),
            "differences": [
                {
                    "shop_id": d.shop_id,
                    "name": d.name,
                    "places": d.places,
                    "counted": d.counted,
                    **_figures_json(d.figures),
                }
                for d in a.differences
            ],
        }
    if report.verification is not None:
        data["verification"] = [_row_json(r) for r in report.verification]
    return data


def _core_json(report: RetailReport) -> dict[str, Any]:
    """The fields every report has."""
    return {
        "statistic": "网络零售额",
        "year": report.year,
        "month": report.month,
        "as_of": report.as_of.isoformat(),
        "scope": report.scope,
        "county": report.county,
        "currency": "CNY",
        "period": _window_json(report.period),
        "comparison": _window_json(report.comparison),
        "total": _row_json(report.total),
        "goods": _row_json(report.goods),
        "services": _row_json(report.services),
        "unclassified": _row_json(report.unclassified),
        "farm": _row_json(report.farm),
        "other_sellers": _row_json(report.other_sellers),
        "breakdowns": [
            {
                "dimension": b.dimension,
                "label": b.label,
                "rows": [_row_json(r) for r in b.rows],
            }
            for b in report.breakdowns
        ],
    }


def _window_json(window: Window) -> dict[str, Any]:
    """A window as its first and last day."""
    return {
        "first": window.first.isoformat(),
        "last": window.last.isoformat(),
        "partial": window.partial,
    }


def _text(value: Decimal | None) -> str | None:
    """A decimal as text with its two places, or None."""
    return None if value is None else f"{value:.2f}"


def _figures_json(f: Figures) -> dict[str, Any]:
    """Figures with amounts as strings."""
    return {
        "orders": f.orders,
        "gross": _text(f.gross),
        "refunded": _text(f.refunded),
        "net": _text(f.net),
    }


def _row_json(row: Row) -> dict[str, Any]:
    """A row with amounts as strings."""
    return {
        "key": row.key,
        "label": row.label,
        "group": row.group,
        **_figures_json(row.current),
        "previous": None if row.previous is None else _figures_json(row.previous),
        "growth_pct": _text(row.growth_pct),
        "share_pct": _text(row.share_pct),
    }
