"""Settlement from station events: hand-counted pieces, fees, 妥投率, XLSX, roles."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.stations.models import FeeRule, Station, Subsidy
from youpin.stations.settlement import (
    SettlementQueryError,
    month_parse,
    settlement_statements,
)
from youpin.stations.tests.worlds import World, build_world
from youpin.testing.factories import (
    HAIYUAN,
    SHANGHAI,
    MerchantFactory,
    ParcelFactory,
    place,
    user_with_role,
)

pytestmark = pytest.mark.django_db
JUNE = date(2025, 6, 1)
OPERATOR = Scope(role=Role.OPERATOR)


def _at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A time in Zhongwei in 2025."""
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


def _event(parcel: Parcel, station: Station, when: datetime, raw: str, status: str) -> None:
    """An event recorded at a station, as the counter writes it."""
    TrackingEvent.objects.create(
        parcel=parcel,
        station=station,
        occurred_at=when,
        raw_code=raw,
        status=status,
        source="station" if raw.startswith("station_") else "kdniao",
    )


def _parcel(world: World, weight: int, carrier: str = "zto") -> Parcel:
    """A parcel of a carrier and weight."""
    return ParcelFactory(carrier=getattr(world, carrier), weight_g=weight)


@pytest.fixture
def june() -> World:
    """Events at 山门 (海原县) and 兴仁 (沙坡头区) around June 2025, and the fee rules."""
    w = build_world()
    a, b = w.shanmen, w.xingren
    p1, p2, p3, p4 = _parcel(w, 800), _parcel(w, 4000), _parcel(w, 500), _parcel(w, 1200)
    p5, p6, p7, p8, p9 = (
        _parcel(w, 300),
        _parcel(w, 3500),
        _parcel(w, 900),
        _parcel(w, 700),
        _parcel(w, 600),
    )
    _event(p1, a, _at(6, 2), "station_checkin", "ready_for_pickup")
    _event(p1, a, _at(6, 3), "station_pickup", "delivered")
    _event(p2, a, _at(6, 5), "station_checkin", "ready_for_pickup")
    _event(p2, a, _at(6, 6), "station_door_delivery", "delivered")
    _event(p2, a, _at(6, 6, 11), "3", "delivered")  # the carrier's own 签收 of the same parcel
    _event(p3, a, _at(6, 28), "station_checkin", "ready_for_pickup")
    _event(p3, a, _at(7, 2), "station_pickup", "delivered")  # picked up in July
    _event(p4, a, _at(6, 10), "station_checkin", "ready_for_pickup")
    _event(p4, a, _at(6, 11), "station_refused", "delivery_failed")
    _event(p4, a, _at(6, 12), "station_return", "return_to_sender")
    _event(p5, a, _at(6, 15), "station_send", "picked_up")
    _event(p6, a, _at(5, 30), "station_checkin", "ready_for_pickup")  # checked in in May
    _event(p6, a, _at(6, 1, 9), "station_pickup", "delivered")
    _event(p7, a, _at(6, 20, 9), "211", "ready_for_pickup")  # the carrier's feed …
    _event(p7, a, _at(6, 20, 10), "station_checkin", "ready_for_pickup")  # … and the counter
    _event(p7, a, _at(6, 21), "311", "delivered")
    _event(p8, a, _at(6, 30, 23, 30), "station_send", "picked_up")  # last half hour of June
    _event(p9, a, _at(7, 1, 0, 10), "station_send", "picked_up")  # first minutes of July
    q1 = _parcel(w, 2000, "yto")
    _event(q1, a, _at(6, 3), "station_send", "picked_up")
    r1 = _parcel(w, 1000)
    _event(r1, b, _at(6, 4, 9), "station_checkin", "ready_for_pickup")
    _event(r1, b, _at(6, 4, 17), "station_pickup", "delivered")
    start = date(2025, 1, 1)
    for service, lo, hi, fee, carrier in (
        ("pickup", 0, 3000, "0.50", None),
        ("pickup", 3000, None, "1.00", None),
        ("door", 0, None, "2.00", None),
        ("send", 0, None, "1.00", None),
        ("send", 0, None, "1.50", w.zto),
    ):
        FeeRule.objects.create(
            service=service,
            weight_min_g=lo,
            weight_max_g=hi,
            fee=Decimal(fee),
            carrier=carrier,
            valid_from=start,
        )
    Subsidy.objects.create(
        service="pickup", county=place(HAIYUAN), amount=Decimal("0.20"), valid_from=start
    )
    return w


