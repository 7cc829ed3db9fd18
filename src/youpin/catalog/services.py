"""Writes for the catalogue: the reference product categories."""

from __future__ import annotations

from django.db import transaction

from youpin.catalog.categories import CATEGORIES
from youpin.catalog.models import Category


@transaction.atomic
def categories_sync() -> int:
    """Upsert the reference categories into `Category`; return how many rows were created."""
    existing = {c.slug: c for c in Category.objects.filter(slug__in=[s.slug for s in CATEGORIES])}
    created = 0
    for spec in CATEGORIES:
        wanted = {
            "name": spec.name,
            "is_farm_product": spec.is_farm_product,
            "is_service": spec.is_service,
        }
        row = existing.get(spec.slug)
        if row is None:
            Category.objects.create(slug=spec.slug, **wanted)
            created += 1
        elif any(getattr(row, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(row, k, v)
            row.save(update_fields=list(wanted))
    return created
