"""Formats of the delivery pages: shares (0–1) as percentages and differences in points."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """A share between 0 and 1 as a percentage with one decimal (0.481 → 48.1%), or a dash."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def points_lower(value: float | None) -> str:
    """How much lower a share is, in percentage points: "低 2.3 个百分点", "高 …" or "持平"."""
    if value is None or value == "":
        return "—"
    points = round(float(value) * 100, 1)
    if points == 0:
        return gettext("持平")
    if points > 0:
        return gettext("低 %(points)s 个百分点") % {"points": f"{points:.1f}"}
    return gettext("高 %(points)s 个百分点") % {"points": f"{-points:.1f}"}
