"""The parsing side of an order import: file → chunks of prepared orders, messages and counts.

Pure (no Django), so that it can run in a separate process: on a two-core machine
parsing and loading then overlap. `order_chunks(spec, parallel=True)` starts a worker
process (orders_worker.py) that sends the chunks through a pipe; the pipe's small
buffer bounds how far the worker runs ahead (memory stays bounded), and a worker
whose reader died stops at its next write.

Each chunk holds up to `chunk_size` orders. Rows of one order that are not adjacent in
the file are merged with `merge_orders` when they fall in the same chunk; fragments
in different chunks are found by the loader and handled by a second pass over the
file restricted to those orders (`only_ids`), which merges all their fragments.
"""

from __future__ import annotations

import contextlib
import marshal
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from youpin.connectors.messages import Message, Severity
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


# --- running the parsing side in its own process -------------------------------------------
#
# The worker is `python -m youpin.ingest.orders_worker`: a plain child process (nothing of
# the parent's connections, threads or __main__ is carried over) that reads the spec on
# stdin and writes frames on stdout: an 8-byte length and a `marshal`led item (tuples of
# text and numbers only: marshal is several times faster than pickle for them).


def to_wire(item: Item) -> tuple[Any, ...]:
    """An item as plain tuples (for marshal)."""
    if isinstance(item, FileInfo):
        error = _message_wire(item.error) if item.error else None
        return ("info", item.platform, item.format, item.kind, item.label, item.header, error)
    return (
        "chunk",
        [_order_wire(o) for o in item.orders],
        [_refund_wire(r) for r in item.refunds],
        [_message_wire(m) for m in item.messages],
        item.rows_read,
        item.rows_rejected,
        item.last,
        item.position,
    )


def from_wire(data: tuple[Any, ...]) -> Item:
    """The item a `to_wire` tuple stands for."""
    if data[0] == "info":
        _, platform, format_, kind, label, header, error = data
        return FileInfo(
            platform=platform,
            format=format_,
            kind=kind,
            label=label,
            header=list(header),
            error=_message_from(error) if error else None,
        )
    _, orders, refunds, messages, rows_read, rows_rejected, last, position = data
    return Chunk(
        orders=[PreparedOrder(*o) for o in orders],
        refunds=[_refund_from(r) for r in refunds],
        messages=[_message_from(m) for m in messages],
        rows_read=rows_read,
        rows_rejected=rows_rejected,
        last=last,
        position=position,
    )


def _order_wire(order: PreparedOrder) -> tuple[Any, ...]:
    """A prepared order as a tuple in field order."""
    return (
        order.platform_order_id,
        order.rows,
        order.shop_key,
        order.shop_name,
        order.values,
        order.lines,
        order.export_state,
        order.fallback_state,
        order.content_hash,
        order.error_code,
        order.error,
    )


def _message_wire(message: Message) -> tuple[Any, ...]:
    """A message as a tuple."""
    return (
        message.severity.value,
        message.code,
        message.text,
        message.row,
        message.column,
        message.raw,
    )


def _message_from(data: tuple[Any, ...]) -> Message:
    """The message of a `_message_wire` tuple."""
    severity, code, text, row, column, raw = data
    return Message(Severity(severity), code, text, row=row, column=column, raw=raw)


def _refund_wire(refund: RefundRecord) -> tuple[Any, ...]:
    """A refund record as a tuple (amount and times as text)."""
    return (
        refund.platform,
        refund.platform_order_id,
        refund.refund_id,
        str(refund.amount),
        refund.status,
        refund.kind,
        refund.applied_at.isoformat() if refund.applied_at else None,
        refund.agreed_at.isoformat() if refund.agreed_at else None,
        refund.succeeded,
        refund.source_row,
    )


def _refund_from(data: tuple[Any, ...]) -> RefundRecord:
    """The refund record of a `_refund_wire` tuple."""
    platform, order_id, refund_id, amount, status, kind, applied, agreed, ok, row = data
    return RefundRecord(
        platform=platform,
        platform_order_id=order_id,
        refund_id=refund_id,
        amount=Decimal(amount),
        status=status,
        kind=kind,
        applied_at=datetime.fromisoformat(applied) if applied else None,
        agreed_at=datetime.fromisoformat(agreed) if agreed else None,
        succeeded=ok,
        source_row=row,
    )


_FRAME = struct.Struct("<Q")
_END = ("end",)


def write_frame(out: IO[bytes], data: Any) -> None:
    """Write one marshalled frame."""
    body = marshal.dumps(data)
    out.write(_FRAME.pack(len(body)))
    out.write(body)
    out.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """Read one marshalled frame; EOFError when the stream ends."""
    return marshal.loads(read_frame_bytes(stream))


def read_frame_bytes(stream: IO[bytes]) -> bytes:
    """Read one frame's bytes; EOFError when the stream ends."""
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    size = _FRAME.unpack(head)[0]
    body = stream.read(size)
    if len(body) < size:
        raise EOFError
    return body


class WorkerError(RuntimeError):
    """The parsing process failed or vanished."""


def spec_wire(spec: SourceSpec) -> dict[str, Any]:
    """A spec as a marshal-able dict."""
    data = dict(spec.__dict__)
    data["only_ids"] = sorted(spec.only_ids) if spec.only_ids is not None else None
    return data


def spec_from(data: dict[str, Any]) -> SourceSpec:
    """The spec of a `spec_wire` dict."""
    only = data.pop("only_ids")
    divisions = tuple(tuple(d) for d in data.pop("divisions"))
    return SourceSpec(
        **data,
        divisions=divisions,
        only_ids=frozenset(only) if only is not None else None,
    )


FRAMES_AHEAD = 2  # frames read ahead from the worker (bounds memory, lets it run ahead)


def _read_ahead(stream: IO[bytes], frames: queue.Queue[bytes | None]) -> None:
    """Reader thread: move frames from the worker's pipe to the queue; None at the end."""
    try:
        while True:
            frames.put(read_frame_bytes(stream))
    except (EOFError, OSError, ValueError):
        frames.put(None)


def order_chunks(spec: SourceSpec, *, parallel: bool) -> Iterator[Item]:
    """The items of `produce(spec)`, computed here or in a worker process.

    In parallel, a reader thread keeps up to FRAMES_AHEAD frames waiting, so that the
    worker parses the next chunks while this process loads the current one.
    """
    if not parallel:
        yield from produce(spec)
        return
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "youpin.ingest.orders_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        frames: queue.Queue[bytes | None] = queue.Queue(maxsize=FRAMES_AHEAD)
        reader = threading.Thread(
            target=_read_ahead, args=(process.stdout, frames), name="import-reader", daemon=True
        )
        try:
            write_frame(process.stdin, spec_wire(spec))
            process.stdin.close()
            reader.start()
            while True:
                body = frames.get()
                if body is None:
                    process.wait()
                    errors.seek(0)
                    detail = errors.read().decode("utf-8", "replace").strip().splitlines()
                    raise WorkerError(
                        f"解析进程意外退出：{detail[-1] if detail else process.returncode}"
                    )
                data = marshal.loads(body)
                if data == _END:
                    return
                yield from_wire(data)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            while reader.is_alive():  # unblock a reader waiting for room in the queue
                with contextlib.suppress(queue.Empty):
                    frames.get_nowait()
                reader.join(timeout=0.05)
            process.stdout.close()
