"""API of youpin.cockpit."""

from ninja import Router

router = Router(tags=["cockpit"])
