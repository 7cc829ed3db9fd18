"""Address resolution against the NBS table: real Zhongwei addresses, namesakes, outside places."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from youpin.geo.divisions import DivisionTable
from youpin.geo.resolver import Resolution, normalise_text, resolve_address
from youpin.geo.tests.test_divisions import TONGXIN_CSV

MINGSHA_SHAPOTOU = "640502108215"  # 鸣沙村委会, 迎水桥镇, 沙坡头区
MINGSHA_ZHONGNING = "640521101202"  # 鸣沙村, 鸣沙镇, 中宁县

# (address, code, county, township, village, detail): each resolves to the village level
VILLAGES = [
    (
        "宁夏回族自治区中卫市中宁县鸣沙镇鸣沙村3组",
        MINGSHA_ZHONGNING,
        "中宁县",
        "鸣沙镇",
        "鸣沙村",
        "3组",
    ),
    ("宁夏中卫中宁县鸣沙镇鸣沙村3组", MINGSHA_ZHONGNING, "中宁县", "鸣沙镇", "鸣沙村", "3组"),
    ("中宁县鸣沙村8号", MINGSHA_ZHONGNING, "中宁县", "鸣沙镇", "鸣沙村", "8号"),
    ("鸣沙镇鸣沙村", MINGSHA_ZHONGNING, "中宁县", "鸣沙镇", "鸣沙村", ""),
    ("中宁县鸣沙镇鸣沙村村委会", MINGSHA_ZHONGNING, "中宁县", "鸣沙镇", "鸣沙村", ""),
    (
        "宁夏回族自治区中卫市沙坡头区迎水桥镇鸣沙村委会5组",
        MINGSHA_SHAPOTOU,
        "沙坡头区",
        "迎水桥镇",
        "鸣沙村委会",
        "5组",
    ),
    (
        "中卫市沙坡头区迎水桥镇鸣沙村2队",
        MINGSHA_SHAPOTOU,
        "沙坡头区",
        "迎水桥镇",
        "鸣沙村委会",
        "2队",
    ),
    ("沙坡头区鸣沙村委会", MINGSHA_SHAPOTOU, "沙坡头区", "迎水桥镇", "鸣沙村委会", ""),
    ("迎水桥镇鸣沙村1组", MINGSHA_SHAPOTOU, "沙坡头区", "迎水桥镇", "鸣沙村委会", "1组"),
    ("中卫沙坡头区滨河镇南街村委会3组", "640502100200", "沙坡头区", "滨河镇", "南街村委会", "3组"),
    ("中卫沙坡头区滨河镇南街村3组", "640502100200", "沙坡头区", "滨河镇", "南街村委会", "3组"),
    ("中卫沙坡头区滨河镇南街3组", "640502100200", "沙坡头区", "滨河镇", "南街村委会", "3组"),
    ("中宁县石空镇张台村", "640521102200", "中宁县", "石空镇", "张台村", ""),
    ("石空镇张台村5组", "640521102200", "中宁县", "石空镇", "张台村", "5组"),
    ("中宁县石空镇倪丁村委会7组", "640521102201", "中宁县", "石空镇", "倪丁村", "7组"),
    (
        "宁夏 中卫市，海原县 李旺镇 团庄村 12号",
        "640522101207",
        "海原县",
        "李旺镇",
        "团庄村委会",
        "12号",
    ),
    ("海原县三河镇团庄村委会", "640522104207", "海原县", "三河镇", "团庄村委会", ""),
    ("中卫沙坡头文昌镇黄湾村5队", "640502101200", "沙坡头区", "文昌镇", "黄湾村委会", "5队"),
    ("中卫沙坡头区滨河镇向阳巷社区", "640502100002", "沙坡头区", "滨河镇", "向阳巷居委会", ""),
    ("沙坡头区滨河镇瑞丰居委会", "640502100011", "沙坡头区", "滨河镇", "瑞丰社区", ""),
    (
        "中卫市沙坡头区滨河镇幸福里社区小区5号楼",
        "640502100016",
        "沙坡头区",
        "滨河镇",
        "幸福里社区",
        "小区5号楼",
    ),
    ("海原县贾塘乡贾塘新村", "640522208211", "海原县", "贾塘乡", "贾塘新村村委会", ""),
    ("海原县贾塘乡贾塘村", "640522208201", "海原县", "贾塘乡", "贾塘村委会", ""),
    ("中宁县大战场镇长山头村", "640521105206", "中宁县", "大战场镇", "长山头村", ""),
    ("中宁县大战场镇长山头社区", "640521105001", "中宁县", "大战场镇", "长山头社区", ""),
    ("宁夏中卫市中宁县恩和镇恩和村2队", "640521104202", "中宁县", "恩和镇", "恩和村", "2队"),
    ("中宁县宁安镇南桥村88号", "640521100210", "中宁县", "宁安镇", "南桥村", "88号"),
    ("中卫市中宁县新堡镇刘营村", "640521103203", "中宁县", "新堡镇", "刘营村", ""),
    ("沙坡头区常乐镇刘营村委会", "640502107204", "沙坡头区", "常乐镇", "刘营村委会", ""),
    ("海原县三河镇凤凰居委会", "640522104001", "海原县", "三河镇", "凤凰居委会", ""),
    ("海原县 海城镇 山门村委会 6组", "640522100203", "海原县", "海城镇", "山门村委会", "6组"),
    ("海原县关桥乡关桥村", "640522202207", "海原县", "关桥乡", "关桥村委会", ""),
    ("中卫市沙坡头区香山乡红圈村", "640502200207", "沙坡头区", "香山乡", "红圈村委会", ""),
    ("海原县李旺镇红圈村", "640522101203", "海原县", "李旺镇", "红圈村委会", ""),
    ("中宁县余丁乡金沙村", "640521202203", "中宁县", "余丁乡", "金沙村", ""),
    ("沙坡头区东园镇金沙村委会", "640502102218", "沙坡头区", "东园镇", "金沙村委会", ""),
    ("中宁县喊叫水乡喊叫水村", "640521204211", "中宁县", "喊叫水乡", "喊叫水村", ""),
    ("中宁县徐套乡徐套村3组", "640521205204", "中宁县", "徐套乡", "徐套村", "3组"),
    ("中宁县太阳梁乡兴渠社区", "640521206002", "中宁县", "太阳梁乡", "兴渠社区", ""),
    ("中卫市沙坡头区宣和镇宣和村委会", "640502105204", "沙坡头区", "宣和镇", "宣和村委会", ""),
    ("沙坡头区永康镇永康村", "640502106207", "沙坡头区", "永康镇", "永康村委会", ""),
    ("中卫沙坡头区镇罗镇镇罗村2组", "640502104216", "沙坡头区", "镇罗镇", "镇罗村委会", "2组"),
    ("中卫市沙坡头区柔远镇柔远村委会", "640502103211", "沙坡头区", "柔远镇", "柔远村委会", ""),
    ("海原县七营镇七营村委会", "640522105204", "海原县", "七营镇", "七营村委会", ""),
    ("中卫市海原县九彩乡九彩村", "640522210200", "海原县", "九彩乡", "九彩村委会", ""),
    ("海原县甘城乡甘城村委会", "640522214200", "海原县", "甘城乡", "甘城村委会", ""),
    ("沙坡头区兴仁镇兴仁村", "640502109200", "沙坡头区", "兴仁镇", "兴仁村委会", ""),
    (
        "宁夏中卫市沙坡头区迎水桥镇沙坡头村委会",
        "640502108204",
        "沙坡头区",
        "迎水桥镇",
        "沙坡头村委会",
        "",
    ),
    (
        "海原县南华山自然保护区管理处南华山虚拟生活区",
        "640522401598",
        "海原县",
        "南华山自然保护区管理处",
        "南华山虚拟生活区",
        "",
    ),
    (
        "海原县老城管理办公室团结居委会",
        "640522402009",
        "海原县",
        "老城管理办公室",
        "团结居委会",
        "",
    ),
    ("收货地址：中宁县宁安镇南桥村", "640521100210", "中宁县", "宁安镇", "南桥村", ""),
    ("中国宁夏中卫市中宁县舟塔乡舟塔村", "640521200204", "中宁县", "舟塔乡", "舟塔村", ""),
]

# (address, code, level, county, township, detail)
UPPER_LEVELS = [
    ("中宁县石空镇", "640521102000", "township", "中宁县", "石空镇", ""),
    (
        "中卫市沙坡头区 文昌镇，鼓楼东街88号",
        "640502101000",
        "township",
        "沙坡头区",
        "文昌镇",
        "鼓楼东街88号",
    ),
    ("文昌镇东关街10号", "640502101000", "township", "沙坡头区", "文昌镇", "东关街10号"),
    ("中卫工业园区", "640502401000", "township", "沙坡头区", "中卫工业园区", ""),
    ("中卫市中卫山羊选育场", "640502400000", "township", "沙坡头区", "中卫山羊选育场", ""),
    ("中宁县", "640521000000", "county", "中宁县", None, ""),
    ("宁夏中卫中宁", "640521000000", "county", "中宁县", None, ""),
    ("海原县城关", "640522000000", "county", "海原县", None, "城关"),
    ("中宁县石空", "640521000000", "county", "中宁县", None, "石空"),
    ("沙坡头区", "640502000000", "county", "沙坡头区", None, ""),
    ("中宁县迎水桥镇鸣沙村", "640521000000", "county", "中宁县", None, "迎水桥镇鸣沙村"),
    (
        "中卫市沙坡头区文昌镇幸福里社区",
        "640502101000",
        "township",
        "沙坡头区",
        "文昌镇",
        "幸福里社区",
    ),
    ("中卫", "640500000000", "city", None, None, ""),
    ("中卫市", "640500000000", "city", None, None, ""),
    ("宁夏", "640000000000", "province", None, None, ""),
    ("宁夏回族自治区", "640000000000", "province", None, None, ""),
]


@pytest.mark.parametrize(("text", "code", "county", "township", "village", "detail"), VILLAGES)
def test_village_addresses_resolve_to_the_village(
    text: str, code: str, county: str, township: str, village: str, detail: str
) -> None:
    """A real Zhongwei village address resolves to its 12-digit village code and names."""
    result = resolve_address(text)
    assert (result.code, result.level) == (code, "village")
    assert (result.province, result.city) == ("宁夏回族自治区", "中卫市")
    assert (result.county, result.township, result.village) == (county, township, village)
    assert result.detail == detail
    assert not result.outside
    assert result.ambiguous == ()
    assert 0 < result.confidence <= 1


@pytest.mark.parametrize(("text", "code", "level", "county", "township", "detail"), UPPER_LEVELS)
def test_addresses_stop_at_the_deepest_sure_level(
    text: str, code: str, level: str, county: str | None, township: str | None, detail: str
) -> None:
    """Addresses naming no (valid) village resolve to the township, county, city or province."""
    result = resolve_address(text)
    assert (result.code, result.level) == (code, level)
    assert (result.county, result.township, result.village) == (county, township, None)
    assert result.detail == detail
    assert not result.outside
    assert result.confidence > 0


def test_full_forms_score_higher_than_village_first_addresses() -> None:
    """An address anchored at the county is more certain than one starting at the village."""
    anchored = resolve_address("中宁县宁安镇南桥村")
    bare = resolve_address("南桥村")
    assert anchored.code == bare.code == "640521100210"
    assert anchored.confidence == 1.0
    assert bare.confidence < anchored.confidence


@pytest.mark.parametrize("text", ["鸣沙村3组", "中卫鸣沙村", "宁夏中卫鸣沙村委会"])
def test_mingsha_without_township_is_ambiguous(text: str) -> None:
    """鸣沙村 with no county or township stops at 中卫市 and lists both villages."""
    result = resolve_address(text)
    assert (result.code, result.level) == ("640500000000", "city")
    assert result.ambiguous == (MINGSHA_SHAPOTOU, MINGSHA_ZHONGNING)
    assert (result.county, result.township, result.village) == (None, None, None)
    assert result.city == "中卫市"
    assert result.confidence < 1


def test_namesakes_in_one_county_stop_at_the_county() -> None:
    """团庄村 exists twice in 海原县: without the township only the county is sure."""
    result = resolve_address("海原县团庄村")
    assert (result.code, result.level) == ("640522000000", "county")
    assert result.ambiguous == ("640522101207", "640522104207")
    assert result.township is None


def test_three_namesake_villages_across_counties_stop_at_the_city() -> None:
    """团结村 names three village committees in two counties, not the residents' committee."""
    result = resolve_address("团结村")
    assert result.level == "city"
    assert result.ambiguous == ("640502109207", "640522101221", "640522211200")


