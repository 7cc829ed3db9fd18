"""Which village-level divisions are administrative villages, and coverage shares. Pure.

The NBS table's village level holds village committees (村委会, spelled "…村" in some
counties), residents' committees (居委会, "…社区") and virtual living areas of farms
("…虚拟生活区"). Coverage is counted over administrative villages only (村委会).
"""

from __future__ import annotations

from decimal import Decimal

ADMIN_VILLAGE_SUFFIXES = ("村委会", "村")


def is_administrative_village(name: str) -> bool:
    """True for a village committee (村委会 or …村), false for communities and virtual areas."""
    return "虚拟" not in name and name.endswith(ADMIN_VILLAGE_SUFFIXES)


def coverage_pct(covered: int, total: int) -> Decimal | None:
    """Covered ÷ total as a percentage with one decimal; None when there is nothing to cover."""
    if total <= 0:
        return None
    return (Decimal(100) * covered / total).quantize(Decimal("0.1"))
