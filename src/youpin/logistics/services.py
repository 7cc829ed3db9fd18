"""Writes for logistics: the carrier reference table."""

from __future__ import annotations

from django.db import transaction

from youpin.logistics.carriers import CARRIERS
from youpin.logistics.models import Carrier


@transaction.atomic
def carriers_sync() -> int:
    """Upsert the reference carriers into `Carrier`; return how many rows were created."""
    existing = {c.code: c for c in Carrier.objects.filter(code__in=[s.code for s in CARRIERS])}
    created = 0
    for spec in CARRIERS:
        wanted = {
            "name": spec.name,
            "kuaidi100_code": spec.kuaidi100_code,
            "kdniao_code": spec.kdniao_code,
            "waybill_pattern": spec.waybill_pattern,
        }
        row = existing.get(spec.code)
        if row is None:
            Carrier.objects.create(code=spec.code, **wanted)
            created += 1
        elif any(getattr(row, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(row, k, v)
            row.save(update_fields=list(wanted))
    return created
