"""The express statistic equals a count by hand of known parcels, for every breakdown and role."""

from __future__ import annotations

import statistics as pystats
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.logistics.models import Carrier
from youpin.logistics.selectors import parcel_events
from youpin.logistics.statistics import ExpressReport, express_volume
from youpin.logistics.statistics_formulas import DIMENSIONS
from youpin.logistics.tests.express_cases import CASES, CITY_PREFIX, Case, build, in_year
from youpin.logistics.timeline import parcel_direction
from youpin.testing.factories import HAIYUAN, SHANGHAI

pytestmark = pytest.mark.django_db

OPERATOR = Scope(role=Role.OPERATOR)
YEAR = 2025


@pytest.fixture
def parcels(zhongwei: None) -> dict[str, object]:
    """The cases of express_cases, in the database."""
    return build()


def _collected(year: int, prefix: str = CITY_PREFIX, cases: list[Case] = CASES) -> list[Case]:
    """Cases collected in the region in a year (the plan's express volume), by hand."""
    return [c for c in cases if c.collected_in(prefix) and in_year(c.collected_at, year)]


def _delivered(year: int, prefix: str = CITY_PREFIX, cases: list[Case] = CASES) -> list[Case]:
    """Cases delivered in the region in a year, by hand."""
    return [c for c in cases if c.delivered_in(prefix) and in_year(c.delivered_at, year)]


def _report(**kw: object) -> ExpressReport:
    """The operator's 2025 report with every breakdown."""
    kw.setdefault("by", DIMENSIONS)
    return express_volume(OPERATOR, year=YEAR, **kw)  # type: ignore[arg-type]


def test_totals_equal_the_hand_count(parcels: object) -> None:
    """Collected, delivered, e-waybills, station and locker handovers match the cases."""
    report = _report()
    collected, delivered = _collected(YEAR), _delivered(YEAR)
    total = report.total.current
    assert total.collected == len(collected) == 6
    assert total.delivered == len(delivered) == 6
    assert total.collected_e_waybill == sum(c.e_waybill for c in collected) == 5
    assert total.delivered_at_station == sum(c.at_station() for c in delivered) == 3
    assert total.delivered_at_locker == sum(c.at_locker() for c in delivered) == 2
    assert report.total.current.e_waybill_share == round(5 * 100 / 6, 1)
    assert report.total.current.station_share == 50.0


def test_directions_split_outbound_intra_inbound(parcels: object) -> None:
    """Intra parcels form a third bucket: counted once collected, once delivered, never twice."""
    rows = {row.key: row.current for row in _report().directions}
    intra = [c for c in CASES if c.collected_in(CITY_PREFIX) and c.delivered_in(CITY_PREFIX)]
    assert rows["outbound"].collected == len(
        [c for c in _collected(YEAR) if not c.delivered_in(CITY_PREFIX)]
    )
    assert rows["intra"].collected == len([c for c in intra if in_year(c.collected_at, YEAR)])
    assert rows["intra"].delivered == len([c for c in intra if in_year(c.delivered_at, YEAR)])
    assert rows["inbound"].delivered == len(
        [c for c in _delivered(YEAR) if not c.collected_in(CITY_PREFIX)]
    )
    assert rows["outbound"].delivered == 0
    assert rows["inbound"].collected == 0
    assert (rows["outbound"].collected, rows["intra"].collected) == (3, 3)
    assert (rows["intra"].delivered, rows["inbound"].delivered) == (2, 4)


def test_year_boundaries_are_shanghai_time(parcels: object) -> None:
    """A parcel collected at 00:30 on 1 January counts in the new year, 23:30 on 31 December in
    the old one; a delivery at 00:10 on 1 January 2026 is not in 2025."""
    by_month = {row.key: row for row in _report().breakdowns["month"]}
    assert by_month["2025-01"].current.collected == 1  # out-new-year, 2024-12-31 16:30 UTC
    assert by_month["2025-01"].previous is not None
    assert by_month["2025-01"].previous.collected == 0
    assert by_month["2025-12"].current.collected == 1  # intra-straddle
    assert by_month["2025-12"].current.delivered == 1  # in-locker-eve at 23:59, not in-next-year
    report_2024 = express_volume(OPERATOR, year=2024, by=["month"])
    december = {row.key: row for row in report_2024.breakdowns["month"]}["2024-12"]
    assert december.current.collected == 1  # out-eve at 23:30