def test_bare_stem_shared_by_township_and_village_is_ambiguous() -> None:
    """中宁县石空3组 could be 石空镇 or 石空村 (余丁乡): only 中宁县 is sure."""
    result = resolve_address("中宁县石空3组")
    assert (result.code, result.level) == ("640521000000", "county")
    assert result.ambiguous == ("640521102000", "640521202204")
    assert result.detail == "3组"


def test_bare_stem_under_its_township_keeps_the_township() -> None:
    """大战场镇长山头3组 is 长山头村 or 长山头社区: the township is still sure."""
    result = resolve_address("大战场镇长山头3组")
    assert (result.code, result.level) == ("640521105000", "township")
    assert result.ambiguous == ("640521105001", "640521105206")


def test_abbreviated_township_resolves_when_unique() -> None:
    """The bare stem 滨河 stands for 滨河镇 when followed by more text."""
    result = resolve_address("中卫沙坡头区滨河向阳巷居委会")
    assert result.code == "640502100002"
    assert result.township == "滨河镇"


def test_outside_beijing_gets_jionlp_names_and_county_code() -> None:
    """A Beijing address is outside, with names and the county code from jionlp's dictionary."""
    result = resolve_address("北京市朝阳区建国路88号")
    assert result.outside
    assert (result.province, result.city, result.county) == ("北京市", "北京市", "朝阳区")
    assert (result.code, result.level) == ("110105000000", "county")
    assert result.detail == "建国路88号"
    assert (result.township, result.village) == (None, None)


