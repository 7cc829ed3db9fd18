"""The parsing side gives the same chunks in a worker process as in this one."""

from __future__ import annotations

import pytest

from youpin.geo.divisions import shipped_table
from youpin.ingest.orders_source import Chunk, FileInfo, SourceSpec
from youpin.ingest.orders_worker import order_chunks
from youpin.ingest.tests.orders_support import DOUYIN, PDD_REFUNDS, SAMPLES, TAOBAO_BAD

DIVISIONS = tuple((d.code, d.name, d.level, d.parent_code) for d in shipped_table())


def _items(name: str, *, parallel: bool) -> list:
    """Everything order_chunks gives for a sample (chunks of two orders)."""
    spec = SourceSpec(path=str(SAMPLES / name), divisions=DIVISIONS, chunk_size=2, merchant_id=1)
    return list(order_chunks(spec, parallel=parallel))


@pytest.mark.parametrize("name", [DOUYIN, TAOBAO_BAD, PDD_REFUNDS, "stock_list.csv"])
def test_worker_and_in_process_agree(name):
    """Orders, refunds, messages (with raw rows) and counts survive the trip through the pipe."""
    here, there = _items(name, parallel=False), _items(name, parallel=True)
    assert len(here) == len(there)
    assert isinstance(here[0], FileInfo)
    assert here[0] == there[0]
    for mine, theirs in zip(here[1:], there[1:], strict=True):
        assert isinstance(theirs, Chunk)
        assert mine.orders == theirs.orders
        assert mine.refunds == theirs.refunds
        assert mine.messages == theirs.messages
        assert [m.raw for m in mine.messages] == [m.raw for m in theirs.messages]
        assert (mine.rows_read, mine.rows_rejected, mine.last) == (
            theirs.rows_read,
            theirs.rows_rejected,
            theirs.last,
        )


def test_chunks_end_with_the_last_one():
    """Chunks hold at most chunk_size orders and the last chunk says so."""
    items = _items(DOUYIN, parallel=False)
    chunks = [c for c in items[1:] if isinstance(c, Chunk)]
    assert all(len(c.orders) <= 2 for c in chunks)
    assert [c.last for c in chunks] == [False] * (len(chunks) - 1) + [True]
