"""The bulk-loading collector thresholds: set inside the block, restored after, even on error."""

from __future__ import annotations

import gc

import pytest

from youpin.ingest.collector import BULK_THRESHOLDS, fewer_collections


def test_thresholds_inside_and_restored_after_an_error():
    """Inside: the bulk thresholds; after a normal exit or an exception: the caller's own."""
    before = gc.get_threshold()
    gc.set_threshold(123, 4, 5)
    try:
        with fewer_collections():
            assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_threshold() == (123, 4, 5)
        seen: list[tuple[int, int, int]] = []

        def fail() -> None:
            """Note the thresholds, then fail inside the block."""
            with fewer_collections():
                seen.append(gc.get_threshold())
                raise RuntimeError("stop")

        with pytest.raises(RuntimeError):
            fail()
        assert seen == [(50_000, 50, 1_000)]
        assert gc.get_threshold() == (123, 4, 5)
    finally:
        gc.set_threshold(*before)
