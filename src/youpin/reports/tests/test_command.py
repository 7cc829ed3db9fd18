"""`youpin report monthly`: both files written, bad input refused."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from youpin.reports.tests.world import build_world

pytestmark = pytest.mark.django_db


def test_command_writes_both_formats(zhongwei: None, tmp_path: Path) -> None:
    """--format both writes the XLSX and the PDF for the county asked for."""
    build_world()
    out = StringIO()
    call_command(
        "report",
        "monthly",
        "--month",
        "2025-06",
        "--county",
        "640521",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    xlsx = tmp_path / "youpin-monthly-2025-06-640521.xlsx"
    pdf = tmp_path / "youpin-monthly-2025-06-640521.pdf"
    assert xlsx.read_bytes()[:2] == b"PK"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert str(pdf) in out.getvalue()
    call_command(
        "report",
        "monthly",
        "--month",
        "2025-06",
        "--out",
        str(tmp_path / "x"),
        "--format",
        "xlsx",
        stdout=StringIO(),
    )
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["youpin-monthly-2025-06-640500.xlsx"]


def test_command_refuses_bad_months_and_counties(zhongwei: None, tmp_path: Path) -> None:
    """A month out of range or a county outside the city is a CommandError in Chinese."""
    with pytest.raises(CommandError, match="月份"):
        call_command("report", "monthly", "--month", "2025-13", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="区县代码"):
        call_command("report", "monthly", "--month", "2025-06", "--county", "110101")
