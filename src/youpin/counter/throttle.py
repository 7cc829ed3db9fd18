"""Limits on failed pick-up attempts, per station and per client address.

Pickup codes are short by design, so guessing must be slow: after `CLIENT_LIMIT` failures
from one address, or `STATION_LIMIT` at one station, within `WINDOW_SECONDS`, further
attempts are refused until the window closes. Counted in Django's cache: the default
local-memory cache counts per process (each gunicorn worker apart), a shared cache such
as Redis makes the limits hold across processes. Every failure is logged with the station,
the client address and the reason, never the phone tail or the code typed.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

log = logging.getLogger("youpin.counter.pickup")

CLIENT_LIMIT = 10
STATION_LIMIT = 30
WINDOW_SECONDS = 600


def _keys(station_id: int, client: str) -> tuple[str, str]:
    """The cache keys of a station's and a client's failure counts."""
    return f"youpin:pickup-fail:station:{station_id}", f"youpin:pickup-fail:client:{client}"


def pickup_allowed(station_id: int, client: str) -> bool:
    """False once the station or the client has used up its failures in the window."""
    station_key, client_key = _keys(station_id, client)
    counts = cache.get_many([station_key, client_key])
    return (
        int(counts.get(station_key, 0)) < STATION_LIMIT
        and int(counts.get(client_key, 0)) < CLIENT_LIMIT
    )


def _bump(key: str) -> int:
    """Count one failure under a key whose window opens with its first failure."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def pickup_failed(station_id: int, client: str, reason: str, user_id: int | None) -> None:
    """Count and log one failed attempt (no phone digits, no code)."""
    station_key, client_key = _keys(station_id, client)
    at_station = _bump(station_key)
    from_client = _bump(client_key)
    log.warning(
        "pick-up refused: station=%s client=%s user=%s reason=%s failures(station=%d, client=%d)",
        station_id,
        client,
        user_id,
        reason,
        at_station,
        from_client,
    )
