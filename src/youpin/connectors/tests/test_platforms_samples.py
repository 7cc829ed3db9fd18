"""The committed sample files are exactly what make_samples.py writes."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType

from openpyxl import load_workbook

SAMPLES = Path(__file__).parent / "samples"


def _make_samples() -> ModuleType:
    """Load samples/make_samples.py (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's cell values of a workbook."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_samples_are_up_to_date() -> None:
    """Regenerating gives the committed bytes (XLSX: the same cells)."""
    built = _make_samples().build()
    committed = {p.name: p.read_bytes() for p in (SAMPLES / "orders").iterdir()}
    assert sorted(built) == sorted(committed)
    for name, data in built.items():
        if name.endswith(".xlsx"):
            assert _cells(data) == _cells(committed[name]), name
        else:
            assert data == committed[name], name


def test_samples_have_their_quirks() -> None:
    """GBK without BOM for Taobao and JD, a BOM for Pinduoduo, `="` ids and `'` phones."""
    orders = SAMPLES / "orders"
    taobao = (orders / "ExportOrderList202511051030.csv").read_bytes()
    assert taobao.decode("gbk").startswith("订单编号,")
    assert b'="3861234567890123456"' in taobao
    assert "'13995512345".encode("gbk") in taobao
    assert (orders / "jd_orders_20251105.csv").read_bytes().decode("gbk").startswith("订单号,")
    pdd = orders / "5e1b7c9d2a4f4b8e9c0d1a2b3c4d5e6forders_export2025-11-05.csv"
    assert pdd.read_bytes().startswith(b"\xef\xbb\xbf")
    douyin = (orders / "douyin_orders_20251105.csv").read_text("utf-8")
    assert "'6923456789012345678" in douyin
    assert "6923456789012345700\t" in douyin
    assert list(_cells((orders / "pdd_aftersales_2025-11-05.xlsx").read_bytes())) == [
        "说明",
        "售后信息",
    ]
