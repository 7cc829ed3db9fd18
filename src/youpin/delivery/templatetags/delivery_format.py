"""Formats of the delivery pages: a share (0–1) as a percentage."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """A share between 0 and 1 as a percentage with one decimal (0.481 → 48.1%), or a dash."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"
