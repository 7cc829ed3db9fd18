"""Forecasts of a target's series to the plan's target year, with an interval (pure: no database).

Monthly flows (sales, parcels) are modelled with exponential smoothing (statsmodels'
Holt-Winters `ExponentialSmoothing`: additive trend, additive 12-month season, simulated
with additive normal errors) on the **logarithm** of the monthly values, so growth and
seasonality are proportional, as they are in trade figures. Levels (stations open) use the
same model without season and without the logarithm. Yearly totals and their interval come
from simulated future paths: each path's months are summed per calendar year (adding the
months already known), and the interval is the central share `level` of those sums (10th
to 90th percentile for the default 80 %). A series too short for a model gets no forecast
and a reason, never a guess.

Notes and status labels stay Chinese (the API and the reports carry them); they are marked
for the English catalogue and a page shows them translated (`Note.translated`, `{% translate %}`).

A forecast goes to JSON and back exactly (`forecast_to_json`, `forecast_from_json`), its note
with the marked message and values, so a stored fit (`youpin.cockpit.fits`) still translates.
`MODEL_VERSION` names the models' behaviour: change it whenever a change here would give a
different forecast for the same inputs, so stored fits are made again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext, gettext_noop

MIN_SEASONAL_MONTHS = 24  # two full seasons: what a 12-month seasonal model needs
MIN_LEVEL_MONTHS = 12
MIN_YEARS = 3
DEFAULT_LEVEL = 0.8
SIMULATIONS = 2000
MODEL_VERSION = "hw-loglinear-1"

ON_TRACK, AT_RISK, OFF_TRACK, UNKNOWN = "on_track", "at_risk", "off_track", "unknown"
# Chinese in the API and the reports; pages translate them (`{% translate t.status_label %}`).
STATUS_LABELS = {
    ON_TRACK: gettext_noop("按计划推进"),
    AT_RISK: gettext_noop("存在风险"),
    OFF_TRACK: gettext_noop("偏离目标"),
    UNKNOWN: gettext_noop("无法判断"),
}


class Note(str):
    """A forecast note: its Chinese text (what the API and the reports carry) that also keeps
    the marked message and its values, so a page can show it in the reader's language."""

    message: str
    values: dict[str, object]

    def __new__(cls, message: str, **values: object) -> Note:
        """The note `message % values` (or `message` alone when there are no values)."""
        note = super().__new__(cls, message % values if values else message)
        note.message = message
        note.values = values
        return note

    def translated(self) -> str:
        """The note in the active language (the Chinese text when no translation exists); values
        that are notes themselves are translated too."""
        if not self.message:
            return ""
        text = gettext(self.message)
        if not self.values:
            return text
        return text % {
            k: v.translated() if isinstance(v, Note) else v for k, v in self.values.items()
        }


@dataclass(frozen=True)
class Estimate:
    """A forecast value (the median of the simulated paths) and its interval."""

    mean: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Forecast:
    """A forecast: the method, why (or why not), and the values per future month and year.

    `months` maps `(year, month)` to the month's estimate, from the month after the last
    known one; `years` maps each calendar year touched to the year's estimate: the year's
    total for a flow (known months included), its December level for a level series.
    """

    method: str
    note: str
    level: float
    months: dict[tuple[int, int], Estimate]
    years: dict[int, Estimate]

    @property
    def available(self) -> bool:
        """True when there is a forecast."""
        return bool(self.years)


