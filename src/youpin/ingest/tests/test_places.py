"""Destinations at import speed: the memoised finder answers exactly as the resolver would."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from youpin.geo import resolver
from youpin.geo.divisions import shipped_table
from youpin.geo.resolver import resolve_address
from youpin.ingest.places import PlaceFinder

TABLE = shipped_table()
NAMES = sorted({d.name for d in TABLE})
NOISE = ["", " ", "，", "收货地址：", "中国", "广东省广州市", "兰州市城关区", "幸福路", "小区"]
TAILS = ["", "3组", "12号", "5号楼2单元301", "1组8号", "88号院", "2队", "7号 东门", "3号中卫市"]


def _expected(text: str) -> str | None:
    """What the plain resolver is sure of inside the region (below the province)."""
    found = resolve_address(text, TABLE, fallback=False)
    if found.code is None or found.outside or found.level in (None, "province"):
        return None
    return found.code


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(st.sampled_from(NAMES), min_size=0, max_size=4),
    st.sampled_from(NOISE),
    st.sampled_from(TAILS),
    st.sampled_from(NOISE),
)
def test_finder_equals_the_resolver(names, before, tail, after):
    """Cutting the address at its first digit never changes the code the resolver gives."""
    text = before + "".join(names) + tail + after
    assert PlaceFinder(TABLE).code(text) == _expected(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("宁夏回族自治区中卫市中宁县鸣沙镇鸣沙村3组", "640521101202"),
        ("宁夏中卫中宁县鸣沙镇鸣沙村12号", "640521101202"),
        ("中卫沙坡头区滨河镇南街3组", "640502100200"),
        ("广东省广州市天河区林和街道体育西路1号", None),
        ("宁夏回族自治区银川市兴庆区富宁街1号", None),
        ("", None),
    ],
)
def test_known_addresses(text, code):
    """Villages of Zhongwei are found; places elsewhere (or only the province) are not."""
    finder = PlaceFinder(TABLE)
    assert finder.code(text) == code
    assert finder.code(text) == code  # the memoised answer is the same


def test_no_fallback_never_calls_jionlp(monkeypatch):
    """With fallback=False an address outside the table is not sent to jionlp."""

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("jionlp consulted")

    monkeypatch.setattr(resolver, "_jionlp_resolution", boom)
    resolver.clear_cache()
    found = resolve_address("北京市朝阳区望京街道阜通东大街6号", TABLE, fallback=False)
    assert found.code is None
    assert not found.outside
    assert found.detail == "北京市朝阳区望京街道阜通东大街6号"
    province_only = resolve_address("宁夏回族自治区银川市兴庆区", TABLE, fallback=False)
    assert province_only.level == "province"
    resolver.clear_cache()
