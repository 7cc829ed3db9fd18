"""Fixtures of the delivery tests: the small world, and the browser fixtures of the portal."""

from __future__ import annotations

import pytest

from youpin.delivery.tests.world import World, build_world
from youpin.portal.tests.conftest import browser, page  # noqa: F401


@pytest.fixture
def world(zhongwei: None) -> World:
    """The hand-built world of `world.py`."""
    return build_world()
