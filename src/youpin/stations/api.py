"""API: the station directory, registry writes for the operator, and settlement statements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from youpin.accounts.models import Role
from youpin.accounts.scoping import scope_for
from youpin.stations.models import Station
from youpin.stations.selectors import stations_visible
from youpin.stations.services import station_create, station_update
from youpin.stations.settlement import (
    SettlementQueryError,
    month_parse,
    settlement_statements,
)
from youpin.stations.settlement_json import statement_as_dict
from youpin.stations.settlement_xlsx import statements_xlsx

router = Router(tags=["stations"])


class StationPublic(Schema):
    """A station in the directory."""

    id: int
    code: str
    name: str
    kind: str
    place_code: str
    address: str
    lon: float | None
    lat: float | None
    coord_source: str
    opening_hours: str
    services: list[str]
    is_active: bool


def _public(s: Station) -> StationPublic:
    """A station as the directory shows it."""
    return StationPublic(
        id=s.pk,
        code=s.code,
        name=s.name,
        kind=s.kind,
        place_code=s.place_id,
        address=s.address,
        lon=s.lon,
        lat=s.lat,
        coord_source=s.coord_source,
        opening_hours=s.opening_hours,
        services=list(s.services or []),
        is_active=s.is_active,
    )


@router.get("", response=list[StationPublic], summary="站点目录")
def station_list(request: HttpRequest, kind: str | None = None) -> list[StationPublic]:
    """List the stations the caller may see."""
    qs = stations_visible(scope_for(request.user))
    if kind:
        qs = qs.filter(kind=kind)
    return [_public(s) for s in qs.order_by("code")]


class StationIn(Schema):
    """A station to register; opening hours as "HH:MM-HH:MM[,HH:MM-HH:MM]"."""

    code: str
    name: str
    kind: str
    place_code: str
    operator_name: str = ""
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    coord_source: str = ""
    opening_hours: str = "08:00-20:00"
    services: list[str] = []
    carrier_codes: list[str] = []
    is_active: bool = True


class StationPatch(Schema):
    """Fields to change; absent fields stay as they are."""

    name: str | None = None
    kind: str | None = None
    place_code: str | None = None
    operator_name: str | None = None
    address: str | None = None
    lon: float | None = None
    lat: float | None = None
    coord_source: str | None = None
    opening_hours: str | None = None
    services: list[str] | None = None
    carrier_codes: list[str] | None = None
    is_active: bool | None = None


def _operator_only(request: HttpRequest) -> None:
    """Only the platform operator edits the registry through the API."""
    if scope_for(request.user).role != Role.OPERATOR:
        raise PermissionDenied("只有平台运营方可以登记或修改站点")


def _invalid(exc: ValidationError) -> HttpError:
    """A 400 naming each field at fault."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    text = "；".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return HttpError(400, f"站点信息有误：{text}")


@router.post("", response={201: StationPublic}, summary="登记站点（运营方）")
def station_register(request: HttpRequest, payload: StationIn) -> Status:
    """Register a station after validating every field."""
    _operator_only(request)
    data = payload.dict()
    try:
        station = station_create(**data)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, _public(station))


def _statements(
    request: HttpRequest, month: str, station: str | None, carrier: str | None
) -> tuple[str, list[Any]]:
    """The caller's statements for a month, or a 400 saying what is wrong."""
    try:
        first = month_parse(month)
        return f"{first:%Y-%m}", settlement_statements(
            scope_for(request.user),
            month=first,
            station_code=station or None,
            carrier_code=carrier or None,
        )
    except SettlementQueryError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/settlement",
    response=dict[str, Any],
    summary="站点结算单（JSON）",
    description="站点管理员只看本站，快递公司只看本公司，官员看辖区，运营方看全部；商户与消费者无权查看。",
)
def settlement(
    request: HttpRequest, month: str, station: str | None = None, carrier: str | None = None
) -> dict[str, Any]:
    """Statements per station and carrier for a month (YYYY-MM)."""
    label, statements = _statements(request, month, station, carrier)
    return {"month": label, "statements": [statement_as_dict(s) for s in statements]}


@router.get("/settlement.xlsx", summary="站点结算单（XLSX 下载）")
def settlement_xlsx(
    request: HttpRequest, month: str, station: str | None = None, carrier: str | None = None
) -> HttpResponse:
    """The same statements as an XLSX workbook."""
    label, statements = _statements(request, month, station, carrier)
    response = HttpResponse(
        statements_xlsx(statements, month=label),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"settlement-{label}" + (f"-{station}" if station else "") + ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Declared last: "/{code}" would otherwise catch /settlement and /settlement.xlsx.
@router.patch("/{code}", response=StationPublic, summary="修改站点（运营方）")
def station_change(request: HttpRequest, code: str, payload: StationPatch) -> StationPublic:
    """Change the given fields of a station."""
    _operator_only(request)
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise HttpError(404, f"站点 {code} 不存在")
    changes = payload.dict(exclude_unset=True)
    try:
        station = station_update(station=station, **changes)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return _public(station)
