"""Reads about the demo dataset."""

from __future__ import annotations

from django.db import DatabaseError

from youpin.demo.models import DemoDataset


def demo_dataset() -> DemoDataset | None:
    """The loaded synthetic dataset, or None (also when the tables do not exist yet)."""
    try:
        return DemoDataset.objects.order_by("-pk").first()
    except DatabaseError:
        return None
