"""The monthly report as JSON-ready dicts (the API's answer): numbers stay numbers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from youpin.reports.report_types import MONEY, Figure, MonthlyReport, Table


def _num(value: Any) -> Any:
    """Decimals as floats, times as ISO text, the rest as it is."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def figure_as_dict(f: Figure) -> dict[str, Any]:
    """A headline figure; money in fen (integers), shares and hours one decimal."""
    return {
        "key": f.key,
        "label": f.label,
        "kind": f.kind,
        "unit": "fen" if f.kind == MONEY else f.unit_label,
        "month": _num(f.month),
        "month_previous": _num(f.month_prev),
        "month_change": _num(f.month_change),
        "ytd": _num(f.ytd),
        "ytd_previous": _num(f.ytd_prev),
        "ytd_change": _num(f.ytd_change),
    }


def table_as_dict(t: Table) -> dict[str, Any]:
    """A table: columns (label, kind; money columns in fen) and rows as lists."""
    return {
        "key": t.key,
        "title": t.title,
        "columns": [{"label": c.label, "kind": c.kind} for c in t.columns],
        "rows": [[_num(v) for v in row] for row in t.rows],
        "note": t.note,
    }


def report_as_dict(r: MonthlyReport) -> dict[str, Any]:
    """The whole report."""
    n = r.network
    return {
        "title": r.title,
        "month": r.month.label,
        "region": {"code": r.region_code, "name": r.region_name},
        "generated_at": r.generated_at.isoformat(),
        "synthetic": r.synthetic,
        "headline": [figure_as_dict(f) for f in r.headline],
        "network": {
            "township_stations": n.township_stations,
            "township_stations_previous": n.township_stations_prev,
            "township_target": n.township_target,
            "villages": n.villages,
            "villages_covered": n.villages_covered,
            "coverage_pct": _num(n.coverage_pct),
        },
        "tables": [table_as_dict(t) for t in r.tables],
        "targets": table_as_dict(r.targets),
        "trend": [
            {
                "month": p.month,
                "sales_fen": p.sales,
                "sales_previous_fen": p.sales_prev,
                "parcels": p.parcels,
                "parcels_previous": p.parcels_prev,
            }
            for p in r.trend
        ],
        "summary": list(r.summary),
        "sources": [
            {"part": s.part, "source": s.source, "as_of": _num(s.as_of), "note": s.note}
            for s in r.sources
        ],
        "notes": list(r.notes),
    }
