"""The `geo resolve` management command: JSON and human output, exit status.

The command resolves against the divisions loaded in the database, so the tests use it.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.usefixtures("zhongwei")


def _run(*args: str) -> str:
    """Run `geo` with these arguments and return what it printed."""
    out = StringIO()
    call_command("geo", *args, stdout=out)
    return out.getvalue()


def test_resolve_json_prints_one_object_with_the_public_keys() -> None:
    """--json prints a single JSON object, Chinese unescaped, resolved to the village."""
    printed = _run("resolve", "宁夏中卫中宁县鸣沙镇鸣沙村3组", "--json")
    data = json.loads(printed)
    assert data["code"] == "640521101202"
    assert data["level"] == "village"
    assert data["village"] == "鸣沙村"
    assert data["detail"] == "3组"
    assert {"province", "city", "county", "township", "confidence"} <= set(data)
    assert "鸣沙村" in printed


def test_resolve_json_reports_ambiguity() -> None:
    """An ambiguous village is listed with both candidate codes and the city as the code."""
    data = json.loads(_run("resolve", "鸣沙村3组", "--json"))
    assert data["code"] == "640500000000"
    assert data["ambiguous"] == ["640502108215", "640521101202"]


def test_resolve_json_outside_address() -> None:
    """An address outside Zhongwei prints outside=true and the jionlp county code, nothing else."""
    printed = _run("resolve", "北京市朝阳区建国路88号", "--json")
    data = json.loads(printed)
    assert data["outside"] is True
    assert data["code"] == "110105000000"


def test_resolve_human_line_names_the_places() -> None:
    """Without --json one readable line shows the code and the names."""
    printed = _run("resolve", "中宁县石空镇张台村5组")
    assert "640521102200" in printed
    assert "中宁县 石空镇 张台村" in printed
    assert len(printed.strip().splitlines()) == 1


def test_resolve_nothing_found_exits_with_status_1() -> None:
    """Garbage still prints its JSON, then fails with return code 1."""
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("geo", "resolve", "你好世界", "--json", stdout=out)
    assert caught.value.returncode == 1
    assert json.loads(out.getvalue())["code"] is None


def test_geo_requires_a_subcommand() -> None:
    """`geo` alone is an error: the subcommand is required."""
    with pytest.raises(CommandError):
        call_command("geo")
