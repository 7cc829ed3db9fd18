"""The division table: codes, name normalisation, indices; no database involved."""

from __future__ import annotations

from pathlib import Path

import pytest

from youpin.geo.divisions import (
    Division,
    DivisionTable,
    level_of_code,
    name_form,
    normalise_name,
    pad_code,
    shipped_table,
)

# A second county in the same CSV shape: 吴忠市同心县 (township/village codes are illustrative).
TONGXIN_CSV = """code,name,level,parent_code
64,宁夏回族自治区,province,
6403,吴忠市,city,64
640324,同心县,county,6403
640324101,丁塘镇,township,640324
640324102,下马关镇,township,640324
640324101201,丁家塘村委会,village,640324101
640324101205,团结村委会,village,640324101
640324102201,南关村委会,village,640324102
640324102202,团结村,village,640324102
"""


@pytest.fixture
def tongxin(tmp_path: Path) -> DivisionTable:
    """A small table for another county, loaded from a CSV file."""
    path = tmp_path / "tongxin.csv"
    path.write_text(TONGXIN_CSV, encoding="utf-8")
    return DivisionTable.from_csv(path)


@pytest.mark.parametrize(
    ("raw", "padded"),
    [
        ("64", "640000000000"),
        ("6405", "640500000000"),
        ("640502", "640502000000"),
        ("640502100", "640502100000"),
        ("640502100200", "640502100200"),
        (" 640521 ", "640521000000"),
    ],
)
def test_pad_code_right_pads_every_level(raw: str, padded: str) -> None:
    """Codes of 2, 4, 6, 9 and 12 digits are right-padded with zeros to 12 digits."""
    assert pad_code(raw) == padded


@pytest.mark.parametrize("bad", ["", "6", "640", "64050", "6405021001", "64a502", "６４"])
def test_pad_code_rejects_malformed_codes(bad: str) -> None:
    """Wrong lengths, letters and full-width digits are not NBS codes."""
    with pytest.raises(ValueError, match="NBS"):
        pad_code(bad)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("64", "province"),
        ("640000000000", "province"),
        ("6405", "city"),
        ("640500000000", "city"),
        ("640521", "county"),
        ("640521000000", "county"),
        ("640521101", "township"),
        ("640521101000", "township"),
        ("640521101202", "village"),
    ],
)
def test_level_of_code_reads_raw_and_padded_codes(code: str, level: str) -> None:
    """The level follows from a raw code's length or a padded code's trailing zeros."""
    assert level_of_code(code) == level


def test_division_pads_its_codes() -> None:
    """A Division built from raw codes stores both codes as 12 digits."""
    division = Division(code="640521101", name=" 鸣沙镇 ", level="township", parent_code="640521")
    assert division.code == "640521101000"
    assert division.parent_code == "640521000000"
    assert division.name == "鸣沙镇"


def test_division_rejects_unknown_level_and_empty_name() -> None:
    """An unknown level or an empty name is a ValueError."""
    with pytest.raises(ValueError, match="level"):
        Division(code="640521", name="中宁县", level="district")
    with pytest.raises(ValueError, match="name"):
        Division(code="640521", name="  ", level="county")


def test_shipped_table_counts_every_level() -> None:
    """The shipped CSV holds 1 province, 1 city, 3 counties, 46 townships and 516 villages."""
    levels = [d.level for d in shipped_table()]
    assert len(levels) == 567
    assert levels.count("province") == 1
    assert levels.count("city") == 1
    assert levels.count("county") == 3
    assert levels.count("township") == 46
    assert levels.count("village") == 516


def test_shipped_table_is_loaded_once() -> None:
    """shipped_table() returns the same cached object every time."""
    assert shipped_table() is shipped_table()


def test_every_division_has_its_parent_in_the_shipped_table() -> None:
    """Each division's parent exists and sits exactly one level higher."""
    table = shipped_table()
    levels = ["province", "city", "county", "township", "village"]
    for division in table:
        if division.level == "province":
            assert division.parent_code is None
            continue
        parent = table.get(division.parent_code or "")
        assert parent is not None
        assert levels.index(parent.level) == levels.index(division.level) - 1


def test_children_of_a_county_are_its_townships() -> None:
    """中宁县 has 12 township-level children, all pointing back at it."""
    kids = shipped_table().children("640521")
    assert len(kids) == 12
    assert {d.parent_code for d in kids} == {"640521000000"}
    assert "鸣沙镇" in {d.name for d in kids}


def test_ancestors_run_from_the_province_down() -> None:
    """The ancestors of a village are province, city, county, township and the village itself."""
    chain = shipped_table().ancestors("640521101202")
    assert [d.name for d in chain] == ["宁夏回族自治区", "中卫市", "中宁县", "鸣沙镇", "鸣沙村"]


def test_common_ancestor_of_the_two_mingsha_villages_is_the_city() -> None:
    """The two 鸣沙村 lie in different counties, so only 中卫市 contains both."""
    common = shipped_table().common_ancestor(["640502108215", "640521101202"])
    assert common is not None
    assert common.code == "640500000000"


