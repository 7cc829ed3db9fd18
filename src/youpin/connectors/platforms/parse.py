"""The single entry point: bytes of an order export in, canonical records streamed out.

`parse_orders` reads the header at once (detecting the format, reporting missing and
unknown columns) and returns a `ParseResult` whose records are produced lazily, so a
file of a million rows is read in bounded memory: only the current order (one-row-
per-line exports) and the row being read are held. Either stream with
`iter_orders()` / `iter_refunds()` (calling `take_messages()` between batches keeps
the messages bounded too) or read `.orders` / `.refunds` to get lists.

A file that cannot be read, or whose header is not a known export, gives a result
with `kind == ""`, no records and exactly one file-level error (`file_error`).
Nothing in the file's content raises; an unknown `platform` argument is a
programming error and raises ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from youpin.connectors.messages import Message, error
from youpin.connectors.platforms.base import ParseLog, PlatformConnector, Reader
from youpin.connectors.platforms.detect import FORMATS, explain_unknown
from youpin.connectors.platforms.mapping import ColumnMapping
from youpin.connectors.records import OrderRecord, RefundRecord
from youpin.connectors.tabular import NotATable, Table, open_table, xlsx_sheet_names

#: Platform name → its built-in formats (parse_orders(platform=…) accepts either).
PLATFORM_FORMATS: dict[str, tuple[str, ...]] = {}
for _name, _connector in FORMATS.items():
    PLATFORM_FORMATS.setdefault(_connector.platform, ())
    PLATFORM_FORMATS[_connector.platform] += (_name,)

Record = OrderRecord | RefundRecord


@dataclass
class ParseResult:
    """What one file gave: its format, lazily streamed records, messages and row counts."""

    platform: str = ""
    format: str = ""
    kind: str = ""  # "orders" | "order_lines" | "refunds"; "" when the file was refused
    label: str = ""
    _log: ParseLog = field(default_factory=ParseLog, repr=False)
    _stream: Iterator[Record] | None = field(default=None, repr=False)
    _started: bool = field(default=False, repr=False)
    _items: list[Record] | None = field(default=None, repr=False)

    @property
    def messages(self) -> list[Message]:
        """Messages so far (all of them once the records are exhausted), minus those taken."""
        return self._log.messages

    @property
    def rows_read(self) -> int:
        """Data rows read so far (blank rows are not counted)."""
        return self._log.rows_read

    @property
    def rows_ok(self) -> int:
        """Rows that contributed to a record."""
        return self._log.rows_ok

    @property
    def rows_rejected(self) -> int:
        """Rows refused, each with one error message."""
        return self._log.rows_rejected

    @property
    def file_error(self) -> Message | None:
        """The file-level error (no row number), if the file was refused or broke off."""
        return next((m for m in self._log.messages if m.is_error and m.row is None), None)

    @property
    def finished(self) -> bool:
        """True once every row has been read (and the counts and messages are final)."""
        return self._stream is None or self._log.finished

    def take_messages(self) -> list[Message]:
        """Hand over the messages gathered so far and forget them (for streaming importers)."""
        taken, self._log.messages = self._log.messages, []
        return taken

    def records(self) -> Iterator[Record]:
        """Stream the records, once (or iterate the list once `.orders`/`.refunds` was read)."""
        if self._items is not None:
            return iter(self._items)
        if self._started:
            raise RuntimeError("records were already streamed; keep them or read .orders first")
        self._started = True
        return self._stream if self._stream is not None else iter(())

    def iter_orders(self) -> Iterator[OrderRecord]:
        """Stream the orders (none for a refund file)."""
        for record in self.records():
            if isinstance(record, OrderRecord):
                yield record

    def iter_refunds(self) -> Iterator[RefundRecord]:
        """Stream the refunds (none for an order file)."""
        for record in self.records():
            if isinstance(record, RefundRecord):
                yield record

    def _materialise(self) -> list[Record]:
        """All records as a list (reads the rest of the file once)."""
        if self._items is None:
            self._items = list(self.records())
        return self._items

    @property
    def orders(self) -> list[OrderRecord]:
        """All orders as a list (reads the whole file)."""
        return [r for r in self._materialise() if isinstance(r, OrderRecord)]

    @property
    def refunds(self) -> list[RefundRecord]:
        """All refunds as a list (reads the whole file)."""
        return [r for r in self._materialise() if isinstance(r, RefundRecord)]


def _refused(text: str, code: str = "not_an_order_export") -> ParseResult:
    """A result with one file-level error and nothing else."""
    result = ParseResult()
    result._log.messages.append(error(code, text))
    return result


def _candidates(platform: str, mapping: ColumnMapping | None) -> list[PlatformConnector]:
    """The connectors a call may use; ValueError for an unknown platform name."""
    if mapping is not None:
        return [mapping.to_layout()]
    if platform == "auto":
        return list(FORMATS.values())
    if platform in PLATFORM_FORMATS:
        return [FORMATS[name] for name in PLATFORM_FORMATS[platform]]
    if platform in FORMATS:
        return [FORMATS[platform]]
    known = ", ".join(["auto", *PLATFORM_FORMATS, *FORMATS])
    raise ValueError(f"unknown platform {platform!r} (one of: {known})")


def _open(stream: IO[bytes], sheet: str | None) -> Table:
    """Open the table; every failure becomes NotATable with a merchant-readable reason."""
    try:
        return open_table(stream, sheet=sheet)
    except NotATable:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many types on damaged files
        raise NotATable(f"文件已损坏或格式不受支持：{exc}") from exc


def _best(header: list[str], candidates: list[PlatformConnector]) -> PlatformConnector | None:
    """The candidate whose signature the header carries and that recognises most columns."""
    best: tuple[int, PlatformConnector] | None = None
    for connector in candidates:
        score = connector.score(header)
        if score and (best is None or score > best[0]):
            best = (score, connector)
    return best[1] if best else None


def _find_sheet(
    stream: IO[bytes], first: Table, candidates: list[PlatformConnector]
) -> tuple[Table, PlatformConnector | None]:
    """For a workbook, look through its other sheets when the first is not an export."""
    for name in xlsx_sheet_names(stream)[1:]:
        try:
            other = _open(stream, name)
        except NotATable:
            continue
        connector = _best(other.header, candidates)
        if connector:
            return other, connector
    try:
        return _open(stream, None), None  # reopened: the first table's reader was disturbed
    except NotATable:
        return first, None


def _guarded(
    rows: Iterable[tuple[int, list[str]]], log: ParseLog
) -> Iterator[tuple[int, list[str]]]:
    """Rows of the table; a reader failure mid-file ends them with one file-level error."""
    try:
        yield from rows
    except Exception as exc:  # csv/openpyxl errors on damaged content must not escape
        log.messages.append(
            error("file_damaged", f"读到第 {log.rows_read} 条数据后文件无法继续读取：{exc}")
        )


def _stream(reader: Reader, table: Table, log: ParseLog) -> Iterator[Record]:
    """Records of the table through a bound reader; counted warnings added at the end."""
    yield from reader.read(_guarded(table.rows, log), log)
    log.flush_notes()
    log.finished = True


def parse_orders(
    stream: IO[bytes],
    *,
    platform: str = "auto",
    mapping: ColumnMapping | None = None,
    sheet: str | None = None,
) -> ParseResult:
    """Read an order or refund export (CSV/XLSX) into canonical records, streamed.

    `platform` is "auto" (detect from the header), a platform ("taobao", "pinduoduo",
    "douyin", "jd": detect among its formats) or a format id from detect.FORMATS
    ("taobao_orders", "tmall_suborders", "pinduoduo_orders", "pinduoduo_refunds",
    "douyin_orders", "jd_orders").
    `mapping` reads the file through a saved ColumnMapping instead. `sheet` names the
    XLSX sheet (default: the first sheet that is a known export).
    """
    try:
        candidates = _candidates(platform, mapping)
    except ValueError:
        if mapping is None:
            raise
        return _refused(f"列映射模板无效：{'；'.join(mapping.problems())}", "bad_mapping")
    try:
        table = _open(stream, sheet)
    except NotATable as exc:
        return _refused(f"无法读取文件：{exc}", "unreadable_file")
    connector = _best(table.header, candidates)
    if connector is None and table.kind == "xlsx" and sheet is None:
        table, connector = _find_sheet(stream, table, candidates)
    if connector is None and len(candidates) == 1:
        connector = candidates[0]  # named explicitly: binding says what is missing
    if connector is None:
        return _refused(explain_unknown(table.header))
    reader, header_messages = connector.bind(table.header)
    if reader is None:
        return _refused(header_messages[0].text, header_messages[0].code)
    log = ParseLog(header=table.header, messages=header_messages)
    return ParseResult(
        platform=connector.platform,
        format=connector.name,
        kind=connector.kind,
        label=connector.label,
        _log=log,
        _stream=_stream(reader, table, log),
    )
