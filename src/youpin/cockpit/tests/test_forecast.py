"""The forecast module on synthetic series with known behaviour (no database)."""

from __future__ import annotations

import math
import random

import pytest

from youpin.cockpit import forecast as fc

SEASON = [0.8, 0.7, 0.9, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.1, 1.5, 1.1]


def grown(months: int, annual: float, *, base: float = 1000.0, noise: float = 0.0) -> list[float]:
    """A monthly series from January growing `annual` a year, with the season and noise."""
    rng = random.Random(7)
    return [
        base * (1 + annual) ** (i / 12) * SEASON[i % 12] * (1 + rng.uniform(-noise, noise))
        for i in range(months)
    ]


def year_total(annual: float, year_index: int, *, base: float = 1000.0) -> float:
    """The exact total of year number `year_index` (0 = the first) of a noiseless series."""
    return sum(
        base * (1 + annual) ** (i / 12) * SEASON[i % 12]
        for i in range(12 * year_index, 12 * (year_index + 1))
    )


def test_noiseless_growth_is_extended_exactly() -> None:
    """48 months growing 15 % a year: the fifth year's total is the series' own continuation."""
    f = fc.forecast_monthly(grown(48, 0.15), (2021, 1), 2025)
    assert f.method == "hw_log_seasonal"
    est = f.years[2025]
    assert est.mean == pytest.approx(year_total(0.15, 4), rel=1e-3)
    assert est.lower <= est.mean <= est.upper


def test_steady_growth_above_the_plan_is_on_track() -> None:
    """Growing 15 % against a plan of 12 % from the same 2021 level: on track for 2025."""
    values = grown(54, 0.15, noise=0.05)  # January 2021 to June 2025
    f = fc.forecast_monthly(values, (2021, 1), 2025)
    planned_2025 = year_total(0.0, 0) * 1.12**4  # 2021's seasonal total, plus 12 % a year
    assert fc.track_status(planned_2025, f.years[2025]) == fc.ON_TRACK
    # the known half-year is inside the total: the forecast adds only July to December
    known = sum(values[48:54])
    assert f.years[2025].mean > known
    assert set(f.months) == {(2025, m) for m in range(7, 13)}


def test_flat_sales_against_a_growing_plan_are_off_track() -> None:
    """Flat sales (no growth, a little noise) cannot reach a plan growing 12 % a year."""
    values = grown(54, 0.0, noise=0.03)
    f = fc.forecast_monthly(values, (2021, 1), 2025)
    planned_2025 = year_total(0.0, 0) * 1.12**4
    status = fc.track_status(planned_2025, f.years[2025])
    assert status == fc.OFF_TRACK
    assert f.years[2025].upper < planned_2025


def test_a_plan_just_inside_the_interval_is_at_risk() -> None:
    """Planned value between the median and the upper end: at risk."""
    est = fc.Estimate(mean=95.0, lower=85.0, upper=105.0)
    assert fc.track_status(100.0, est) == fc.AT_RISK
    assert fc.track_status(95.0, est) == fc.ON_TRACK
    assert fc.track_status(106.0, est) == fc.OFF_TRACK
    assert fc.track_status(None, est) == fc.UNKNOWN
    assert fc.track_status(100.0, None) == fc.UNKNOWN


def test_at_most_targets_are_mirrored() -> None:
    """A target that must stay below a value: on track below, at risk when the lower end is."""
    est = fc.Estimate(mean=95.0, lower=85.0, upper=105.0)
    assert fc.track_status(100.0, est, at_least=False) == fc.ON_TRACK
    assert fc.track_status(90.0, est, at_least=False) == fc.AT_RISK
    assert fc.track_status(80.0, est, at_least=False) == fc.OFF_TRACK


def test_too_short_a_series_gets_no_forecast_and_says_why() -> None:
    """23 months cannot carry a 12-month season: no forecast, a reason, unknown status."""
    f = fc.forecast_monthly(grown(23, 0.1), (2024, 1), 2025)
    assert not f.available
    assert f.method == "none"
    assert "23" in f.note
    assert "24" in f.note
    assert fc.track_status(100.0, f.years.get(2025)) == fc.UNKNOWN


def test_nothing_to_forecast_when_the_target_year_is_known() -> None:
    """Every month of the target year known: no forecast needed."""
    f = fc.forecast_monthly(grown(60, 0.1), (2021, 1), 2025)
    assert not f.available
    assert "无需预测" in f.note


def test_a_level_series_continues_its_trend() -> None:
    """Stations opening one a month: the December level follows the line, interval around it."""
    values = [float(10 + i) for i in range(30)]  # January 2023 (10) to June 2025 (39)
    f = fc.forecast_monthly(values, (2023, 1), 2025, flow=False)
    assert f.method == "holt_level"
    est = f.years[2025]
    assert est.mean == pytest.approx(45.0, abs=0.5)  # December 2025 is six months on
    assert est.lower <= 45.0 <= est.upper + 0.5


def test_a_constant_series_stays_constant() -> None:
    """A series without any change is carried forward with no spread."""
    f = fc.forecast_monthly([36.0] * 30, (2023, 1), 2025, flow=False)
    assert f.method == "flat"
    assert f.years[2025] == fc.Estimate(36.0, 36.0, 36.0)


