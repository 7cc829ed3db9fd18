"""The report pages and API: who may download what, and what comes back."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.reports.tests.world import build_world
from youpin.testing.factories import HAIYUAN, ZHONGNING, MerchantFactory, place, user_with_role

pytestmark = pytest.mark.django_db
CITY = "640500000000"


def _client(user: Any) -> Client:
    """A client signed in as the user."""
    c = Client()
    c.force_login(user)
    return c


def _official(code: str) -> Client:
    """An official of a region."""
    return _client(user_with_role(Role.OFFICIAL, region=place(code)))


def test_city_official_chooses_a_month_and_downloads_both_formats(zhongwei: None) -> None:
    """The page links both files; the files are an XLSX (zip) and a PDF."""
    build_world()
    c = _official(CITY)
    page = c.get("/reports/?month=2025-06")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/reports/monthly/?month=2025-06&amp;format=xlsx" in html
    assert "海原县" in html  # the county choice
    assert "月度报告" in html  # and the menu link
    xlsx = c.get("/reports/monthly/?month=2025-06&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"
    assert "youpin-monthly-2025-06-640500.xlsx" in xlsx["Content-Disposition"]
    pdf = c.get("/reports/monthly/?month=2025-06&format=pdf&county=640521")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert "640521.pdf" in pdf["Content-Disposition"]


def test_county_official_gets_their_county_only(zhongwei: None) -> None:
    """Their own county is fine, another one is 403; no county choice on the page."""
    c = _official(ZHONGNING)
    page = c.get("/reports/")
    assert page.status_code == 200
    assert "海原县" not in page.content.decode()
    assert c.get("/reports/monthly/?month=2025-06&format=xlsx&county=640522").status_code == 403
    assert c.get("/api/reports/monthly?month=2025-06&county=640522").status_code == 403
    answer = c.get("/api/reports/monthly?month=2025-06")
    assert answer.status_code == 200
    assert answer.json()["region"] == {"code": "640521000000", "name": "中宁县"}


def test_other_roles_are_refused_and_bad_input_is_400(zhongwei: None) -> None:
    """Merchants and consumers: 403 on the page, the file and the API; a bad month: 400."""
    merchant = _client(user_with_role(Role.MERCHANT, merchant=MerchantFactory()))
    consumer = _client(user_with_role(Role.CONSUMER))
    for c in (merchant, consumer):
        assert c.get("/reports/").status_code == 403
        assert c.get("/reports/monthly/?month=2025-06&format=pdf").status_code == 403
        assert c.get("/api/reports/monthly?month=2025-06").status_code == 403
    assert Client().get("/reports/").status_code == 302  # to the login page
    official = _official(HAIYUAN)
    assert official.get("/reports/monthly/?month=2025-13&format=pdf").status_code == 400
    assert official.get("/reports/monthly/?month=2025-06&format=doc").status_code == 400
    assert official.get("/api/reports/monthly?month=June").status_code == 400
    assert official.get("/api/reports/monthly?month=2025-06&format=doc").status_code == 400


def test_api_gives_the_figures_and_the_files(zhongwei: None) -> None:
    """JSON with money in fen; format=xlsx and format=pdf download the files."""
    build_world()
    c = _official(CITY)
    data = c.get("/api/reports/monthly?month=2025-06").json()
    sales = next(f for f in data["headline"] if f["key"] == "retail_sales")
    assert (sales["month"], sales["ytd"], sales["unit"]) == (33000, 41000, "fen")
    assert sales["ytd_change"] == 355.6
    assert data["network"]["township_stations"] == 2
    assert [t["key"] for t in data["tables"]] == [
        "county",
        "platform",
        "category",
        "direction",
        "carrier",
    ]
    assert data["summary"][0].startswith("1–6月中卫市网络零售额0.04万元")
    pdf = c.get("/api/reports/monthly?month=2025-06&format=pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert c.get("/api/reports/monthly?month=2025-06&format=xlsx").content[:2] == b"PK"
