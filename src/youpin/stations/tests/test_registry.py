"""Registering and changing stations: validation a person understands, nothing half-written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.stations.models import Station, StationKind
from youpin.stations.selectors import township_progress_by_county
from youpin.stations.services import station_create, station_update
from youpin.stations.vocabulary import RegistryError, services_clean
from youpin.testing.factories import CarrierFactory, StationFactory, place, user_with_role

pytestmark = pytest.mark.django_db
XINGREN = "640502109000"
SIGN = "中卫市兴仁镇电商快递兴农超市"


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    """The field errors of a ValidationError."""
    return exc.value.message_dict


def test_services_vocabulary() -> None:
    """Known services come back in vocabulary order without duplicates; unknown ones are named."""
    assert services_clean(["sell", "receive", "sell", " send "]) == ["receive", "send", "sell"]
    with pytest.raises(RegistryError, match="未知的服务项目：fly"):
        services_clean(["receive", "fly"])
    with pytest.raises(RegistryError, match="应为列表"):
        services_clean("receive")


def test_township_station_is_created_with_normalised_fields() -> None:
    """A valid township station is saved with sorted services, clean hours and its carriers."""
    CarrierFactory(code="zto")
    CarrierFactory(code="sf")
    station = station_create(
        code="T640502109",
        name=SIGN,
        kind=StationKind.TOWNSHIP,
        place_code=XINGREN,
        opening_hours="14:00-21:00,8:00-12:00",
        services=["sell", "receive", "send"],
        carrier_codes=["zto", "sf"],
    )
    station.refresh_from_db()
    assert station.opening_hours == "08:00-12:00,14:00-21:00"
    assert station.services == ["receive", "send", "sell"]
    assert sorted(station.carriers.values_list("code", flat=True)) == ["sf", "zto"]


def test_township_station_must_bear_the_unified_sign() -> None:
    """Another name is refused with the sign it must use; nothing is written."""
    with pytest.raises(ValidationError) as exc:
        station_create(
            code="T1", name="兴仁超市", kind=StationKind.TOWNSHIP, place_code=XINGREN, services=[]
        )
    assert _errors(exc)["name"] == [f"乡镇兴农超市须使用统一店招名称：{SIGN}"]
    assert not Station.objects.filter(code="T1").exists()


def test_every_wrong_field_is_reported_at_once() -> None:
    """Bad services, hours, coordinates and carriers each get a message; nothing is saved."""
    with pytest.raises(ValidationError) as exc:
        station_create(
            code="V1",
            name="兴仁村服务点",
            kind=StationKind.VILLAGE,
            place_code="640502109200",
            services=["receive", "teleport"],
            opening_hours="8-20",
            lon=37.5,
            lat=105.2,
        )
    errors = _errors(exc)
    assert "teleport" in errors["services"][0]
    assert "HH:MM-HH:MM" in errors["opening_hours"][0]
    assert "经纬度是否填反" in errors["lon"][0]
    assert "coord_source" in errors
    with pytest.raises(ValidationError) as exc2:
        station_create(
            code="V1",
            name="兴仁村服务点",
            kind=StationKind.VILLAGE,
            place_code="640502109200",
            carrier_codes=["nope"],
        )
    assert "nope" in _errors(exc2)["carriers"][0]
    with pytest.raises(ValidationError) as exc3:
        station_create(code="V1", name="x", kind=StationKind.VILLAGE, place_code="999")
    assert "999" in _errors(exc3)["place"][0]
    assert not Station.objects.filter(code="V1").exists()


def test_township_station_at_a_village_is_refused() -> None:
    """The township sign belongs to a township-level place."""
    with pytest.raises(ValidationError) as exc:
        station_create(code="T2", name=SIGN, kind=StationKind.TOWNSHIP, place_code="640502109200")
    assert "乡镇（街道）级" in _errors(exc)["place"][0]


def test_update_checks_and_keeps_the_row_on_error() -> None:
    """A bad change is refused and the stored row is unchanged; a good one is saved."""
    station = StationFactory(
        code="V2", kind=StationKind.VILLAGE, place=place("640502109200"), services=["receive"]
    )
    with pytest.raises(ValidationError):
        station_update(station=station, opening_hours="20:00-08:00")
    stored = Station.objects.get(pk=station.pk)
    assert stored.opening_hours == "08:00-20:00"
    station_update(station=stored, opening_hours="00:00-02:00,20:00-24:00", services=["send"])
    stored.refresh_from_db()
    assert (stored.opening_hours, stored.services) == ("00:00-02:00,20:00-24:00", ["send"])
    with pytest.raises(ValidationError, match="code_name"):
        station_update(station=stored, code_name="x")


def test_registry_api_is_for_the_operator() -> None:
    """The operator registers and patches through the API with 400s that name the field."""
    operator, keeper_station = Client(), StationFactory(name=SIGN, place=place(XINGREN))
    operator.force_login(user_with_role(Role.OPERATOR))
    payload = {
        "code": "V3",
        "name": "郝集村服务点",
        "kind": "village",
        "place_code": "640502109201",
        "services": ["receive", "send"],
        "opening_hours": "09:00-18:00",
    }
    created = operator.post("/api/stations", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["place_code"] == "640502109201"
    bad = operator.patch("/api/stations/V3", {"services": ["x"]}, content_type="application/json")
    assert bad.status_code == 400
    assert "services" in bad.json()["detail"]
    ok = operator.patch(
        "/api/stations/V3", {"opening_hours": "9:00-18:00"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["opening_hours"] == "09:00-18:00"
    keeper = Client()
    keeper.force_login(user_with_role(Role.STATION_KEEPER, station=keeper_station))
    assert keeper.post("/api/stations", payload, content_type="application/json").status_code == 403


def test_progress_toward_200_by_county() -> None:
    """Active township stations per county, and the township units holding one."""
    StationFactory(name=SIGN, place=place(XINGREN))
    StationFactory(name="中卫市海城镇电商快递兴农超市", place=place("640522100000"))
    StationFactory(name="中卫市李旺镇电商快递兴农超市", place=place("640522101000"))
    StationFactory(place=place("640522103000"), is_active=False)
    rows = {r.code: r for r in township_progress_by_county(Scope(role=Role.OPERATOR))}
    assert rows["640502000000"].township_stations == 1
    haiyuan = rows["640522000000"]
    assert (haiyuan.township_stations, haiyuan.townships_with_station) == (2, 2)
    assert haiyuan.townships == 17  # 5 towns + 12 townships; the four 4xx units are not
    assert haiyuan.share_of_target_pct == 1.0
    official = Scope(role=Role.OFFICIAL, region_prefix="640522", region_code="640522000000")
    assert [r.code for r in township_progress_by_county(official)] == ["640522000000"]


def test_admin_refuses_a_township_station_without_the_sign(admin_client: Client) -> None:
    """The back office runs the same checks: the form shows the sign to use; lists load."""
    response = admin_client.post(
        "/admin/stations/station/add/",
        {
            "code": "T9",
            "name": "兴仁超市",
            "kind": "township",
            "place": XINGREN,
            "opening_hours": "08:00-20:00",
            "services": '["receive"]',
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert SIGN in response.content.decode()
    assert not Station.objects.filter(code="T9").exists()
    for model in ("station", "feerule", "subsidy"):
        assert admin_client.get(f"/admin/stations/{model}/").status_code == 200