def test_months_with_zero_sales_drop_the_logarithm() -> None:
    """A flow with an empty month is modelled without the logarithm, still with a forecast."""
    values = grown(36, 0.1)
    values[5] = 0.0
    f = fc.forecast_monthly(values, (2022, 1), 2025)
    assert f.method == "hw_seasonal"
    assert f.years[2025].mean > 0


def test_yearly_log_linear_trend_is_exact_on_a_geometric_series() -> None:
    """10, 12, 14.4 (20 % a year): 2024 and 2025 continue it; the interval is then a point."""
    f = fc.forecast_yearly({2021: 10.0, 2022: 12.0, 2023: 14.4}, 2025)
    assert f.method == "loglinear_yearly"
    assert f.years[2024].mean == pytest.approx(17.28)
    assert f.years[2025].mean == pytest.approx(20.736)
    assert f.years[2025].upper - f.years[2025].lower == pytest.approx(0.0, abs=1e-6)


def test_yearly_interval_by_hand() -> None:
    """Three noisy points: the prediction interval equals the textbook formula by hand."""
    values = {2021: 10.0, 2022: 13.0, 2023: 14.0}
    f = fc.forecast_yearly(values, 2024, level=0.8)
    xs, ys = [2021.0, 2022.0, 2023.0], [math.log(v) for v in values.values()]
    slope = (ys[2] - ys[0]) / 2  # least squares on three evenly spaced points
    mid = sum(ys) / 3 + slope * (2024 - 2022)
    resid = [y - (sum(ys) / 3 + slope * (x - 2022)) for x, y in zip(xs, ys, strict=True)]
    s = math.sqrt(sum(r * r for r in resid) / 1)
    se = s * math.sqrt(1 + 1 / 3 + 4 / 2)
    t = 3.077683537  # Student's t, 1 degree of freedom, 90th percentile
    assert f.years[2024].mean == pytest.approx(math.exp(mid))
    assert f.years[2024].lower == pytest.approx(math.exp(mid - t * se), rel=1e-6)
    assert f.years[2024].upper == pytest.approx(math.exp(mid + t * se), rel=1e-6)


def test_yearly_needs_three_positive_years() -> None:
    """Two years, or a zero, give no forecast and a reason."""
    assert not fc.forecast_yearly({2023: 1.0, 2024: 2.0}, 2025).available
    assert not fc.forecast_yearly({2022: 1.0, 2023: 0.0, 2024: 2.0}, 2025).available


def _round_trip(f: fc.Forecast) -> fc.Forecast:
    """The forecast through JSON text and back (as a stored fit is read)."""
    import json

    return fc.forecast_from_json(json.loads(json.dumps(fc.forecast_to_json(f))))


def test_a_fitted_forecast_survives_the_json_round_trip_equal() -> None:
    """Every month and year estimate, the method, level and note come back exactly."""
    for f in (
        fc.forecast_monthly(grown(54, 0.15, noise=0.05), (2021, 1), 2026),
        fc.forecast_monthly([float(10 + i) for i in range(30)], (2023, 1), 2025, flow=False),
        fc.forecast_yearly({2021: 10.0, 2022: 13.0, 2023: 14.0}, 2025),
    ):
        back = _round_trip(f)
        assert back == f
        assert back.months == f.months  # exact floats, not approximately
        assert list(back.months) == sorted(f.months)
        assert isinstance(back.note, fc.Note)
        assert back.note.message == f.note.message  # type: ignore[attr-defined]


def test_a_note_with_values_still_translates_after_the_round_trip() -> None:
    """The reason of a missing forecast keeps its marked message and values (nested ones too)."""
    from django.utils import translation

    f = fc.forecast_monthly(grown(23, 0.1), (2024, 1), 2025)
    back = _round_trip(f)
    assert back == f
    assert back.note == f.note == "完整月份仅 23 个，少于模型所需的 24 个，不作预测"
    assert back.note.values == {"n": 23, "needed": 24}  # type: ignore[attr-defined]
    with translation.override("en"):
        assert back.note.translated() == f.note.translated()  # type: ignore[attr-defined]
        assert back.note.translated().startswith("Only 23 complete months")  # type: ignore[attr-defined]
    outer = fc.no_forecast(fc.Note("无法预测%(year)s年：%(why)s", year=2025, why=f.note))
    again = _round_trip(outer)
    assert isinstance(again.note.values["why"], fc.Note)  # type: ignore[attr-defined]
    with translation.override("en"):
        assert "Only 23 complete months" in again.note.translated()  # type: ignore[attr-defined]


def test_non_finite_estimates_and_plain_notes_round_trip() -> None:
    """Infinity has no JSON number: it travels as text and comes back; a plain note too."""
    inf = float("inf")
    f = fc.Forecast(
        "hw_log_seasonal",
        "plain",
        0.8,
        {(2025, 7): fc.Estimate(1.5, 0.0, inf)},
        {2025: fc.Estimate(0.1 + 0.2, -inf, inf)},
    )
    data = fc.forecast_to_json(f)
    import json

    json.dumps(data, allow_nan=False)  # strict JSON, as PostgreSQL's jsonb wants
    assert _round_trip(f) == f
