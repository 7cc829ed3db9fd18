"""Shared forecast fits: stored once, read by a fresh process without fitting, warmed, pruned."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.cockpit import fits
from youpin.cockpit import forecast as fc
from youpin.cockpit.models import ForecastFit
from youpin.cockpit.tests.test_forecast import grown
from youpin.cockpit.tests.world import AS_OF, build
from youpin.cockpit.tiles import Tile, default_as_of, tiles
from youpin.cockpit.warm import warm, warm_scopes
from youpin.facts.refresh import facts_rebuild
from youpin.plans.selectors import plan_default
from youpin.testing.factories import HAIYUAN, SHAPOTOU

pytestmark = pytest.mark.django_db
SERIES = grown(30, 0.12, noise=0.05)  # January 2023 to June 2025


def new_process() -> None:
    """Forget every fit this process holds, as a newly started worker would."""
    fits.clear_process_cache()
    fc._forecast_monthly_cached.cache_clear()


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    """Each test starts and ends without fits held in the process."""
    new_process()
    yield
    new_process()


def refuse_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on any attempt to fit (simulation, yearly trend, statsmodels, SciPy) fails."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a fit was computed instead of read")

    monkeypatch.setattr(fc, "_simulate", refuse)
    monkeypatch.setattr(fc, "forecast_monthly", refuse)
    monkeypatch.setattr(fc, "forecast_yearly", refuse)
    monkeypatch.setitem(sys.modules, "statsmodels.tsa.holtwinters", None)  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "scipy.stats", None)  # type: ignore[arg-type]


def test_a_stored_fit_equals_the_computed_one() -> None:
    """The row holds the forecast the model makes, and what is read back is equal to it."""
    got = fits.monthly(SERIES, (2023, 1), 2026)
    expected = fc.forecast_monthly(SERIES, (2023, 1), 2026)
    assert got == expected
    assert expected.method == "hw_log_seasonal"
    row = ForecastFit.objects.get()
    assert row.kind == fits.MONTHLY
    assert len(row.key) == 64
    assert fc.forecast_from_json(row.forecast) == expected
    yearly = fits.yearly({2021: 10.0, 2022: 13.0, 2023: 14.0}, 2025)
    assert yearly == fc.forecast_yearly({2021: 10.0, 2022: 13.0, 2023: 14.0}, 2025)
    assert ForecastFit.objects.filter(kind=fits.YEARLY).count() == 1


def test_a_fresh_process_reads_the_row_without_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored by one process; a new one (caches empty, fitting refused) gets the same forecasts."""
    monthly = fits.monthly(SERIES, (2023, 1), 2026)
    level = fits.monthly([float(10 + i) for i in range(30)], (2023, 1), 2026, flow=False)
    yearly = fits.yearly({2021: 10.0, 2022: 13.0, 2023: 14.0}, 2025)
    new_process()
    refuse_fitting(monkeypatch)
    with pytest.raises(AssertionError, match="computed instead of read"):
        fits.monthly(SERIES[:-1], (2023, 1), 2026)  # not stored: the refusal is real
    assert fits.monthly(SERIES, (2023, 1), 2026) == monthly
    assert fits.monthly([10 + i for i in range(30)], (2023, 1), 2026, flow=False) == level
    assert fits.yearly({2021: 10, 2022: 13, 2023: 14}, 2025) == yearly
    assert ForecastFit.objects.count() == 3


def test_a_process_holds_what_it_read(django_assert_num_queries: object) -> None:
    """Read once from the database, then from the process: no query for the same fit."""
    fits.monthly(SERIES, (2023, 1), 2026)
    new_process()
    with django_assert_num_queries(1):  # type: ignore[operator]
        fits.monthly(SERIES, (2023, 1), 2026)
    with django_assert_num_queries(0):  # type: ignore[operator]
        fits.monthly(SERIES, (2023, 1), 2026)