def test_outside_yinchuan_is_in_ningxia_but_outside_the_table() -> None:
    """银川市兴庆区 is in Ningxia but not in 中卫市, so it is outside."""
    for text in ("银川市兴庆区解放西街1号", "宁夏银川市兴庆区"):
        result = resolve_address(text)
        assert result.outside
        assert (result.province, result.city, result.county) == (
            "宁夏回族自治区",
            "银川市",
            "兴庆区",
        )
        assert (result.code, result.level) == ("640104000000", "county")


def test_outside_gansu_county_and_province() -> None:
    """甘肃省兰州市城关区 resolves to its county; 甘肃省 alone to the province."""
    county = resolve_address("甘肃省兰州市城关区张掖路1号")
    assert (county.code, county.level, county.outside) == ("620102000000", "county", True)
    assert county.city == "兰州市"
    province = resolve_address("甘肃省")
    assert (province.code, province.level, province.outside) == ("620000000000", "province", True)


def test_outside_city_named_like_a_local_township() -> None:
    """西安市雁塔区 is not 海原县西安镇: a bare stem never swallows another level's suffix."""
    result = resolve_address("西安市雁塔区")
    assert result.outside
    assert result.city == "西安市"
    assert result.code == "610113000000"


def test_local_village_named_like_an_outside_city() -> None:
    """海原县西安镇西安村委会 stays local even though jionlp would read 西安 as a city."""
    result = resolve_address("海原县西安镇西安村委会")
    assert (result.code, result.outside) == ("640522103208", False)


