"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from youpin.demo.selectors import demo_dataset


def site(request: HttpRequest) -> dict[str, object]:
    """Expose whether synthetic demo data is loaded, so every page can say so."""
    return {"demo_dataset": demo_dataset()}