def _by_key(statements: list[Any]) -> dict[tuple[str, str], Any]:
    """Statements by (station code, carrier code)."""
    return {(s.station_code, s.carrier_code): s for s in statements}


def test_pieces_fees_and_rate_equal_the_hand_count(june: World) -> None:
    """山门 × ZTO in June: 5 in, 3 picked up, 1 to the door, 2 sent; 4 of 5 delivered."""
    got = _by_key(settlement_statements(OPERATOR, month=JUNE))
    a = code_a = june.shanmen.code
    assert set(got) == {(a, "zto"), (a, "yto"), (june.xingren.code, "zto")}
    s = got[(code_a, "zto")]
    assert s.counts == {
        "checkin": 5,
        "pickup": 3,
        "door": 1,
        "send": 2,
        "exception": 1,
        "overdue": 0,
        "return": 1,
    }
    assert (s.checked_in, s.delivered_of_checked_in) == (5, 4)
    assert s.delivery_rate_pct == Decimal("80.0")
    lines = {(line.service, line.band): (line.pieces, line.amount) for line in s.lines}
    assert lines == {
        ("pickup", "0–3000 g"): (2, Decimal("1.00")),
        ("pickup", "≥ 3000 g"): (1, Decimal("1.00")),
        ("door", "≥ 0 g"): (1, Decimal("2.00")),
        ("send", "≥ 0 g"): (2, Decimal("3.00")),  # ZTO's own rule, 1.50
    }
    assert (s.fees_total, s.subsidies_total, s.total) == (
        Decimal("7.00"),
        Decimal("0.60"),
        Decimal("7.60"),
    )
    yto = got[(code_a, "yto")]
    assert (yto.counts["send"], yto.total, yto.delivery_rate_pct) == (1, Decimal("1.00"), None)
    b = got[(june.xingren.code, "zto")]
    assert (b.total, b.delivery_rate_pct) == (Decimal("0.50"), Decimal("100.0"))
    july = _by_key(settlement_statements(OPERATOR, month=date(2025, 7, 1)))
    assert july[(code_a, "zto")].counts["send"] == 1  # p9, 00:10 on 1 July


def test_each_role_sees_its_own_lines(june: World) -> None:
    """Official: region; keeper: own station; carrier: own carrier; merchant, consumer: none."""
    official = Scope(role=Role.OFFICIAL, region_prefix="640522", region_code=HAIYUAN)
    assert {s.station_code for s in settlement_statements(official, month=JUNE)} == {
        june.shanmen.code
    }
    keeper = Scope(role=Role.STATION_KEEPER, station_id=june.xingren.pk)
    assert [
        (s.station_code, s.carrier_code) for s in settlement_statements(keeper, month=JUNE)
    ] == [(june.xingren.code, "zto")]
    with pytest.raises(SettlementQueryError):
        settlement_statements(keeper, month=JUNE, station_code=june.shanmen.code)
    carrier = Scope(role=Role.CARRIER, carrier_id=june.yto.pk)
    assert [
        (s.station_code, s.carrier_code) for s in settlement_statements(carrier, month=JUNE)
    ] == [(june.shanmen.code, "yto")]
    with pytest.raises(PermissionDenied):
        settlement_statements(carrier, month=JUNE, carrier_code="zto")
    for role in (Role.MERCHANT, Role.CONSUMER):
        with pytest.raises(PermissionDenied):
            settlement_statements(Scope(role=role), month=JUNE)


def test_month_is_checked() -> None:
    """Months read as YYYY-MM; anything else says how to write it."""
    assert month_parse("2025-6") == JUNE
    for bad in ("2025-13", "June", "2025/06", ""):
        with pytest.raises(SettlementQueryError, match="YYYY-MM"):
            month_parse(bad)


