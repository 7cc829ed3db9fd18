"""Template filters of the cockpit: values in a target's unit, and query strings."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template

from youpin.portal.templatetags.portal_format import num, yuan

register = template.Library()


@register.filter
def in_unit(value: Decimal | None, unit: str) -> str:
    """A value as money (two places) for CNY targets, else as a whole count."""
    if unit == "cny":
        return yuan(value)
    return num(int(value) if value is not None else None)


@register.filter
def query_string(params: dict[str, str]) -> str:
    """URL parameters as `?a=1&b=2` (just `?` when empty)."""
    return "?" + urlencode(params)
