"""`youpin facts refresh|status` and `youpin plans load|show`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from youpin.facts.models import SalesFact
from youpin.testing.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    """Run a command and return what it printed."""
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_refresh_commands(zhongwei: None) -> None:
    """First refresh is full, then incremental; --days and --since recompute; status reports."""
    assert "尚未刷新" in _run("facts", "status")
    OrderFactory()
    first = json.loads(_run("facts", "refresh", "--json"))
    assert first["mode"] == "full"
    assert first["rows"]["sales"] == SalesFact.objects.count() == 1
    again = json.loads(_run("facts", "refresh", "--json"))
    assert again["mode"] == "incremental"
    days = json.loads(_run("facts", "refresh", "--days", "2025-06-18", "--json"))
    assert days["days"]["sales"] == 1
    assert days["rows"]["sales"] == 1
    since = json.loads(_run("facts", "refresh", "--since", "2025-01-01", "--json"))
    assert since["mode"] == "since"
    assert SalesFact.objects.count() == 1
    assert json.loads(_run("facts", "status", "--json"))["mode"] == "since"
    assert "刷新方式" in _run("facts", "refresh", "--full")


def test_refresh_warms_the_cockpit_fits_unless_told_not_to(zhongwei: None) -> None:
    """After a refresh the default cockpit views' fits are stored; `--no-warm` skips that."""
    from youpin.cockpit import fits
    from youpin.cockpit.models import ForecastFit

    fits.clear_process_cache()
    OrderFactory()
    out = _run("facts", "refresh", "--no-warm")
    assert "预测预热" not in out
    assert not ForecastFit.objects.exists()
    out = _run("facts", "refresh")
    assert "预测预热：2 个视图" in out  # the operator and the one county with a sale
    stored = ForecastFit.objects.count()
    assert stored > 0
    assert f"新拟合 {stored} 个" in out
    warmed = json.loads(_run("facts", "refresh", "--json"))["warm"]
    assert (warmed["scopes"], warmed["computed"], warmed["found"]) == (2, 0, stored)
    fits.clear_process_cache()


def test_a_failed_warm_fails_the_command_after_the_refresh(
    zhongwei: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refresh is done and printed; the warm's failure is the command's error (cron log)."""
    from youpin.facts.management.commands import facts as command

    def broken() -> None:
        raise RuntimeError("no plan table")

    monkeypatch.setattr(command, "warm", broken)
    OrderFactory()
    out = StringIO()
    with pytest.raises(CommandError, match="事实表已刷新，但预测预热失败：RuntimeError"):
        call_command("facts", "refresh", stdout=out)
    assert "刷新方式：full" in out.getvalue()
    assert SalesFact.objects.count() == 1


def test_bad_refresh_options_are_refused(zhongwei: None) -> None:
    """A bad date, or two modes at once, is a clear error."""
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("facts", "refresh", "--since", "2025/01/01")
    with pytest.raises(CommandError, match="只能选一个"):
        _run("facts", "refresh", "--full", "--since", "2025-01-01")


def test_plans_commands(zhongwei: None) -> None:
    """`plans load` is idempotent; `plans show` prints the paths."""
    assert "8 项目标" in _run("plans", "load")
    shown = json.loads(_run("plans", "show", "--json"))
    g2 = next(t for t in shown["targets"] if t["code"] == "G2")
    assert g2["path"]["2025"] == "20000000.00"
    assert g2["path"]["2024"] == "16260162.60"  # 20,000,000 / 1.23
    assert "G6a" in _run("plans", "show")
    with pytest.raises(CommandError, match="无法读取"):
        _run("plans", "load", "/nonexistent.json")
