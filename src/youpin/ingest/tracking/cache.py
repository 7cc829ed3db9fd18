"""Small per-process caches of reference data the push path reads on every request.

Carriers and stations change rarely; reading them (and building their lookup tables) on
every push would cost more than the push itself. A cache is checked against a cheap
fingerprint of its table (row count and highest id, one indexed query) on every use,
dropped when a row is saved or deleted in this process, and reloaded after `TTL`
seconds in any case (for edits made by other processes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TTL = 60.0


class Cached(Generic[T]):
    """A value computed by `load`, kept while its table's fingerprint holds, for `TTL` s."""

    def __init__(self, load: Callable[[], T], model: type[Model], ttl: float = TTL) -> None:
        self._load = load
        self._table = model._meta.db_table
        self._ttl = ttl
        self._value: T | None = None
        self._stamp: tuple[object, ...] = ()
        self._until = 0.0
        self._lock = threading.Lock()

    def _fingerprint(self) -> tuple[object, ...]:
        """Row count and highest id of the table (a rolled-back or new row changes them)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), MAX(id) FROM {self._table}")
            return tuple(cursor.fetchone())

    def fingerprint_sql(self) -> str:
        """The fingerprint query, for a caller that reads it inside a statement of its own
        (then `get_with` its result): one round trip fewer."""
        return f"SELECT COUNT(*), MAX(id) FROM {self._table}"

    def get(self) -> T:
        """The cached value, loaded again when stale."""
        return self.get_with(self._fingerprint())

    def get_with(self, stamp: tuple[object, ...]) -> T:
        """The cached value, loaded again when stale; `stamp` is the table's fingerprint as
        the caller has just read it (`fingerprint_sql`)."""
        stamp = tuple(stamp)
        with self._lock:
            now = time.monotonic()
            if self._value is None or stamp != self._stamp or now >= self._until:
                self._value = self._load()
                self._stamp = stamp
                self._until = now + self._ttl
            return self._value

    def clear(self, *args: Any, **kwargs: Any) -> None:
        """Forget the value (also a signal receiver)."""
        with self._lock:
            self._value = None


def cached_by_model(load: Callable[[], T], model: type[Model]) -> Cached[T]:
    """A cache of `load`, which reads `model`'s table, cleared when one of its rows changes."""
    cache = Cached(load, model)
    post_save.connect(cache.clear, sender=model, weak=False)
    post_delete.connect(cache.clear, sender=model, weak=False)
    return cache
