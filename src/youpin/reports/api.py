"""API of youpin.reports."""

from ninja import Router

router = Router(tags=["reports"])
