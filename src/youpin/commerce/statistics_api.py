"""API: retail (routes are added by the module's owner)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["retail"])
