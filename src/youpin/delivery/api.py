"""API of youpin.delivery."""

from ninja import Router

router = Router(tags=["delivery"])