@pytest.mark.parametrize(
    "text", ["", "   ", "你好世界", "hello world", "12345", "！！！", "今天天气不错", "光明正大"]
)
def test_garbage_resolves_to_nothing(text: str) -> None:
    """Empty or non-address text gives no code and zero confidence, never an exception."""
    result = resolve_address(text)
    assert result.code is None
    assert result.level is None
    assert result.confidence == 0
    assert result.ambiguous == ()
    assert not result.found


@pytest.mark.parametrize("bad", [None, 640521, b"\xe4\xb8\xad\xe5\xae\x81", ["中宁县"]])
def test_non_str_input_is_a_value_error(bad: object) -> None:
    """Only str is accepted; anything else raises ValueError."""
    with pytest.raises(ValueError, match="str"):
        resolve_address(bad)  # type: ignore[arg-type]


def test_full_width_punctuation_and_spaces_are_ignored() -> None:
    """Full-width digits, commas and spaces between the levels change nothing."""
    plain = resolve_address("中宁县石空镇张台村5组")
    noisy = resolve_address("  中宁县，石空镇　张台村 ５组 ")
    assert noisy.code == plain.code == "640521102200"
    assert noisy.detail == "5组"


def test_normalise_text_collapses_whitespace_and_drops_country() -> None:
    """normalise_text applies NFKC, collapses spaces and drops a leading 中国."""
    assert normalise_text("中国，宁夏　中卫  ３组。") == "宁夏 中卫 3组"


