"""Settlement statements as JSON-ready dictionaries (amounts as strings, two decimals)."""

from __future__ import annotations

from typing import Any

from youpin.stations.settlement_rules import Statement


def statement_as_dict(s: Statement) -> dict[str, Any]:
    """One statement for the API and `youpin settlement --json`."""
    rate = s.delivery_rate_pct
    return {
        "station": s.station_code,
        "station_name": s.station_name,
        "carrier": s.carrier_code,
        "carrier_name": s.carrier_name,
        "month": s.month_label,
        "counts": dict(s.counts),
        "checked_in": s.checked_in,
        "delivered_of_checked_in": s.delivered_of_checked_in,
        "delivery_rate_pct": None if rate is None else str(rate),
        "lines": [
            {
                "service": line.service,
                "band": line.band,
                "pieces": line.pieces,
                "fee": None if line.fee is None else str(line.fee),
                "amount": str(line.amount),
                "rule_id": line.rule_id,
            }
            for line in s.lines
        ],
        "subsidies": [
            {
                "service": sub.service,
                "pieces": sub.pieces,
                "per_piece": str(sub.per_piece),
                "amount": str(sub.amount),
            }
            for sub in s.subsidies
        ],
        "fees_total": str(s.fees_total),
        "subsidies_total": str(s.subsidies_total),
        "total": str(s.total),
        "unpriced_pieces": s.unpriced_pieces,
        "notes": list(s.notes),
    }
