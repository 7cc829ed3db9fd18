"""The English catalogue is complete and compiled, and English is served when asked for."""

from __future__ import annotations

import gettext
import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from youpin.accounts.models import Role
from youpin.catalog.models import MerchantKind, Platform
from youpin.cockpit import forecast as fc
from youpin.commerce.models import OrderStatus
from youpin.connectors.platforms.detect import FORMATS
from youpin.counter.models import ExceptionKind
from youpin.delivery.services import plan_delivery
from youpin.delivery.tests.world import DAY, build_world
from youpin.ingest.forms import FORMAT_LABELS
from youpin.ingest.models import BatchKind, BatchSource, BatchStatus, ImportBatch
from youpin.ingest.views import BATCH_LABELS
from youpin.logistics.models import TrackingStatus
from youpin.plans.models import Unit
from youpin.portal.labels import ALL_LABELS
from youpin.stations.models import StationKind
from youpin.testing.factories import (
    HAIYUAN,
    XINGREN_TOWN,
    StationFactory,
    place,
    user_with_role,
)
from youpin.trust.models import SignalRule
from youpin.trust.rules import SPECS

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PACKAGE_DIR = Path(settings.LOCALE_PATHS[0]).parent
_STRING = re.compile(r'^(?:msgctxt|msgid|msgstr)?\s*"(.*)"$')
HAN = re.compile(r"[\u3400-\u9fff]")

# How the catalogue is regenerated (from src/youpin), then translated and compiled:
#   django-admin makemessages -l en --add-location=file --ignore=tests
#   msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po
MAKEMESSAGES = {"locale": ["en"], "add_location": "file", "ignore_patterns": ["tests"]}
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


class Entry(NamedTuple):
    """One message of a .po file."""

    context: str | None
    msgid: str
    msgstr: str
    fuzzy: bool

    @property
    def key(self) -> tuple[str | None, str]:
        """The message's identity in the catalogue: context and msgid."""
        return (self.context, self.msgid)


def _unquote(line: str) -> str:
    """The text of one quoted .po line, escapes resolved."""
    match = _STRING.match(line.strip())
    assert match is not None, line
    return match.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    parts: dict[str, str] = {}
    fuzzy = next_fuzzy = False
    keyword = ""

    def close() -> None:
        if parts.get("msgid"):
            entries.append(Entry(parts.get("msgctxt"), parts["msgid"], parts["msgstr"], fuzzy))
        parts.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgstr" in parts:
                close()
            next_fuzzy = next_fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        if not line.startswith('"'):
            keyword = line.split(" ", 1)[0]
            if "msgstr" in parts and keyword in {"msgctxt", "msgid"}:
                close()
            if not parts:
                fuzzy, next_fuzzy = next_fuzzy, False
            parts[keyword] = ""
        parts[keyword] += _unquote(line)
    close()
    return entries


def test_every_message_is_translated() -> None:
    """Each msgid of the English .po has an English translation, none fuzzy, placeholders kept."""
    entries = read_po(LC_MESSAGES / "django.po")
    assert len(entries) > 100
    for entry in entries:
        assert entry.msgstr, f"untranslated: {entry.msgid!r}"
        assert not entry.fuzzy, f"fuzzy: {entry.msgid!r}"
        assert not HAN.search(entry.msgstr), f"Chinese left in the translation of {entry.msgid!r}"
        assert sorted(re.findall(r"%\(\w+\)s", entry.msgid)) == sorted(
            re.findall(r"%\(\w+\)s", entry.msgstr)
        ), entry.msgid


def test_no_obsolete_entries() -> None:
    """makemessages' leftovers (#~) are removed, not kept as dead text."""
    text = (LC_MESSAGES / "django.po").read_text(encoding="utf-8")
    assert not [line for line in text.splitlines() if line.startswith("#~")]


