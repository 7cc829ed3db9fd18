"""How the parsing worker's items travel: plain tuples, `marshal`led, in length-prefixed frames.

marshal is several times cheaper than pickle for tuples of text and numbers, which is
all a prepared order is; messages, refunds and the spec are turned into such tuples.
Pure (no Django).
"""

from __future__ import annotations

import marshal
import struct
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from youpin.connectors.messages import Message, Severity
from youpin.connectors.records import RefundRecord
from youpin.ingest.orders_prepare import PreparedOrder
from youpin.ingest.orders_source import Chunk, FileInfo, Item, SourceSpec


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
END = ("end",)


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
