"""The cockpit's forecasts, fitted once and shared: per-process cache → database row → fit.

A fit's key is the SHA-256 of its inputs (the series, first month, target year, kind and
interval level) and of what makes its result (`forecast.MODEL_VERSION`, the number of
simulated paths, the versions of statsmodels, NumPy and SciPy), so a changed series or model
gets a new row and an old row is never read for new inputs. A fit not found is computed
(importing statsmodels only then) and stored; a store that fails (another process stored the
same key first, a read-only database) is logged and the page goes on with the computed fit.
The warm (`youpin.cockpit.warm`) stores the default views' fits after each facts refresh.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from youpin.cockpit import forecast as fc
from youpin.cockpit.models import ForecastFit

logger = logging.getLogger(__name__)

MONTHLY, YEARLY = "monthly", "yearly"
JSON_FORMAT = 1  # the layout of `forecast.forecast_to_json`; part of the key
PROCESS_CACHE_SIZE = 512

_process: OrderedDict[str, fc.Forecast] = OrderedDict()
_lock = threading.Lock()  # threaded workers share the process cache


@dataclass
class Tally:
    """What the fits asked for while a `tally()` was open: computed, read, and their keys."""

    computed: int = 0
    found: int = 0
    cached: int = 0
    not_stored: int = 0
    keys: set[str] = field(default_factory=set)


_tallies: list[Tally] = []


@contextmanager
def tally() -> Iterator[Tally]:
    """Count the fits asked for inside the block (used by the warm; not thread-aware)."""
    t = Tally()
    _tallies.append(t)
    try:
        yield t
    finally:
        _tallies.remove(t)


def _count(what: str, key: str) -> None:
    """Add one to every open tally."""
    for t in _tallies:
        setattr(t, what, getattr(t, what) + 1)
        t.keys.add(key)


def clear_process_cache() -> None:
    """Forget the fits this process holds (as a new process would start)."""
    with _lock:
        _process.clear()


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """The model version and the versions of the libraries that make a fit (read once)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"model": fc.MODEL_VERSION, "simulations": str(fc.SIMULATIONS)}
    for dist in ("statsmodels", "numpy", "scipy"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - all three are dependencies
            found[dist] = "absent"
    return found


def fit_key(kind: str, inputs: dict[str, Any]) -> str:
    """The SHA-256 hex of a fit's kind, inputs and versions (canonical JSON)."""
    text = json.dumps(
        {"kind": kind, "format": JSON_FORMAT, "versions": _versions(), "inputs": inputs},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def monthly(
    values: Sequence[float], first: tuple[int, int], until_year: int, *, flow: bool = True
) -> fc.Forecast:
    """`forecast.forecast_monthly` of the series, from this process, the database or a new fit."""
    series = [float(v) for v in values]
    first = (int(first[0]), int(first[1]))
    inputs = {
        "values": series,
        "first": list(first),
        "until_year": int(until_year),
        "flow": bool(flow),
        "level": fc.DEFAULT_LEVEL,
        "seed": 1,
    }
    return _get(
        MONTHLY,
        fit_key(MONTHLY, inputs),
        lambda: fc.forecast_monthly(series, first, int(until_year), flow=flow),
    )


def yearly(known: dict[int, float], until_year: int) -> fc.Forecast:
    """`forecast.forecast_yearly` of the values, from this process, the database or a new fit."""
    values = {int(y): float(v) for y, v in known.items()}
    inputs = {
        "values": [[y, values[y]] for y in sorted(values)],
        "until_year": int(until_year),
        "level": fc.DEFAULT_LEVEL,
    }
    return _get(
        YEARLY, fit_key(YEARLY, inputs), lambda: fc.forecast_yearly(values, int(until_year))
    )


def _get(kind: str, key: str, compute: Callable[[], fc.Forecast]) -> fc.Forecast:
    """The forecast under `key`: held, read from its row, or computed and stored."""
    with _lock:
        held = _process.get(key)
        if held is not None:
            _process.move_to_end(key)
    if held is not None:
        _count("cached", key)
        return held
    data = _read(key)
    if data is not None:
        found = fc.forecast_from_json(data)
        _count("found", key)
    else:
        found = compute()
        _count("computed", key)
        if not _store(kind, key, found):
            _count("not_stored", key)
    with _lock:
        _process[key] = found
        while len(_process) > PROCESS_CACHE_SIZE:
            _process.popitem(last=False)
    return found


def _read(key: str) -> dict[str, Any] | None:
    """The stored JSON of a fit, or None."""
    found: dict[str, Any] | None = (
        ForecastFit.objects.filter(pk=key).values_list("forecast", flat=True).first()
    )
    return found


def _store(kind: str, key: str, forecast: fc.Forecast) -> bool:
    """Keep a computed fit; False (logged, never raised) when the database refuses it."""
    try:
        with transaction.atomic():
            ForecastFit.objects.create(
                key=key,
                kind=kind,
                forecast=fc.forecast_to_json(forecast),
                fitted_at=timezone.now(),
            )
    except DatabaseError as exc:  # a concurrent store of the same key, a read-only database
        logger.warning("forecast fit %s not stored: %s", key[:12], type(exc).__name__)
        return False
    return True
