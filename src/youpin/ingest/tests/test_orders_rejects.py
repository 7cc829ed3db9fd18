"""Rejected rows as a file: original headers plus 拒收原因, fixed and imported again."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from youpin.commerce.models import Order
from youpin.ingest.models import ImportBatch
from youpin.ingest.rejects import REASON_HEADER, rejects_csv_bytes
from youpin.ingest.tests.orders_support import (
    DOUYIN,
    SAMPLES,
    TAOBAO_BAD,
    _merchant,  # noqa: F401  (fixture)
    _var_dir,  # noqa: F401  (fixture)
    cell,
    csv_rows,
    grouped,
    import_sample,
    iter_csv,
    run_import,
    write_csv,
)

pytestmark = pytest.mark.django_db

FIXES = {
    "": "3861234567890120003",  # 订单编号为空 → an id
    "3.00000000000000E+18": "3861234567890120004",  # Excel's scientific notation → the id
}


def _fixed(data: bytes) -> bytes:
    """The rejects file with every problem corrected by hand, the reason column kept."""
    rows = list(iter_csv(data))
    header = rows[0]
    columns = ("订单编号", "买家实际支付金额", "订单创建时间")
    order, paid, created = (header.index(h) for h in columns)
    fixed = []
    for row in rows[1:]:
        row = list(row)
        if cell(row[order]) in FIXES:
            row[order] = f'="{FIXES[cell(row[order])]}"'
        row[paid] = row[paid].replace("12,3.4", "123.40")
        row[created] = row[created].replace("2025-13-45", "2025-11-05")
        fixed.append(row)
    return write_csv(fixed, header, encoding="utf-8-sig")


def test_rejects_file_has_the_original_header_and_reasons(merchant):
    """UTF-8 with BOM, the file's own columns, the raw cells, 拒收原因 last."""
    batch = import_sample(TAOBAO_BAD, merchant=merchant)
    data = rejects_csv_bytes(batch)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(iter_csv(data))
    original = csv_rows(TAOBAO_BAD)
    assert rows[0] == [*original[0].keys(), REASON_HEADER]
    assert len(rows) - 1 == batch.rejected
    assert rows[1][0].startswith('="')  # the Excel protection is kept as it was
    assert all(row[-1] for row in rows[1:])


def test_fixed_rejects_import_once(merchant):
    """Fix the rejected rows, import them: each becomes an order, none twice, none rejected."""
    bad = import_sample(TAOBAO_BAD, merchant=merchant)
    before = Order.objects.count()
    fixed = run_import(_fixed(rejects_csv_bytes(bad)), "拒收行-已修改.csv", merchant=merchant)
    assert fixed.format == bad.format
    assert (fixed.rows_read, fixed.created, fixed.rejected) == (bad.rejected, bad.rejected, 0)
    assert Order.objects.count() == before + bad.rejected
    assert not any(REASON_HEADER in w["text"] for w in fixed.report["warnings"])
    fixed_again = run_import(_fixed(rejects_csv_bytes(bad)), "again.csv", merchant=merchant)
    assert (fixed_again.created, fixed_again.unchanged) == (0, bad.rejected)


def test_cli_import_json_and_rejects(merchant, tmp_path, capsys):
    """`youpin import orders … --json` prints the batch; `youpin import rejects` writes the file."""
    call_command("import", "orders", str(SAMPLES / TAOBAO_BAD), "--merchant", merchant.pk, "--json")
    report = json.loads(capsys.readouterr().out)
    batch = ImportBatch.objects.get(pk=report["id"])
    assert (report["created"], report["rejected"]) == (batch.created, batch.rejected)
    assert report["report"]["rejects_by_code"] == {"row_rejected": batch.rejected}
    out = tmp_path / "rejects.csv"
    call_command("import", "rejects", str(batch.pk), "--out", str(out))
    assert out.read_bytes() == rejects_csv_bytes(batch)


def test_cli_summary_and_refusal(merchant, capsys):
    """The plain summary names the counts; a refused file exits with its reason."""
    call_command("import", "orders", str(SAMPLES / DOUYIN), "--merchant", merchant.pk)
    text = capsys.readouterr().out
    assert f"新增 {len(grouped(csv_rows(DOUYIN), '主订单编号'))}，" in text
    with pytest.raises(CommandError, match="不是订单导出文件"):
        call_command("import", "orders", str(SAMPLES / "stock_list.csv"), "--merchant", merchant.pk)
    with pytest.raises(CommandError, match="商户 999999 不存在"):
        call_command("import", "orders", str(SAMPLES / DOUYIN), "--merchant", "999999")
