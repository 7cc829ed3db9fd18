"""The English catalogue is complete and compiled, and English is served when asked for."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from youpin.accounts.models import Role
from youpin.catalog.models import MerchantKind, Platform
from youpin.commerce.models import OrderStatus
from youpin.logistics.models import TrackingStatus
from youpin.portal.labels import ALL_LABELS
from youpin.stations.models import StationKind
from youpin.testing.factories import HAIYUAN, place, user_with_role

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
_STRING = re.compile(r'^(?:msgid|msgstr)?\s*"(.*)"$')


def _unquote(line: str) -> str:
    """The text of one quoted .po line, escapes resolved."""
    match = _STRING.match(line.strip())
    assert match is not None, line
    return match.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def read_po(path: Path) -> list[tuple[str, str, bool]]:
    """Entries of a .po file as (msgid, msgstr, fuzzy), the header left out."""
    entries: list[tuple[str, str, bool]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        body = [line for line in lines if not line.startswith("#")]
        if not body:
            continue
        split = next(i for i, line in enumerate(body) if line.startswith("msgstr"))
        msgid = "".join(_unquote(line) for line in body[:split])
        msgstr = "".join(_unquote(line) for line in body[split:])
        if msgid:
            entries.append((msgid, msgstr, fuzzy))
    return entries


def test_every_message_is_translated() -> None:
    """Each msgid of the English .po has a translation, none fuzzy, placeholders kept."""
    entries = read_po(LC_MESSAGES / "django.po")
    assert len(entries) > 100
    for msgid, msgstr, fuzzy in entries:
        assert msgstr, f"untranslated: {msgid!r}"
        assert not fuzzy, f"fuzzy: {msgid!r}"
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
            re.findall(r"%\(\w+\)s", msgstr)
        ), msgid


def test_compiled_catalogue_matches_the_po() -> None:
    """django.mo is compiled from the current django.po (run msgfmt after editing)."""
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, _ in read_po(LC_MESSAGES / "django.po"):
        assert compiled.gettext(msgid) == msgstr, f"django.mo is stale for {msgid!r}"


def test_model_choice_labels_are_in_the_catalogue() -> None:
    """Every choice label the pages show is marked in portal.labels and translated."""
    msgids = {msgid for msgid, _, _ in read_po(LC_MESSAGES / "django.po")}
    for choices in (Role, Platform, MerchantKind, OrderStatus, TrackingStatus, StationKind):
        for member in choices:
            assert member.label in ALL_LABELS, (
                f"{choices.__name__}.{member.name} not in portal.labels"
            )
            assert member.label in msgids, f"{member.label!r} missing from django.po"


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
