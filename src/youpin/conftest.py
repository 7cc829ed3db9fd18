"""Fixtures shared by every test: the real geography in the test database, API clients."""

from __future__ import annotations

import pytest
from django.test import Client

from youpin.geo.models import Place
from youpin.geo.services import divisions_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load Zhongwei's real divisions once into the test database."""
    with django_db_blocker.unblock():
        divisions_load()


@pytest.fixture
def zhongwei(db) -> None:  # type: ignore[no-untyped-def]
    """Make sure the divisions are present (a transactional test before may have flushed them)."""
    if not Place.objects.exists():
        divisions_load()


@pytest.fixture
def api_client() -> Client:
    """A Django test client for JSON API calls."""
    return Client()