def test_year_on_year_growth(parcels: object) -> None:
    """Last year's figures and the growth over them match the cases of 2024."""
    total = _report().total
    assert total.previous is not None
    assert total.previous.collected == len(_collected(YEAR - 1)) == 2
    assert total.previous.delivered == len(_delivered(YEAR - 1)) == 1
    assert total.collected_growth == round((6 - 2) * 100 / 2, 1)
    assert total.delivered_growth == 500.0
    years = {row.key: row for row in _report().breakdowns["year"]}
    assert years["2025"].current.collected == 6
    assert years["2024"].current.collected == 2
    assert years["2025"].collected_growth == 200.0


def test_county_and_township_breakdowns(parcels: object) -> None:
    """Collected parcels go to the county of collection, delivered ones to that of delivery."""
    report = _report()
    counties = {row.key: row.current for row in report.breakdowns["county"]}
    for county in ("640502000000", "640521000000", "640522000000"):
        prefix = county[:6]
        assert counties[county].collected == len(_collected(YEAR, prefix)), county
        assert counties[county].delivered == len(_delivered(YEAR, prefix)), county
    assert {k: v.collected for k, v in counties.items()} == {
        "640502000000": 3,
        "640521000000": 2,
        "640522000000": 1,
    }
    townships = {row.key: row for row in report.breakdowns["township"]}
    xingren = townships["640502109000"]
    assert xingren.current.collected == 2  # out-new-year, intra-from-station
    assert xingren.current.delivered == 2  # in-station, in-by-scan (villages of 兴仁镇)
    assert xingren.label == "沙坡头区 兴仁镇"
    # parcels sent from a county-level place (沙坡头区, 中宁县 itself) have no township
    county_level = [c for c in _collected(YEAR) if c.origin and c.origin[6:9] == "000"]
    assert townships[""].current.collected == len(county_level) == 3
    assert sum(r.current.collected for r in townships.values()) == 6


def test_carrier_breakdown(parcels: object) -> None:
    """Each carrier's collected and delivered parcels, most collected first."""
    rows = _report().breakdowns["carrier"]
    expected_collected = Counter(c.carrier for c in _collected(YEAR))
    expected_delivered = Counter(c.carrier for c in _delivered(YEAR))
    assert {r.key: r.current.collected for r in rows} == dict(expected_collected)
    assert {r.key: r.current.delivered for r in rows} == dict(expected_delivered)
    order = sorted(
        expected_collected | expected_delivered,
        key=lambda k: (-expected_collected[k], -expected_delivered[k], k),
    )
    assert [r.key for r in rows] == order
    assert {r.label for r in rows} == {"中通快递", "顺丰速运"}


def test_day_breakdown(parcels: object) -> None:
    """Days of a month, beside the same day last year; a leap day has none."""
    report = express_volume(OPERATOR, year=YEAR, month=6, by=["day"])
    days = {row.key: row for row in report.breakdowns["day"]}
    assert len(days) == 30
    assert days["2025-06-01"].current.collected == 1
    assert days["2025-06-03"].current.delivered == 1
    assert sum(r.current.collected for r in days.values()) == report.total.current.collected
    leap = express_volume(OPERATOR, year=2024, month=2, by=["day"]).breakdowns["day"]
    assert leap[-1].key == "2024-02-29"
    assert leap[-1].previous is None
    year_days = express_volume(OPERATOR, year=YEAR, by=["day"]).breakdowns["day"]
    assert len(year_days) == 365
    assert sum(r.current.delivered for r in year_days) == 6


def test_transit_hours_mean_and_median(parcels: object) -> None:
    """Average and median collection-to-delivery hours of the collected, delivered cases."""
    report = _report()
    timed = [c.hours for c in _collected(YEAR) if c.hours is not None]
    assert report.total.current.collected_timed == len(timed) == 5
    assert report.total.current.collected_mean_hours == round(sum(timed) / len(timed), 1)
    assert report.collected_median_hours == round(pystats.median(timed), 1)
    delivered = [c.hours for c in _delivered(YEAR) if c.hours is not None]
    assert report.delivered_median_hours == round(pystats.median(delivered), 1)