def test_a_lost_race_to_store_does_not_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process stored the same key between our read and our write: the forecast is
    still returned and the connection goes on working (the failed insert was in a savepoint)."""
    stored = fits.monthly(SERIES, (2023, 1), 2026)
    new_process()
    monkeypatch.setattr(fits, "_read", lambda key: None)  # our read came before theirs landed
    with fits.tally() as t:
        again = fits.monthly(SERIES, (2023, 1), 2026)
    assert again == stored
    assert (t.computed, t.not_stored) == (1, 1)
    assert ForecastFit.objects.count() == 1  # the database is still usable


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's query_only pragma")
def test_a_read_only_database_does_not_fail_the_page() -> None:
    """Writes refused (SQLite's query_only): the fit is computed and returned, not stored."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        got = fits.monthly(SERIES, (2023, 1), 2026)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert got == fc.forecast_monthly(SERIES, (2023, 1), 2026)
    assert not ForecastFit.objects.exists()


def test_changed_inputs_give_a_new_key() -> None:
    """One changed month, the level flag or the target year each make a new row."""
    first = fits.monthly(SERIES, (2023, 1), 2026)
    changed = list(SERIES)
    changed[-1] *= 1.5
    second = fits.monthly(changed, (2023, 1), 2026)
    fits.monthly(SERIES, (2023, 1), 2027)
    fits.monthly(SERIES, (2023, 1), 2026, flow=False)
    assert ForecastFit.objects.count() == 4
    assert first != second
    fits.monthly([int(v) for v in [5] * 30], (2023, 1), 2026)  # ints and floats: one key
    fits.monthly([5.0] * 30, (2023, 1), 2026)
    assert ForecastFit.objects.count() == 5


def view(scope: Scope) -> list[Tile]:
    """The default view's tiles of a scope, without the live registry's read time."""
    plan = plan_default()
    assert plan is not None
    found = tiles(scope, plan, default_as_of(scope, AS_OF), with_verified=False)
    return [replace(t, freshness=None) if t.source == "registry" else t for t in found]


def test_the_warm_stores_the_fits_of_the_operator_and_each_county(
    zhongwei: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a warm, each default view's tiles come from the rows (fitting refused), equal to
    the tiles computed before; a second warm finds every fit and computes none."""
    build()
    facts_rebuild()
    scopes = warm_scopes()
    assert [(s.role, s.region_prefix) for s in scopes] == [
        (Role.OPERATOR, ""),
        (Role.OFFICIAL, SHAPOTOU[:6]),
        (Role.OFFICIAL, HAIYUAN[:6]),
    ]
    before = [view(s) for s in scopes]
    ForecastFit.objects.all().delete()
    new_process()

    first = warm(today=AS_OF)
    assert first.scopes == 3
    assert first.computed == ForecastFit.objects.count() > 0
    assert first.found == 0
    assert any(t.forecast_method == "holt_level" for t in before[0])  # a real fit among them

    new_process()
    refuse_fitting(monkeypatch)
    after = [view(s) for s in scopes]
    assert after == before  # every number, interval and note the same, read from the rows

    second = warm(today=AS_OF)
    assert (second.computed, second.found) == (0, first.computed)
    assert "3 个视图" in second.line()


def test_an_official_account_region_is_warmed_too(zhongwei: None) -> None:
    """A region an official is limited to is warmed even without facts of its own."""
    from youpin.testing.factories import place, user_with_role

    user_with_role(Role.OFFICIAL, region=place("640500000000"))
    prefixes = [s.region_prefix for s in warm_scopes()]
    assert prefixes == ["", "6405"]  # no facts yet: the operator and that official only


def test_the_warm_prunes_old_rows_it_did_not_use(zhongwei: None) -> None:
    """Rows fitted over 60 days ago go unless the warm used them; recent ones stay."""
    build()
    facts_rebuild()
    warm(today=AS_OF)
    used = set(ForecastFit.objects.values_list("key", flat=True))
    old = timezone.now() - timedelta(days=61)
    ForecastFit.objects.update(fitted_at=old)  # current, but fitted long ago: kept
    stale = {"method": "none", "note": {"message": "", "values": {}}, "level": 0.8}
    stale |= {"months": [], "years": []}
    ForecastFit.objects.create(key="a" * 64, kind="monthly", forecast=stale, fitted_at=old)
    recent = timezone.now() - timedelta(days=59)
    ForecastFit.objects.create(key="b" * 64, kind="monthly", forecast=stale, fitted_at=recent)
    result = warm(today=AS_OF)
    assert result.pruned == 1
    assert set(ForecastFit.objects.values_list("key", flat=True)) == used | {"b" * 64}


def test_the_cockpit_modules_do_not_import_statsmodels() -> None:
    """A process that serves the cockpit from stored fits never imports statsmodels or SciPy."""
    code = (
        "import sys, django; django.setup()\n"
        "import youpin.cockpit.views, youpin.cockpit.api, youpin.cockpit.warm\n"
        "import youpin.config.urls\n"
        "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="youpin.config.settings")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[4],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
