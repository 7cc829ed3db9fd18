"""Number formats of the portal: money, counts and percentages, the same in every language."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

DASH = "—"


@register.filter
def yuan(value: Decimal | int | float | None) -> str:
    """An amount in CNY with thousands separators and two decimals: 1,234,567.80."""
    if value is None:
        return DASH
    return f"{Decimal(value):,.2f}"


@register.filter
def num(value: int | None) -> str:
    """A count with thousands separators: 12,345."""
    if value is None:
        return DASH
    return f"{int(value):,}"


@register.filter
def pct(value: Decimal | None) -> str:
    """A percentage with one decimal, or a dash when there is none: 12.5%."""
    if value is None:
        return DASH
    return f"{Decimal(value):.1f}%"


@register.filter
def signed_pct(value: Decimal | None) -> str:
    """A change in percent with its sign, or a dash: +12.5% / -3.0%."""
    if value is None:
        return DASH
    return f"{Decimal(value):+.1f}%"
