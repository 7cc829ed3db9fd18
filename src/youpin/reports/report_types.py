"""The monthly report as a plain tree of dataclasses: figures, tables, text and sources.

Nothing here renders; `xlsx.py` and `pdf.py` write the same tree. Money is in fen (int),
counts are ints, shares and hours are Decimals with one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from youpin.reports.periods import ReportMonth, growth_pct, point_change

MONEY, COUNT, SHARE, HOURS, TEXT, CHANGE = "money", "count", "share", "hours", "text", "change"
NUMBER = "number"  # a plain number in the unit its row names (targets)
UNITS = {MONEY: "万元", COUNT: "件", SHARE: "%", HOURS: "小时", TEXT: "", CHANGE: "%", NUMBER: ""}

Value = int | Decimal | None


@dataclass(frozen=True)
class Figure:
    """One measure in the month and the year to date, each beside the same period a year earlier."""

    key: str
    label: str
    kind: str
    month: Value
    month_prev: Value
    ytd: Value
    ytd_prev: Value
    unit: str = ""

    @property
    def month_change(self) -> Decimal | None:
        """Year-on-year change of the month: growth % (points for a share)."""
        return _change(self.kind, self.month, self.month_prev)

    @property
    def ytd_change(self) -> Decimal | None:
        """Year-on-year change of the year to date: growth % (points for a share)."""
        return _change(self.kind, self.ytd, self.ytd_prev)

    @property
    def unit_label(self) -> str:
        """The unit shown beside the figure."""
        return self.unit or UNITS[self.kind]


def _change(kind: str, current: Value, previous: Value) -> Decimal | None:
    """Growth in per cent, or for shares the change in percentage points."""
    if kind == SHARE:
        return point_change(
            None if current is None else Decimal(current),
            None if previous is None else Decimal(previous),
        )
    return growth_pct(current, previous)


@dataclass(frozen=True)
class Column:
    """A table column: its Chinese header and what its values are."""

    label: str
    kind: str


@dataclass(frozen=True)
class Table:
    """A table of the report: a title, columns, and rows of values (the first is the label)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    def row(self, label: str) -> dict[str, Any]:
        """The row with that label, as {column label: value} (for tests and lookups)."""
        for r in self.rows:
            if r[0] == label:
                return {c.label: v for c, v in zip(self.columns, r, strict=True)}
        raise KeyError(label)


@dataclass(frozen=True)
class Network:
    """The station network at the month's end: township stations toward the target, coverage."""

    township_stations: int
    township_stations_prev: int
    township_target: int | None
    villages: int
    villages_covered: int
    coverage_pct: Decimal | None


@dataclass(frozen=True)
class TrendPoint:
    """One month of the year so far beside the same month a year earlier (for the charts)."""

    month: int
    sales: int
    sales_prev: int
    parcels: int
    parcels_prev: int


@dataclass(frozen=True)
class Source:
    """Where a part of the report comes from, and how fresh it is."""

    part: str
    source: str
    as_of: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly report for the leading group's office, for one month and one region."""

    title: str
    month: ReportMonth
    region_code: str
    region_name: str
    generated_at: datetime
    synthetic: bool
    headline: tuple[Figure, ...]
    network: Network
    tables: tuple[Table, ...]
    targets: Table
    summary: tuple[str, ...]
    sources: tuple[Source, ...]
    trend: tuple[TrendPoint, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def figure(self, key: str) -> Figure:
        """The headline figure with that key."""
        for f in self.headline:
            if f.key == key:
                return f
        raise KeyError(key)

    def table(self, key: str) -> Table:
        """The table with that key."""
        for t in (*self.tables, self.targets):
            if t.key == key:
                return t
        raise KeyError(key)