def no_forecast(reason: str, level: float = DEFAULT_LEVEL) -> Forecast:
    """The answer when no forecast is made, saying why (a `Note`, or plain text made one)."""
    return Forecast("none", reason if isinstance(reason, Note) else Note(reason), level, {}, {})


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    """The month `n` months after (year, month)."""
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _quantiles(values: Any, level: float) -> Estimate:
    """Median and central interval of simulated values."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    tail = (1 - level) / 2
    lo, mid, hi = np.quantile(arr, [tail, 0.5, 1 - tail])
    return Estimate(float(mid), float(lo), float(hi))


def forecast_monthly(
    values: Sequence[float],
    first: tuple[int, int],
    until_year: int,
    *,
    flow: bool = True,
    level: float = DEFAULT_LEVEL,
    seed: int = 1,
) -> Forecast:
    """Forecast a monthly series (complete months from `first`) to December of `until_year`.

    A flow needs 24 months (12-month season); a level 12 months. Non-positive months in a
    flow drop the logarithm (additive season instead). Results are cached per input.
    """
    return _forecast_monthly_cached(
        tuple(float(v) for v in values), first, until_year, flow, level, seed
    )


@lru_cache(maxsize=256)
def _forecast_monthly_cached(
    values: tuple[float, ...],
    first: tuple[int, int],
    until_year: int,
    flow: bool,
    level: float,
    seed: int,
) -> Forecast:
    """The cached body of `forecast_monthly`."""
    n = len(values)
    last = _add_months(*first, n - 1) if n else first
    horizon = (until_year - last[0]) * 12 + (12 - last[1])
    if horizon <= 0:
        return no_forecast(Note(gettext_noop("目标年已全部有实际数据，无需预测")), level)
    needed = MIN_SEASONAL_MONTHS if flow else MIN_LEVEL_MONTHS
    if n < needed:
        message = gettext_noop("完整月份仅 %(n)s 个，少于模型所需的 %(needed)s 个，不作预测")
        return no_forecast(Note(message, n=n, needed=needed), level)
    if len(set(values)) == 1:
        return _flat(values, last, horizon, flow=flow, level=level)
    use_log = flow and min(values) > 0
    try:
        paths = _simulate(values, horizon, flow=flow, use_log=use_log, seed=seed)
    except Exception as exc:  # statsmodels raises many kinds; the tile says so
        message = gettext_noop("模型拟合失败（%(error)s），不作预测")
        return no_forecast(Note(message, error=type(exc).__name__), level)
    if use_log:
        method = "hw_log_seasonal"
        note = Note(gettext_noop("指数平滑（Holt-Winters，对数、加法趋势、12个月季节）"))
    elif flow:
        method = "hw_seasonal"
        note = Note(
            gettext_noop("指数平滑（Holt-Winters，加法趋势、12个月季节；序列含零值，未取对数）")
        )
    else:
        method, note = "holt_level", Note(gettext_noop("指数平滑（Holt，加法趋势，无季节）"))
    return _summarise(values, last, paths, flow=flow, level=level, method=method, note=note)


def _simulate(
    values: Sequence[float], horizon: int, *, flow: bool, use_log: bool, seed: int
) -> Any:
    """Simulated future paths of a fitted Holt-Winters model: `horizon` × `SIMULATIONS`.

    Errors are drawn from a normal distribution with the fit's residual variance (additive
    errors, statsmodels' `simulate`), so the spread of the paths is the model's uncertainty.
    """
    import warnings

    import numpy as np

    y = np.log(np.asarray(values)) if use_log else np.asarray(values, dtype=float)
    seasonal = "add" if flow else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' deprecation and convergence notices
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        model = ExponentialSmoothing(
            y,
            trend="add",
            damped_trend=False,
            seasonal=seasonal,
            seasonal_periods=12 if seasonal else None,
            initialization_method="estimated",
        )
        fitted = model.fit()
        sims = fitted.simulate(
            horizon, anchor="end", repetitions=SIMULATIONS, error="add", random_state=seed
        )
    arr = np.asarray(sims, dtype=float).reshape(horizon, SIMULATIONS)
    if use_log:
        arr = np.exp(arr)
    elif not flow:
        arr = np.maximum(arr, 0.0)
    return arr


def _flat(
    values: Sequence[float], last: tuple[int, int], horizon: int, *, flow: bool, level: float
) -> Forecast:
    """A constant series: the same value ahead with no spread (nothing to model)."""
    import numpy as np

    paths = np.full((horizon, 1), float(values[-1]))
    return _summarise(
        values,
        last,
        paths,
        flow=flow,
        level=level,
        method="flat",
        note=Note(gettext_noop("序列恒定，按原值延续")),
    )


def _summarise(
    values: Sequence[float],
    last: tuple[int, int],
    paths: Any,
    *,
    flow: bool,
    level: float,
    method: str,
    note: Note,
) -> Forecast:
    """Per-month and per-year estimates from simulated paths (known months added to flows).

    `paths` is an array of months × simulations.
    """
    horizon = paths.shape[0]
    months = [_add_months(*last, i + 1) for i in range(horizon)]
    month_est = {ym: _quantiles(paths[i], level) for i, ym in enumerate(months)}
    known_in_year = 0.0
    if flow and last[1] < 12:
        known_in_year = float(sum(values[len(values) - last[1] :]))
    years: dict[int, Estimate] = {}
    for year in sorted({y for y, _ in months}):
        idx = [i for i, (y, _) in enumerate(months) if y == year]
        if flow:
            base = known_in_year if year == last[0] else 0.0
            totals = base + paths[idx[0] : idx[-1] + 1].sum(axis=0)
        else:
            totals = paths[idx[-1]]
        years[year] = _quantiles(totals, level)
    return Forecast(method, note, level, month_est, years)


def forecast_yearly(
    values: dict[int, float], until_year: int, *, level: float = DEFAULT_LEVEL
) -> Forecast:
    """Forecast yearly values (e.g. hand-entered ones) by a log-linear trend with an interval.

    Needs values for at least three years, all positive; the interval is the regression's
    prediction interval (Student's t), so few points give a wide interval.
    """
    years = sorted(values)
    if len(years) < MIN_YEARS:
        message = gettext_noop("仅有 %(years)s 年数据，少于 %(needed)s 年，不作预测")
        return no_forecast(Note(message, years=len(years), needed=MIN_YEARS), level)
    if years[-1] >= until_year:
        return no_forecast(Note(gettext_noop("目标年已有实际数据，无需预测")), level)
    if min(values.values()) <= 0:
        return no_forecast(Note(gettext_noop("数据含零或负值，不作对数趋势预测")), level)
    from scipy import stats

    xs = [float(y) for y in years]
    ys = [math.log(values[y]) for y in years]
    n = len(xs)
    xbar, ybar = sum(xs) / n, sum(ys) / n
    sxx = sum((x - xbar) ** 2 for x in xs)
    slope = sum((x - xbar) * (y - ybar) for x, y in zip(xs, ys, strict=True)) / sxx
    icpt = ybar - slope * xbar
    resid = [y - (icpt + slope * x) for x, y in zip(xs, ys, strict=True)]
    s = math.sqrt(sum(r * r for r in resid) / (n - 2))
    t = float(stats.t.ppf(1 - (1 - level) / 2, n - 2))
    out: dict[int, Estimate] = {}
    for year in range(years[-1] + 1, until_year + 1):
        mid = icpt + slope * year
        se = s * math.sqrt(1 + 1 / n + (year - xbar) ** 2 / sxx)
        out[year] = Estimate(math.exp(mid), math.exp(mid - t * se), math.exp(mid + t * se))
    note = Note(gettext_noop("按年对数线性趋势（最小二乘，t 分布预测区间）"))
    return Forecast("loglinear_yearly", note, level, {}, out)


def _float_json(x: float) -> float | str:
    """A float for JSON: itself, or its name when not finite (JSON has no NaN or infinity)."""
    return x if math.isfinite(x) else repr(x)


def _estimate_json(est: Estimate) -> list[float | str]:
    """An estimate as [mean, lower, upper]."""
    return [_float_json(est.mean), _float_json(est.lower), _float_json(est.upper)]


def _estimate_from_json(data: Sequence[float | str]) -> Estimate:
    """The estimate of `_estimate_json`."""
    mean, lower, upper = (float(x) for x in data)
    return Estimate(mean, lower, upper)


def note_to_json(note: str) -> dict[str, Any]:
    """A note as JSON: its message and values (a plain string becomes a message alone)."""
    if not isinstance(note, Note):
        return {"message": str(note), "values": {}}
    values: dict[str, Any] = {}
    for key, value in note.values.items():
        if isinstance(value, Note):
            values[key] = {"note": note_to_json(value)}
        elif value is None or isinstance(value, (bool, int, str)):
            values[key] = value
        elif isinstance(value, float):
            values[key] = {"float": _float_json(value)}
        else:
            raise TypeError(f"note value {key!r} of type {type(value).__name__} has no JSON form")
    return {"message": note.message, "values": values}


def note_from_json(data: dict[str, Any]) -> Note:
    """The note of `note_to_json`, with its marked message and values."""
    values: dict[str, object] = {}
    for key, value in data["values"].items():
        if isinstance(value, dict) and "note" in value:
            values[key] = note_from_json(value["note"])
        elif isinstance(value, dict) and "float" in value:
            values[key] = float(value["float"])
        else:
            values[key] = value
    return Note(data["message"], **values)


def forecast_to_json(forecast: Forecast) -> dict[str, Any]:
    """A forecast as JSON (exact: floats keep every digit; see `forecast_from_json`)."""
    return {
        "method": forecast.method,
        "note": note_to_json(forecast.note),
        "level": forecast.level,
        "months": [[y, m, *_estimate_json(e)] for (y, m), e in sorted(forecast.months.items())],
        "years": [[y, *_estimate_json(e)] for y, e in sorted(forecast.years.items())],
    }


def forecast_from_json(data: dict[str, Any]) -> Forecast:
    """The forecast of `forecast_to_json`."""
    return Forecast(
        data["method"],
        note_from_json(data["note"]),
        float(data["level"]),
        {(int(y), int(m)): _estimate_from_json(rest) for y, m, *rest in data["months"]},
        {int(y): _estimate_from_json(rest) for y, *rest in data["years"]},
    )


def track_status(planned: float | None, estimate: Estimate | None, *, at_least: bool = True) -> str:
    """On track, at risk or off track: the forecast (and its interval) against the planned value.

    For an "at least" target: on track when the forecast reaches the planned value; at risk
    when it does not but the interval's upper end does; off track when even the upper end
    falls short. Mirrored for an "at most" target. Unknown without a plan value or forecast.
    """
    if planned is None or estimate is None:
        return UNKNOWN
    if at_least:
        if estimate.mean >= planned:
            return ON_TRACK
        return AT_RISK if estimate.upper >= planned else OFF_TRACK
    if estimate.mean <= planned:
        return ON_TRACK
    return AT_RISK if estimate.lower <= planned else OFF_TRACK
