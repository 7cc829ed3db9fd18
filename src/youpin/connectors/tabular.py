"""Reading the tables merchants hand over: CSV in any Chinese encoding, or XLSX, streamed.

Also the cell cleaners every platform needs: Excel-protection prefixes, amounts
with separators and currency signs, long numeric IDs kept as text, dates.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import IO
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 64 * 1024


class NotATable(ValueError):
    """The bytes are not a CSV or XLSX table at all."""


@dataclass
class Table:
    """A header and a stream of (1-based file row number, cells) rows."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    kind: str  # "csv" or "xlsx"


def detect_encoding(head: bytes) -> str:
    """Guess a CSV's encoding from its first bytes: BOMs, then UTF-8, else GB18030 (⊇ GBK)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "gb18030"
    return "utf-8"


def open_table(stream: IO[bytes], *, sheet: str | None = None) -> Table:
    """Open a binary stream as a table, CSV or XLSX, without reading it whole."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise NotATable("文件为空")
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(stream, sheet)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotATable("不是 CSV 或 XLSX 表格（看起来是二进制文件）")
    return _open_csv(stream, detect_encoding(head))


def _open_csv(stream: IO[bytes], encoding: str) -> Table:
    """Stream a CSV with the given encoding; undecodable bytes become U+FFFD."""
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    sample = text.read(SNIFF_BYTES)
    text.seek(0)
    delimiter = _sniff_delimiter(sample)
    reader = csv.reader(text, delimiter=delimiter)
    header: list[str] | None = None
    line = 0
    for cells in reader:
        line += 1
        if any(c.strip() for c in cells):
            header = [clean_header(c) for c in cells]
            break
    if header is None:
        raise NotATable("文件中没有表头")

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = line
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                yield number, cells

    return Table(header=header, rows=rows(), encoding=encoding, kind="csv")


def _sniff_delimiter(sample: str) -> str:
    """Pick the delimiter of the header line among comma, tab and semicolon."""
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _open_xlsx(stream: IO[bytes], sheet: str | None) -> Table:
    """Stream an XLSX sheet (the named one, else the first) in read-only mode."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NotATable(f"无法读取 XLSX 文件：{exc}") from exc
    ws = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
    values = ws.iter_rows(values_only=True)
    header: list[str] | None = None
    line = 0
    for cells in values:
        line += 1
        texts = [xlsx_cell_text(c) for c in cells]
        if any(t.strip() for t in texts):
            header = [clean_header(t) for t in texts]
            break
    if header is None:
        book.close()
        raise NotATable("工作表中没有表头")

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = line
        try:
            for cells in values:
                number += 1
                texts = [xlsx_cell_text(c) for c in cells]
                if any(t.strip() for t in texts):
                    yield number, texts
        finally:
            book.close()

    return Table(header=header, rows=rows(), encoding="xlsx", kind="xlsx")


def xlsx_cell_text(value: object) -> str:
    """Render an XLSX cell as the text a person sees; integers never gain '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def clean_header(cell: str) -> str:
    """A header cell without BOM, quotes, Excel prefixes and surrounding spaces."""
    return clean_cell(cell.replace("\ufeff", ""))


_EXCEL_FORMULA = re.compile(r'^=\s*"(.*)"$', re.DOTALL)


def clean_cell(cell: str | None) -> str:
    """Strip the Excel-protection prefixes (`="…"`, `=`, `'`, TAB) and surrounding spaces."""
    if cell is None:
        return ""
    text = cell.strip().strip("\t").strip()
    match = _EXCEL_FORMULA.match(text)
    if match:
        text = match.group(1)
    elif text.startswith("="):
        text = text[1:]
    if text.startswith("'"):
        text = text[1:]
    return text.strip().strip("\t").strip()


_AMOUNT_JUNK = re.compile(r"^(?:[¥￥]|CNY|RMB)\s*|\s*元$|(?<=\d)[,，](?=\d{3})", re.IGNORECASE)
_AMOUNT_OK = re.compile(r"^-?\d+(\.\d+)?$")


def parse_amount(cell: str | None) -> Decimal | None:
    """Parse a CNY amount ('1,299.00', '￥59'); None when empty; ValueError if malformed."""
    text = clean_cell(cell)
    if text in {"", "-", "--"}:
        return None
    if "," in text and not re.match(r"^-?[¥￥]?\d{1,3}(,\d{3})+(\.\d+)?$", text.replace(" ", "")):
        raise ValueError(f"金额格式错误：{cell!r}")
    normal = _AMOUNT_JUNK.sub("", text)
    if not _AMOUNT_OK.match(normal):
        raise ValueError(f"金额格式错误：{cell!r}")
    try:
        return Decimal(normal).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(f"金额格式错误：{cell!r}") from exc


def parse_int(cell: str | None) -> int | None:
    """Parse a whole number such as a quantity; None when empty; ValueError if malformed."""
    text = clean_cell(cell).replace(",", "")
    if text == "":
        return None
    if re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(text.split(".")[0])
    raise ValueError(f"数量格式错误：{cell!r}")


def parse_id(cell: str | None) -> str:
    """An identifier kept exactly as text; scientific notation (lost digits) is refused."""
    text = clean_cell(cell)
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        raise ValueError(f"编号已被 Excel 转成科学计数法，位数丢失：{cell!r}")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
)


def parse_datetime(cell: str | None, tz: ZoneInfo = SHANGHAI) -> datetime | None:
    """Parse a date-time, Asia/Shanghai unless it has an offset; ValueError if malformed."""
    text = clean_cell(cell)
    if text in {"", "-", "--", "null", "NULL", "0000-00-00 00:00:00"}:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for fmt in _DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"时间格式错误：{cell!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def fast_clean(cell: str) -> str:
    """`clean_cell` for one cell, with a fast path for the common cells that need no cleaning."""
    if not cell:
        return ""
    first = cell[0]
    last = cell[-1]
    if last.isspace():
        return clean_cell(cell)
    if first == "'":
        if len(cell) > 1 and not cell[1].isspace():
            return cell[1:]
        return clean_cell(cell)
    if first == "=" or first.isspace():
        return clean_cell(cell)
    return cell


def xlsx_sheet_names(stream: IO[bytes]) -> list[str]:
    """The sheet names of an XLSX stream, in workbook order; empty if it is not an XLSX."""
    from openpyxl import load_workbook

    head = stream.read(len(XLSX_MAGIC))
    stream.seek(0)
    if head != XLSX_MAGIC:
        return []
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # a damaged workbook simply has no sheets we can offer
        stream.seek(0)
        return []
    names = list(book.sheetnames)
    book.close()
    stream.seek(0)
    return names