def test_results_are_cached_per_normalised_text() -> None:
    """Texts that normalise alike give the very same cached Resolution object."""
    assert resolve_address("中宁县 鸣沙镇") is resolve_address("中宁县　鸣沙镇 ")


def test_as_dict_has_the_public_keys() -> None:
    """as_dict() carries the eight core keys plus outside, ambiguous and detail, JSON-ready."""
    data = resolve_address("鸣沙村3组").as_dict()
    assert set(data) >= {
        "province",
        "city",
        "county",
        "township",
        "village",
        "code",
        "level",
        "confidence",
    }
    assert data["ambiguous"] == [MINGSHA_SHAPOTOU, MINGSHA_ZHONGNING]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_resolution_is_frozen() -> None:
    """A Resolution cannot be modified after the fact."""
    result = resolve_address("中宁县")
    with pytest.raises(AttributeError):
        result.code = "640522000000"  # type: ignore[misc]


def test_default_resolution_is_empty() -> None:
    """Resolution() is the 'nothing found' value."""
    assert Resolution() == resolve_address("")


def test_another_county_table_resolves_its_own_addresses(tmp_path: Path) -> None:
    """The matcher works for any table of the same shape, here 吴忠市同心县."""
    path = tmp_path / "tongxin.csv"
    path.write_text(TONGXIN_CSV, encoding="utf-8")
    table = DivisionTable.from_csv(path)
    result = resolve_address("宁夏吴忠同心县下马关镇南关村5组", table)
    assert (result.code, result.level) == ("640324102201", "village")
    assert (result.city, result.county, result.village) == ("吴忠市", "同心县", "南关村委会")
    assert result.detail == "5组"
    ambiguous = resolve_address("同心县团结村", table)
    assert (ambiguous.code, ambiguous.ambiguous) == (
        "640324000000",
        ("640324101205", "640324102202"),
    )


def test_another_county_table_treats_zhongwei_as_outside(tmp_path: Path) -> None:
    """With the 同心县 table, a 中卫 address is outside (same province, other city)."""
    path = tmp_path / "tongxin.csv"
    path.write_text(TONGXIN_CSV, encoding="utf-8")
    result = resolve_address("宁夏中卫市中宁县鸣沙镇", DivisionTable.from_csv(path))
    assert result.outside
    assert (result.county, result.code, result.level) == ("中宁县", "640521000000", "county")


def test_jionlp_banner_does_not_reach_stdout() -> None:
    """Resolving an outside address in a fresh interpreter prints nothing to stdout."""
    code = (
        "from youpin.geo.resolver import resolve_address;"
        "r = resolve_address('甘肃省兰州市城关区');"
        "assert r.outside and r.code == '620102000000'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == ""


def test_village_under_the_wrong_township_is_not_taken() -> None:
    """团庄村 is not in 西安镇, so 海原县西安镇团庄村 stops at 西安镇 with 团庄村 left as detail."""
    result = resolve_address("海原县西安镇团庄村")
    assert (result.code, result.level) == ("640522103000", "township")
    assert result.village is None
    assert result.detail == "团庄村"