def test_compiled_catalogue_matches_the_po() -> None:
    """django.mo is compiled from the current django.po (run msgfmt after editing)."""
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(LC_MESSAGES / "django.po"):
        if entry.context is None:
            found = compiled.gettext(entry.msgid)
        else:
            found = compiled.pgettext(entry.context, entry.msgid)
        assert found == entry.msgstr, f"django.mo is stale for {entry.msgid!r}"


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads (.py, .html, .txt), without tests, static files or locale."""

    def skipped(directory: str, names: list[str]) -> set[str]:
        """Names in a directory that are not copied."""
        return {
            name
            for name in names
            if name in {"tests", "locale", "static", "__pycache__"}
            or (
                not Path(directory, name).is_dir()
                and Path(name).suffix not in {".py", ".html", ".txt"}
            )
        }

    shutil.copytree(PACKAGE_DIR, destination, ignore=skipped)


def test_catalogue_has_every_translatable_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """makemessages run on a copy of the sources finds no msgid missing from django.po, and
    django.po holds nothing the sources no longer mark (except the runtime-only labels)."""
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        reason = f"GNU gettext tools missing: {', '.join(missing_tools)} (apt-get install gettext)"
        if os.environ.get("YOUPIN_REQUIRE_GETTEXT") == "1":
            pytest.fail(f"gettext required but {reason}")
        pytest.skip(reason)
    copy = tmp_path / "youpin"
    _copy_sources(copy)
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", verbosity=0, **MAKEMESSAGES)

    extracted = {entry.key for entry in read_po(copy / "locale/en/LC_MESSAGES/django.po")}
    catalogue = {entry.key for entry in read_po(LC_MESSAGES / "django.po")}
    assert len(extracted) > 100
    missing = sorted(extracted - catalogue, key=str)
    assert not missing, (
        f"{len(missing)} translatable strings are not in locale/en django.po (run makemessages "
        f"as above, translate, msgfmt): {missing[:20]}"
    )
    stale = sorted(catalogue - extracted, key=str)
    assert not stale, f"django.po has entries nothing marks any more: {stale[:20]}"


def test_model_choice_labels_are_in_the_catalogue() -> None:
    """Every choice label the pages show is marked in portal.labels and translated."""
    msgids = {entry.msgid for entry in read_po(LC_MESSAGES / "django.po")}
    for choices in (
        Role,
        Platform,
        MerchantKind,
        OrderStatus,
        TrackingStatus,
        StationKind,
        ExceptionKind,
    ):
        for member in choices:
            assert member.label in ALL_LABELS, (
                f"{choices.__name__}.{member.name} not in portal.labels"
            )
            assert member.label in msgids, f"{member.label!r} missing from django.po"


def test_labels_shown_at_run_time_are_in_the_catalogue() -> None:
    """Labels the pages translate at run time (batch status and source, export formats, the
    cockpit's units with the context "unit") are marked and translated."""
    keys = {entry.key: entry.msgstr for entry in read_po(LC_MESSAGES / "django.po")}
    for member in (*BatchStatus, *BatchSource):
        assert member.label in BATCH_LABELS, f"{member!r} not in ingest.views.BATCH_LABELS"
        assert keys.get((None, member.label)), member.label
    for name, connector in FORMATS.items():
        assert connector.label in FORMAT_LABELS, f"{name} not in ingest.forms.FORMAT_LABELS"
        assert keys.get((None, connector.label)), connector.label
    for unit in Unit:
        assert keys.get(("unit", unit.label)), f"unit {unit.label!r} missing from django.po"


def test_forecast_notes_stay_chinese_and_translate_for_pages() -> None:
    """A forecast's note is Chinese text (API, reports) that a page shows in English."""
    from django.utils import translation

    note = fc.forecast_yearly({2023: 1.0, 2024: 2.0}, 2025).note
    assert note == "仅有 2 年数据，少于 3 年，不作预测"
    assert isinstance(note, fc.Note)
    with translation.override("en"):
        assert note.translated() == "Data for only 2 years, fewer than 3; no forecast"
        assert fc.no_forecast("").note.translated() == ""
    with translation.override("zh-hans"):
        assert note.translated() == note
    outer = fc.Note("无法预测%(year)s年：%(why)s", year=2025, why=note)  # a sentence around a note
    with translation.override("en"):
        assert "Data for only 2 years" in outer.translated()


def test_english_by_cookie(client: Client, zhongwei: None) -> None:
    """With the language cookie set to English, the home page speaks English."""
    client.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/?year=2025").content.decode()
    assert 'lang="en"' in html
    assert "Sign out" in html
    assert "Online retail sales 2025 (CNY)" in html
    assert "Official" in html  # the role label, translated
    assert "退出登录" not in html


@pytest.mark.django_db
def test_english_by_accept_language(client: Client) -> None:
    """A browser asking for English gets the English login page; Chinese stays the default."""
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Sign in to Zhongwei Youpin" in html
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "登录中卫优品" in html
    html = client.get("/login/").content.decode()
    assert "登录中卫优品" in html


@pytest.mark.django_db
def test_language_switch_form(client: Client) -> None:
    """Posting the header's switch to /i18n/setlang/ sets the cookie and returns to the page."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/login/").content.decode()
    assert "Sign in to Zhongwei Youpin" in html
    assert 'value="zh-hans"' in html  # the way back to Chinese


@pytest.mark.urls("youpin.ingest.tests.urls_imports")  # the site plus the imports pages
def test_new_pages_speak_english(client: Client, zhongwei: None) -> None:
    """The cockpit, delivery, report, data-quality, review, settlement, counter and import pages
    are English when asked for, choice labels included (data such as station names stay
    Chinese)."""
    StationFactory(code="EN-01", name="兴仁镇测试站", place=place(XINGREN_TOWN))
    spec = SPECS["pickup_before_payment"]
    SignalRule.objects.update_or_create(
        code=spec.code, defaults={"name": spec.name, "explanation": spec.explanation}
    )
    operator = user_with_role(Role.OPERATOR)
    batch = ImportBatch.objects.create(
        kind=BatchKind.ORDERS,
        source=BatchSource.UPLOAD,
        file_name="订单.csv",
        status=BatchStatus.SUCCEEDED,
        rows_read=3,
        rejected=1,
        report={"refresh": {"status": "ok", "days": 2}, "warnings": [{"row": 2, "text": "金额"}]},
    )
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    expected = {
        "/cockpit/": ("Plan target cockpit", "规划目标驾驶舱"),
        "/delivery/": ("Daily joint delivery plans", "共同配送日计划"),
        "/reports/": ("Download Excel (tables)", "下载 Excel（表格）"),
        "/trust/quality/": ("Online retail sales: reported and verified", "上报与核实的网络零售额"),
        "/stations/settlement/": ("No station activity this month.", "本月没有站点业务记录。"),
        "/counter/": ("Station code or name", "站点编号或名称"),
        "/trust/review/": (
            "Collected before payment: The parcel",
            "揽收早于付款",
        ),
        "/imports/": ("Upload and import", "上传并导入"),
        f"/imports/{batch.pk}/": (f"Import batch #{batch.pk}", "导入批次"),
    }
    for url, (english, chinese) in expected.items():
        html = client.get(url).content.decode()
        assert english in html, url
        assert chinese not in html, url
    html = client.get("/counter/").content.decode()
    assert "兴仁镇测试站" in html
    assert "Township e-commerce express" in html  # the station kind, translated
    html = client.get("/imports/").content.decode()
    assert "Recognise automatically" in html  # the platform choice
    assert "Douyin shop order export" in html  # a connector's format label
    assert "Succeeded" in html or "Completed" in html  # the batch status
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Web upload" in html  # the batch source
    assert "Statistical facts of 2 days refreshed" in html
    assert "Row 2: 金额" in html  # the stored warning stays as written
    assert "网页上传" not in html
    assert "状态" not in html
    html = client.get("/cockpit/").content.decode()
    assert "Forecast: Data for only" in html  # a forecast note, translated
    for chinese in (">按计划推进<", ">存在风险<", ">偏离目标<", ">无法判断<", "指数平滑", "预测："):
        assert chinese not in html, chinese


def test_delivery_plan_page_speaks_english(client: Client, zhongwei: None) -> None:
    """The plan page shows the unplanned reasons and the distance source in English; the plan
    keeps them Chinese for the CLI and the API."""
    world = build_world()
    plan = plan_delivery(world.hub, DAY, seconds=0.5, seed=1)
    assert plan.distance_source.startswith("直线×")
    client.force_login(user_with_role(Role.OPERATOR))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/delivery/plans/{plan.pk}/").content.decode()
    assert "straight line × " in html
    assert "直线" not in html
    assert 'data-testid="unplanned-table"' in html
    for chinese in (
        "超出所有可用车辆",
        "需冷链运输",
        "没有车辆能在",
        "往返里程",
        "未能排入",
        "停靠点",
    ):
        assert chinese not in html, chinese
    api = client.get(f"/api/delivery/plans/{plan.pk}").json()
    assert api["distance_source"] == plan.distance_source
    assert all(any("\u4e00" <= c <= "\u9fff" for c in p["reason_text"]) for p in api["unplanned"])
