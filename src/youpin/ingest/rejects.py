"""Rejected rows as a file to fix and import again.

`rejects_csv(batch, out)` writes the batch's rejected rows as UTF-8-with-BOM CSV (Excel
opens it as Chinese): the file's own header, the raw cells exactly as read (`="…"`
protections included), and a last column 拒收原因 with the reason. Importing the fixed
file again is detected as the same format; the reason column is ignored.

Rows refused while loading (an unknown shop, an order of another merchant) were valid
cells the parser never kept, so their raw content is read back from the kept file at
the end of the import (`rejects_fill_raw`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from youpin.connectors.messages import Message, warning
from youpin.connectors.tabular import NotATable, Table, open_table, xlsx_sheet_names
from youpin.ingest.models import ImportBatch, RejectedRow

REASON_HEADER = "拒收原因"
_UNKNOWN_COLUMNS = "unknown_column"


def raw_row(header: list[str], cells: list[str]) -> dict[str, str]:
    """A row as a dict under the file's headers; cells beyond the header as 第N列."""
    raw = dict(zip(header, cells, strict=False))
    for number, value in enumerate(cells[len(header) :], start=len(header) + 1):
        raw[f"第{number}列"] = value
    return raw


def _tables(path: Path, header: list[str]) -> Iterator[Table]:
    """The table of the kept file whose header is `header` (each sheet of a workbook)."""
    names: list[str | None] = list(xlsx_sheet_names_of(path)) or [None]
    for name in names:
        with path.open("rb") as stream:
            try:
                table = open_table(stream, sheet=name)
            except NotATable:
                continue
            if table.header == header:
                yield table
                return


def xlsx_sheet_names_of(path: Path) -> list[str]:
    """Sheet names of a kept workbook (empty for a CSV)."""
    with path.open("rb") as stream:
        return xlsx_sheet_names(stream)


def rejects_fill_raw(batch: ImportBatch, header: list[str]) -> int:
    """Read back the raw cells of rejected rows that have none yet; return how many were filled."""
    waiting = {
        r.row_number: r
        for r in RejectedRow.objects.filter(batch=batch).only("id", "row_number", "raw")
        if not r.raw and r.row_number
    }
    if not waiting or not batch.stored_path or not Path(batch.stored_path).exists():
        return 0
    filled: list[RejectedRow] = []
    for table in _tables(Path(batch.stored_path), header):
        for number, cells in table.rows:
            row = waiting.get(number)
            if row is not None:
                row.raw = raw_row(header, cells)
                filled.append(row)
                if len(filled) == len(waiting):
                    break
    RejectedRow.objects.bulk_update(filled, ["raw"], batch_size=1000)
    return len(filled)


def rejects_csv(batch: ImportBatch, out: IO[str]) -> int:
    """Write the batch's rejected rows as CSV (text stream opened with newline=''); return rows."""
    header = list((batch.report or {}).get("header") or [])
    rows = list(RejectedRow.objects.filter(batch=batch).order_by("row_number", "id"))
    extra: list[str] = []
    for row in rows:
        for key in row.raw or {}:
            if key not in header and key not in extra:
                extra.append(key)
    columns = [*header, *extra]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*columns, REASON_HEADER])
    for row in rows:
        raw: dict[str, Any] = row.raw or {}
        writer.writerow([*(raw.get(c, "") for c in columns), row.reason])
    return len(rows)


def rejects_csv_bytes(batch: ImportBatch) -> bytes:
    """The rejected rows as UTF-8-with-BOM CSV bytes."""
    text = io.StringIO(newline="")
    rejects_csv(batch, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def without_reason_column(message: Message) -> Message | None:
    """A parser warning about unknown columns, minus our own reason column (None if only it)."""
    if message.code != _UNKNOWN_COLUMNS or REASON_HEADER not in message.text:
        return message
    head, _, names = message.text.partition("：")
    kept = [n for n in names.split("、") if n and n != REASON_HEADER]
    if not kept:
        return None
    return warning(message.code, f"{head}：{'、'.join(kept)}", row=message.row)
