"""Warm the shared forecast fits after a facts refresh, so no page has to fit them.

`warm()` computes the cockpit's default view (the default plan, the default as-of day, no
filters, as `page.cockpit_page` asks for it) for the operator and for an official of each
county of the platform region that has facts (and of each region an official account is
limited to), through `fits`, so every fit those pages need is in `ForecastFit`. It then
prunes rows fitted more than `KEEP_DAYS` days ago that this warm did not use, so the table
keeps the current fits and those of recent filtered views only. Called by
`youpin facts refresh` (not by the import hook: an upload must not wait for fits).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from youpin.accounts.models import Profile, Role
from youpin.accounts.scoping import Scope
from youpin.cockpit import fits
from youpin.cockpit.models import ForecastFit
from youpin.cockpit.tiles import default_as_of, tiles
from youpin.commerce.retail_queries import code_prefix
from youpin.facts.models import ParcelFact, ParcelSide, SalesPlaceFact
from youpin.geo.models import Level, Place
from youpin.plans.selectors import plan_default

KEEP_DAYS = 60


@dataclass(frozen=True)
class WarmResult:
    """What a warm did: views computed, fits computed vs found stored, rows pruned, seconds."""

    scopes: int
    computed: int
    found: int
    not_stored: int
    pruned: int
    seconds: float

    def as_dict(self) -> dict[str, int | float]:
        """The result for JSON output."""
        data: dict[str, int | float] = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data

    def line(self) -> str:
        """One line for the command's output."""
        text = (
            f"预测预热：{self.scopes} 个视图，新拟合 {self.computed} 个，"
            f"已存 {self.found} 个，清理 {self.pruned} 行，用时 {self.seconds:.2f} 秒"
        )
        if self.not_stored:
            text += f"（{self.not_stored} 个未能保存）"
        return text


def _has_facts(county: str) -> bool:
    """True when the county (6 digits) has sales or parcel facts."""
    if SalesPlaceFact.objects.filter(county=county).exists():
        return True
    return any(
        ParcelFact.objects.filter(side=side, county=county).exists() for side in ParcelSide.values
    )


def warm_scopes() -> list[Scope]:
    """The scopes warmed: the operator, each county of the region with facts, officials' regions."""
    region = code_prefix(str(settings.YOUPIN_REGION_CODE))
    regions: dict[str, str] = {}
    counties = Place.objects.filter(level=Level.COUNTY, code__startswith=region).order_by("code")
    for county in counties:
        if _has_facts(county.prefix):
            regions[county.prefix] = county.code
    officials = Profile.objects.filter(role=Role.OFFICIAL, region__isnull=False).select_related(
        "region"
    )
    for profile in officials:
        assert profile.region is not None
        regions.setdefault(profile.region.prefix, profile.region.code)
    return [Scope(role=Role.OPERATOR)] + [
        Scope(role=Role.OFFICIAL, region_prefix=prefix, region_code=code)
        for prefix, code in sorted(regions.items())
    ]


def warm(*, today: date | None = None, keep_days: int = KEEP_DAYS) -> WarmResult:
    """Store the fits of the default cockpit views and prune rows long unused (see module doc)."""
    started = time.perf_counter()
    plan = plan_default()
    scopes = warm_scopes() if plan is not None else []
    fits.clear_process_cache()  # read the rows, as a new process would
    with fits.tally() as t:
        for scope in scopes:
            assert plan is not None
            tiles(scope, plan, default_as_of(scope, today), with_verified=False)
    cutoff = timezone.now() - timedelta(days=keep_days)
    pruned, _ = ForecastFit.objects.filter(fitted_at__lt=cutoff).exclude(key__in=t.keys).delete()
    return WarmResult(
        scopes=len(scopes),
        computed=t.computed,
        found=t.found,
        not_stored=t.not_stored,
        pruned=pruned,
        seconds=time.perf_counter() - started,
    )
