"""Helpers the portal tests use to read figures out of rendered pages."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from django.test import Client


def page(client: Client, url: str = "/", **extra: str) -> str:
    """GET a page that must answer 200 and return its HTML."""
    response = client.get(url, **extra)  # type: ignore[arg-type]
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def kpi(page_html: str, key: str) -> str:
    """The text of the KPI card marked data-kpi=key."""
    match = re.search(rf'data-kpi="{re.escape(key)}">([^<]*)<', page_html)
    assert match is not None, f"no KPI {key!r} on the page"
    return html.unescape(match.group(1)).strip()


def yuan(amount: Decimal) -> str:
    """Money as the portal prints it: 1,234.50."""
    return f"{amount:,.2f}"


def count(n: int) -> str:
    """A count as the portal prints it: 1,234."""
    return f"{n:,}"
