"""The parsing side of an order import: file → chunks of prepared orders, messages and counts.

Pure (no Django), so that it can run in a separate process: on a two-core machine
parsing and loading then overlap (orders_worker.py runs `produce` in a child process
and sends its items through a pipe, in the format of orders_wire.py).

Each chunk holds up to `chunk_size` orders. Rows of one order that are not adjacent in
the file are merged with `merge_orders` when they fall in the same chunk; fragments
in different chunks are found by the loader and handled by a second pass over the
file restricted to those orders (`only_ids`), which merges all their fragments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from youpin.connectors.messages import Message
from youpin.connectors.platforms import ColumnMapping, ParseResult, merge_orders, parse_orders
from youpin.connectors.records import OrderRecord, RefundRecord
from youpin.geo.divisions import Division, DivisionTable
from youpin.ingest.orders_prepare import PreparedOrder, Preparer
from youpin.ingest.places import PlaceFinder

DivisionRow = tuple[str, str, str, str | None]


@dataclass(frozen=True)
class SourceSpec:
    """What the parsing side needs, all picklable."""

    path: str
    platform: str = "auto"
    mapping_json: str = ""
    divisions: tuple[DivisionRow, ...] = ()
    carriers: dict[str, int] = field(default_factory=dict)
    stations: dict[str, int] = field(default_factory=dict)
    postgres: bool = False
    merchant_id: int | None = None
    chunk_size: int = 5000
    only_ids: frozenset[str] | None = None  # second pass: only these orders, merged


@dataclass
class FileInfo:
    """What the header said: the format, or why the file is refused."""

    platform: str
    format: str
    kind: str
    label: str
    header: list[str]
    error: Message | None


@dataclass
class Chunk:
    """A chunk of work for the loader."""

    orders: list[PreparedOrder] = field(default_factory=list)
    refunds: list[RefundRecord] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    last: bool = False
    position: int = 0  # bytes of the file read so far (for a progress bar)


Item = FileInfo | Chunk


def _table(spec: SourceSpec) -> DivisionTable:
    """The division table from the rows the spec carries."""
    return DivisionTable(
        Division(code=code, name=name, level=level, parent_code=parent)
        for code, name, level, parent in spec.divisions
    )


def header_of(result: ParseResult) -> list[str]:
    """The (cleaned) header the parser read; ParseResult does not publish it yet."""
    log = getattr(result, "_log", None)
    return list(getattr(log, "header", []) or [])


def _info(result: ParseResult, header: list[str]) -> FileInfo:
    """The FileInfo of a ParseResult."""
    return FileInfo(
        platform=result.platform,
        format=result.format,
        kind=result.kind,
        label=result.label,
        header=header,
        error=result.file_error if not result.kind else None,
    )


def produce(spec: SourceSpec) -> Iterator[Item]:
    """Parse the file: first a FileInfo, then chunks (the last one has `last=True`)."""
    mapping = ColumnMapping.from_json(spec.mapping_json) if spec.mapping_json else None
    with Path(spec.path).open("rb") as stream:
        result = parse_orders(stream, platform=spec.platform, mapping=mapping)
        info = _info(result, header_of(result))
        yield info
        if not result.kind:
            return
        for chunk in _chunks(result, spec):
            chunk.position = _position(stream)
            yield chunk


def _position(stream: IO[bytes]) -> int:
    """How far the file has been read (0 once the parser closed it)."""
    try:
        return stream.tell()
    except (OSError, ValueError):
        return 0


def _chunks(result: ParseResult, spec: SourceSpec) -> Iterator[Chunk]:
    """The chunks of a recognised file."""
    if result.kind == "refunds":
        yield from _refund_chunks(result, spec)
        return
    preparer = Preparer(
        places=PlaceFinder(_table(spec)),
        carriers=spec.carriers,
        stations=spec.stations,
        postgres=spec.postgres,
        merchant_id=spec.merchant_id,
    )
    if spec.only_ids is not None:
        yield from _merged_chunks(result, spec, preparer)
    else:
        yield from _order_chunks(result, spec, preparer)


def _order_chunks(result: ParseResult, spec: SourceSpec, preparer: Preparer) -> Iterator[Chunk]:
    """Chunks of prepared orders; fragments within a chunk are merged."""
    pending: dict[str, OrderRecord] = {}
    merged: set[str] = set()
    for record in result.iter_orders():
        known = pending.get(record.platform_order_id)
        if known is None:
            pending[record.platform_order_id] = record
        else:
            pending[record.platform_order_id] = merge_orders(known, record)
            merged.add(record.platform_order_id)
        if len(pending) >= spec.chunk_size:
            yield _chunk(result, pending, merged, preparer, last=False)
            pending, merged = {}, set()
    yield _chunk(result, pending, merged, preparer, last=True)


def _chunk(
    result: ParseResult,
    pending: dict[str, OrderRecord],
    merged: set[str],
    preparer: Preparer,
    *,
    last: bool,
) -> Chunk:
    """Prepare the pending records into a chunk with the messages gathered so far."""
    orders = []
    for order_id, record in pending.items():
        prepared = preparer.prepare(record)
        if order_id in merged and not prepared.error:
            prepared.content_hash = preparer.digest(prepared, merged=True)
        orders.append(prepared)
    return Chunk(
        orders=orders,
        messages=result.take_messages(),
        rows_read=result.rows_read,
        rows_rejected=result.rows_rejected,
        last=last,
    )


def _merged_chunks(result: ParseResult, spec: SourceSpec, preparer: Preparer) -> Iterator[Chunk]:
    """Second pass: every fragment of the wanted orders merged, then prepared in chunks."""
    wanted = spec.only_ids or frozenset()
    found: dict[str, OrderRecord] = {}
    counts: dict[str, int] = {}
    for record in result.iter_orders():
        result.take_messages()
        order_id = record.platform_order_id
        if order_id not in wanted:
            continue
        counts[order_id] = counts.get(order_id, 0) + 1
        known = found.get(order_id)
        found[order_id] = record if known is None else merge_orders(known, record)
    ids = list(found)
    for start in range(0, len(ids), spec.chunk_size):
        orders = []
        for order_id in ids[start : start + spec.chunk_size]:
            prepared = preparer.prepare(found[order_id])
            if counts[order_id] > 1 and not prepared.error:
                prepared.content_hash = preparer.digest(prepared, merged=True)
            orders.append(prepared)
        yield Chunk(orders=orders, last=False)
    yield Chunk(last=True)


def _refund_chunks(result: ParseResult, spec: SourceSpec) -> Iterator[Chunk]:
    """Chunks of refund records."""
    refunds: list[RefundRecord] = []
    for refund in result.iter_refunds():
        refunds.append(refund)
        if len(refunds) >= spec.chunk_size:
            yield Chunk(
                refunds=refunds,
                messages=result.take_messages(),
                rows_read=result.rows_read,
                rows_rejected=result.rows_rejected,
            )
            refunds = []
    yield Chunk(
        refunds=refunds,
        messages=result.take_messages(),
        rows_read=result.rows_read,
        rows_rejected=result.rows_rejected,
        last=True,
    )