def _xlsx_rows(data: bytes, sheet: str) -> list[tuple[Any, ...]]:
    """The rows of one sheet of a workbook."""
    wb = load_workbook(BytesIO(data), read_only=True)
    width = 13  # the widest row (the summary); shorter rows are padded with None
    return [(*r, *(None,) * (width - len(r))) for r in wb[sheet].iter_rows(values_only=True)]


def test_command_writes_an_xlsx_that_reads_back(june: World, tmp_path: Path) -> None:
    """The statement's header, lines, subsidy and total are in the file."""
    out = tmp_path / "june.xlsx"
    call_command(
        "settlement",
        "--month",
        "2025-06",
        "--station",
        june.shanmen.code,
        "--carrier",
        "zto",
        "--xlsx",
        str(out),
        stderr=StringIO(),
    )
    summary = _xlsx_rows(out.read_bytes(), "汇总")
    assert summary[1][0] == "站点编号"
    assert len(summary) == 3  # title, header, one statement
    assert summary[2][0] == june.shanmen.code
    assert summary[2][2] == "中通快递"
    assert summary[2][4:9] == (3, 1, 2, 5, 80.0)
    assert Decimal(str(summary[2][11])) == Decimal("7.60")
    detail = _xlsx_rows(out.read_bytes(), "结算单")
    header = {row[0]: row[1] for row in detail[:5]}
    assert header["月份"] == "2025-06"
    assert june.shanmen.code in header["站点"]
    assert "zto" in header["快递公司"]
    lines = [r for r in detail if r[0] in {"到站自取", "送货上门", "代寄"} and r[1]]
    assert [(r[0], r[1], r[2]) for r in lines] == [
        ("到站自取", "0–3000 g", 2),
        ("到站自取", "≥ 3000 g", 1),
        ("送货上门", "≥ 0 g", 1),
        ("代寄", "≥ 0 g", 2),
    ]
    subsidy = next(r for r in detail if r[0] == "到站自取" and not r[1])
    assert (subsidy[2], Decimal(str(subsidy[4]))) == (3, Decimal("0.60"))
    total = next(r for r in detail if r[0] == "合计")
    assert Decimal(str(total[4])) == Decimal("7.60")
    with pytest.raises(CommandError, match="不存在"):
        call_command("settlement", "--month", "2025-06", "--station", "NOPE")


def test_keeper_downloads_their_own_statement(june: World) -> None:
    """The keeper's link gives only their station; a merchant is refused; JSON matches."""
    client = Client()
    client.force_login(user_with_role(Role.STATION_KEEPER, station=june.xingren))
    response = client.get("/api/stations/settlement.xlsx?month=2025-06")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx_rows(response.content, "汇总")
    assert [r[0] for r in rows[2:]] == [june.xingren.code]
    body = client.get("/api/stations/settlement?month=2025-06").json()
    assert [(s["station"], s["total"]) for s in body["statements"]] == [(june.xingren.code, "0.50")]
    assert client.get("/api/stations/settlement?month=06-2025").status_code == 400
    merchant = Client()
    merchant.force_login(user_with_role(Role.MERCHANT, merchant=MerchantFactory()))
    assert merchant.get("/api/stations/settlement?month=2025-06").status_code == 403


def test_settlement_page_lists_the_keepers_station_with_a_download_link(june: World) -> None:
    """The page shows the keeper's own line and links to the scoped XLSX; others are refused."""
    client = Client()
    client.force_login(user_with_role(Role.STATION_KEEPER, station=june.xingren))
    html = client.get("/stations/settlement/?month=2025-06").content.decode()
    assert f'data-station="{june.xingren.code}"' in html
    assert f'data-station="{june.shanmen.code}"' not in html
    assert "/api/stations/settlement.xlsx?month=2025-06" in html
    assert client.get("/stations/settlement/?month=2025-99").status_code == 400
    official = Client()
    official.force_login(user_with_role(Role.OFFICIAL, region=place(HAIYUAN)))
    html = official.get("/stations/settlement/?month=2025-06").content.decode()
    assert html.count(f'data-station="{june.shanmen.code}"') == 2  # ZTO and YTO
    assert f'data-station="{june.xingren.code}"' not in html
    consumer = Client()
    consumer.force_login(user_with_role(Role.CONSUMER))
    assert consumer.get("/stations/settlement/").status_code == 403
