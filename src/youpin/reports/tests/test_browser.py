"""End to end in Chromium: an official opens /reports/ and downloads both formats."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.reports.tests.world import build_world
from youpin.testing.factories import place, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path: Path) -> Path:
    """Where screenshots go: YOUPIN_VAR_DIR/screenshots when set, else the test's tmp dir."""
    var = os.environ.get("YOUPIN_VAR_DIR")
    folder = Path(var) / "screenshots" if var else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_official_downloads_the_monthly_report(
    live_server: Any, page: Any, zhongwei: None, tmp_path: Path
) -> None:
    """Log in, open the menu's 月度报告, choose June 2025, download XLSX and PDF."""
    build_world()
    official = user_with_role(Role.OFFICIAL, region=place("640500000000"))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("[data-testid=login-submit]")
    page.click("nav >> text=月度报告")
    page.wait_for_url("**/reports/**")
    page.fill("#f-month", "2025-06")
    page.click("[data-testid=report-filters] button[type=submit]")
    page.wait_for_url("**month=2025-06**")
    assert "中卫市 · 2025-06" in page.inner_text("[data-testid=report-downloads]")
    page.screenshot(path=str(_shots(tmp_path) / "reports-index.png"), full_page=True)
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF-")):
        with page.expect_download() as info:
            page.click(f"[data-testid=download-{fmt}]")
        download = info.value
        assert download.suggested_filename == f"youpin-monthly-2025-06-640500.{fmt}"
        target = tmp_path / download.suggested_filename
        download.save_as(str(target))
        data = target.read_bytes()
        assert data.startswith(magic)
        assert len(data) > 5_000