def test_month_report_compares_the_same_month(parcels: object) -> None:
    """A month's report counts that month only, and last year's same month beside it."""
    report = express_volume(OPERATOR, year=YEAR, month=12, by=["month", "year"])
    assert report.total.current.collected == 1
    assert report.total.current.delivered == 1
    assert [r.key for r in report.breakdowns["month"]] == ["2025-12"]
    assert report.start.astimezone(SHANGHAI).isoformat() == "2025-12-01T00:00:00+08:00"


def test_sql_rules_agree_with_the_timeline_rules(parcels: dict[str, object]) -> None:
    """The parcel page's direction (pure rules) matches each case's hand-declared places."""
    for case in CASES:
        parcel = parcels[case.name]
        direction = parcel_direction(parcel, list(parcel_events(parcel)), CITY_PREFIX)  # type: ignore[arg-type]
        inside = (case.collected_in(CITY_PREFIX), case.delivered_in(CITY_PREFIX))
        expected = {
            (True, True): "intra",
            (True, False): "outbound",
            (False, True): "inbound",
            (False, False): None,
        }[inside]
        assert direction == expected, case.name


# ----------------------------------------------------------------------------- scoping


def test_county_official_sees_their_county(parcels: object) -> None:
    """A 海原县 official's report uses 海原县 as the region: 中宁→海原 is inbound there."""
    from youpin.accounts.scoping import scope_for
    from youpin.testing.factories import place, user_with_role

    official = scope_for(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    report = express_volume(official, year=YEAR, by=["direction"])
    assert report.region.prefix == "640522"
    assert report.total.current.collected == len(_collected(YEAR, "640522")) == 1
    assert report.total.current.delivered == len(_delivered(YEAR, "640522")) == 3
    directions = {r.key: r.current for r in report.directions}
    assert directions["inbound"].delivered == 3  # in-locker-eve, intra (from 中宁), in-own-locker
    with pytest.raises(PermissionDenied):
        express_volume(official, year=YEAR, region_code="640521000000")


def test_carrier_sees_only_its_parcels(parcels: object) -> None:
    """A carrier's report counts its own parcels only."""
    from youpin.accounts.scoping import scope_for
    from youpin.testing.factories import user_with_role

    zto = Carrier.objects.get(code="zto")
    scope = scope_for(user_with_role(Role.CARRIER, carrier=zto))
    report = express_volume(scope, year=YEAR, by=["carrier"])
    mine = [c for c in CASES if c.carrier == "zto"]
    assert report.total.current.collected == len(_collected(YEAR, cases=mine))
    assert report.total.current.delivered == len(_delivered(YEAR, cases=mine))
    assert [r.key for r in report.breakdowns["carrier"]] == ["zto"]
    assert report.carrier_code == "zto"


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.STATION_KEEPER, Role.CONSUMER])
def test_other_roles_are_refused(role: Role) -> None:
    """Merchants, station keepers and consumers get PermissionDenied."""
    with pytest.raises(PermissionDenied):
        express_volume(Scope(role=role, user_id=1), year=YEAR)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 1999}, "年份"),
        ({"year": 2025, "month": 13}, "月份"),
        ({"year": 2025, "by": ["county", "weekday"]}, "weekday"),
        ({"year": 2025, "region_code": "6405x"}, "区划代码"),
        ({"year": 2025, "region_code": "640599000000"}, "未知"),
    ],
)
def test_bad_input_is_a_value_error(zhongwei: None, kwargs: dict, message: str) -> None:
    """A bad year, month, breakdown or region is refused with a clear ValueError."""
    with pytest.raises(ValueError, match=message):
        express_volume(OPERATOR, **kwargs)


def test_empty_database_reports_zeros(zhongwei: None) -> None:
    """Without parcels every figure is zero and nothing divides by zero."""
    report = _report()
    assert report.total.current.collected == 0
    assert report.total.collected_growth is None
    assert report.total.current.e_waybill_share is None
    assert report.collected_median_hours is None
    assert [r.key for r in report.breakdowns["county"]] == [
        "640502000000",
        "640521000000",
        "640522000000",
    ]
