"""Python's garbage collector tuned for bulk loading: fewer collections while a batch runs.

Parsing and loading allocate millions of short-lived containers (rows, tuples of
values, unmarshalled chunks) and create few reference cycles. With the default
thresholds a collection runs every 700 allocations and a full one walks every object
of the process — in a Django process, hundreds of thousands — so a loader spent about
a fifth of its CPU collecting (docs/BENCHMARKS.md, "Order import"). Pure (no Django).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Generation thresholds while bulk work runs (the parsing worker uses them throughout).
BULK_THRESHOLDS = (50_000, 50, 1_000)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with BULK_THRESHOLDS; the previous thresholds come back after."""
    previous = gc.get_threshold()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
