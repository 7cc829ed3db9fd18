"""Coverage and settlement on the synthetic demo dataset (seed 1, scale 0.01)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q
from django.test import override_settings

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.demo.services import demo_data_delete, demo_data_load
from youpin.geo.models import CoordSource, Level, Place
from youpin.logistics.models import TrackingEvent, TrackingStatus
from youpin.stations.models import Station
from youpin.stations.settlement import month_window, settlement_statements

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_USERS = ["admin", "official", "official_haiyuan", "operator", "merchant", "keeper",
              "carrier", "consumer"]  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the small demo once for the module; remove it, its users and its points after."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield demo_data_load(seed=1, scale=0.01, force=True)
        demo_data_delete()
        get_user_model().objects.filter(username__in=DEMO_USERS).delete()
        Place.objects.filter(coord_source=CoordSource.SYNTHETIC).update(
            lon=None, lat=None, coord_source=CoordSource.NONE
        )


def _independent_counts() -> tuple[Counter[str], Counter[str]]:
    """Administrative villages and covered ones per county, by one EXISTS query."""
    villages = (
        Place.objects.filter(level=Level.VILLAGE)
        .filter(Q(name__endswith="村委会") | Q(name__endswith="村"))
        .exclude(name__contains="虚拟")
        .annotate(served=Exists(Station.objects.filter(place_id=OuterRef("code"), is_active=True)))
    )
    total: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for code, served in villages.values_list("code", "served"):
        total[code[:6]] += 1
        covered[code[:6]] += bool(served)
    return total, covered


@pytest.mark.django_db
def test_kpi_stations_equals_an_independent_count(demo) -> None:  # type: ignore[no-untyped-def]
    """`kpi stations --json` per county equals the EXISTS count; the list has the rest."""
    out = StringIO()
    call_command("kpi", "stations", "--json", stdout=out)
    report = json.loads(out.getvalue())
    total, covered = _independent_counts()
    by_county = {r["code"][:6]: r for r in report["coverage"]["by_county"]}
    assert set(by_county) == set(total)
    for county, row in by_county.items():
        assert (row["villages"], row["covered"]) == (total[county], covered[county])
    assert report["coverage"]["villages"] == sum(total.values()) == 443
    assert report["coverage"]["covered"] == sum(covered.values())
    assert 0 < report["coverage"]["covered"] < 443  # the demo leaves villages unserved
    assert len(report["uncovered_villages"]) == 443 - sum(covered.values())
    actives = Station.objects.filter(is_active=True)
    assert report["stations"]["active"] == actives.count()
    assert report["township_stations"]["active"] == actives.filter(kind="township").count()


@pytest.mark.django_db
def test_demo_settlement_counts_station_events(demo) -> None:  # type: ignore[no-untyped-def]
    """Pick-ups in June 2025 equal the distinct parcels delivered at stations that month."""
    june = date(2025, 6, 1)
    start, end = month_window(june)
    statements = settlement_statements(Scope(role=Role.OPERATOR), month=june)
    delivered = (
        TrackingEvent.objects.filter(
            station__isnull=False,
            status=TrackingStatus.DELIVERED,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .values("station_id", "parcel_id")
        .distinct()
        .count()
    )
    assert statements
    assert sum(s.counts["pickup"] for s in statements) == delivered
    for s in statements:
        assert s.delivered_of_checked_in <= s.checked_in
