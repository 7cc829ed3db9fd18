"""`youpin kpi retail`: JSON equal to the service's, a Chinese table, the region option."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.statistics import report_as_json, retail_sales
from youpin.commerce.statistics_cli import display_width
from youpin.commerce.tests.retail_world import World, build_world, hand_count, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zhongwei: None) -> World:
    """The shared small order book."""
    return build_world()


def kpi(*args: str) -> str:
    """Run `kpi retail` and return what it printed."""
    out = StringIO()
    call_command("kpi", "retail", *args, stdout=out)
    return out.getvalue()


def test_json_parses_and_matches_the_service(world: World) -> None:
    """--json prints the operator's report, exactly as the service computes it."""
    printed = json.loads(kpi("--year", "2025", "--by", "county", "--by", "host,month",
                             "--as-of", "2026-02-01", "--json"))  # fmt: skip
    expected = retail_sales(
        Scope(role=Role.OPERATOR),
        year=2025,
        by=["county", "host", "month"],
        as_of=date(2026, 2, 1),
    )
    assert printed == report_as_json(expected)
    net = hand_count(sh(2025, 1, 1), sh(2026, 1, 1))["all"].net
    assert printed["total"]["net"] == f"{net:.2f}"
    assert isinstance(printed["total"]["gross"], str)


def test_region_answers_as_that_official(world: World) -> None:
    """--region 640521 reports the 中宁 sellers only."""
    printed = json.loads(kpi("--year", "2025", "--region", "640521", "--as-of", "2026-02-01",
                             "--json"))  # fmt: skip
    expected = hand_count(
        sh(2025, 1, 1),
        sh(2026, 1, 1),
        keep=lambda o: o.merchant.registered_locally and o.merchant.place_id.startswith("640521"),
    )["all"]
    assert printed["total"]["net"] == f"{expected.net:.2f}"
    assert printed["scope"].startswith("中宁县")


def test_table_is_chinese_and_aligned(world: World) -> None:
    """The human output is a table with Chinese headings whose columns line up."""
    text = kpi("--year", "2025", "--by", "platform", "--as-of", "2026-02-01")
    assert "网络零售额 2025年" in text
    assert "按平台" in text
    assert "实物商品" in text
    assert "农产品" in text
    table = text.split("按平台")[1].strip().splitlines()
    assert table[0].startswith("项目")
    assert len({display_width(line) for line in table}) == 1  # right-aligned numbers end together


def test_bad_dimension_is_a_command_error(world: World) -> None:
    """An unknown dimension or region stops with a clear message."""
    with pytest.raises(CommandError, match="未知的分组维度"):
        kpi("--year", "2025", "--by", "colour")
    with pytest.raises(CommandError, match="区划"):
        kpi("--year", "2025", "--region", "110101")