def test_get_accepts_raw_and_padded_codes_and_rejects_junk() -> None:
    """get() finds a division by either code form and answers None for junk."""
    table = shipped_table()
    assert table.get("640522") == table.get("640522000000")
    assert table.get("640522") is not None
    assert table.get("xyz") is None
    assert "640522" in table
    assert "999999" not in table


@pytest.mark.parametrize(
    ("name", "level", "stem"),
    [
        ("南街村委会", "village", "南街"),
        ("向阳巷居委会", "village", "向阳巷"),
        ("瑞丰社区", "village", "瑞丰"),
        ("鸣沙村", "village", "鸣沙"),
        ("贾塘新村村委会", "village", "贾塘新村"),
        ("团结村民委员会", "village", "团结"),
        ("幸福社区居委会", "village", "幸福"),
        ("滨河镇", "township", "滨河"),
        ("香山乡", "township", "香山"),
        ("中卫山羊选育场", "township", "中卫山羊选育场"),
        ("中宁县", "county", "中宁"),
        ("沙坡头区", "county", "沙坡头"),
        ("中卫市", "city", "中卫"),
        ("宁夏回族自治区", "province", "宁夏"),
        ("新疆维吾尔自治区", "province", "新疆"),
        ("内蒙古自治区", "province", "内蒙古"),
        ("临夏回族自治州", "city", "临夏"),
        ("伊犁哈萨克自治州", "city", "伊犁"),
        ("海西蒙古族藏族自治州", "city", "海西"),
    ],
)
def test_normalise_name_strips_administrative_suffixes(name: str, level: str, stem: str) -> None:
    """Committee, township, county, city and autonomous-region suffixes are stripped to a stem."""
    assert normalise_name(name, level) == stem


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("南街村委会", "640502100200"),
        ("南街村", "640502100200"),
        ("南街", "640502100200"),
        ("向阳巷社区", "640502100002"),
        ("瑞丰居委会", "640502100011"),
        ("滨河镇", "640502100000"),
        ("滨河", "640502100000"),
        ("中宁县", "640521000000"),
        ("中宁", "640521000000"),
        ("中卫", "640500000000"),
        ("宁夏", "640000000000"),
    ],
)
def test_find_accepts_full_and_abbreviated_names(written: str, code: str) -> None:
    """find() maps every common way of writing a name to its single division."""
    assert [d.code for d in shipped_table().find(written)] == [code]


def test_find_returns_both_mingsha_villages() -> None:
    """鸣沙村 names two villages; find() returns both rather than picking one."""
    assert [d.code for d in shipped_table().find("鸣沙村", "village")] == [
        "640502108215",
        "640521101202",
    ]


def test_village_and_residents_committee_forms_do_not_mix() -> None:
    """团结村 finds the three village committees but not the residents' committee 团结居委会."""
    table = shipped_table()
    village_codes = {d.code for d in table.find("团结村")}
    assert village_codes == {"640502109207", "640522101221", "640522211200"}
    assert [d.code for d in table.find("团结居委会")] == ["640522402009"]


def test_name_form_of_a_township_allows_the_bare_stem() -> None:
    """滨河镇 may be written 滨河 (a short form) or with its 镇."""
    form = name_form(shipped_table().get("640502100") or Division("64", "x", "province"))
    assert form.stem == "滨河"
    assert "镇" in form.suffixes
    assert form.short_ok
    assert not form.stem_is_name


def test_duplicate_codes_are_rejected() -> None:
    """A table refuses two divisions under the same code."""
    rows = [Division("640521", "中宁县", "county"), Division("640521000000", "中宁", "county")]
    with pytest.raises(ValueError, match="duplicate"):
        DivisionTable(rows)


def test_tables_with_equal_content_are_equal() -> None:
    """Two tables built from the same rows compare and hash equal (they share cache entries)."""
    a = DivisionTable(shipped_table())
    assert a == shipped_table()
    assert hash(a) == hash(shipped_table())
    assert a != DivisionTable([Division("64", "宁夏回族自治区", "province")])


def test_another_county_csv_loads_and_indexes(tongxin: DivisionTable) -> None:
    """A CSV of the same shape for another county builds a working table."""
    assert len(tongxin) == 9
    assert [d.name for d in tongxin.children("640324")] == ["丁塘镇", "下马关镇"]
    assert [d.code for d in tongxin.find("同心")] == ["640324000000"]
    assert len(tongxin.find("团结村")) == 2


def test_table_without_upper_levels_treats_orphans_as_roots() -> None:
    """A table holding only a township and its villages still indexes them."""
    table = DivisionTable(
        [
            Division("640521101", "鸣沙镇", "township", "640521"),
            Division("640521101202", "鸣沙村", "village", "640521101"),
        ]
    )
    assert [d.code for d in table.roots()] == ["640521101000"]
    assert [d.name for d in table.ancestors("640521101202")] == ["鸣沙镇", "鸣沙村"]
