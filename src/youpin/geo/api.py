"""API: places and address resolution."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from youpin.geo.models import Place
from youpin.geo.resolver import resolve_address
from youpin.geo.selectors import InvalidPlaceCode, division_table, place_get, places_under

router = Router(tags=["geo"])


class PlacePublic(Schema):
    """A division with its code, level and parent."""

    code: str
    name: str
    level: str
    parent_code: str | None
    lon: float | None
    lat: float | None
    coord_source: str


class ResolutionPublic(Schema):
    """What the resolver is sure of in a free-text address."""

    province: str | None
    city: str | None
    county: str | None
    township: str | None
    village: str | None
    code: str | None
    level: str | None
    confidence: float
    outside: bool
    ambiguous: list[str]
    detail: str | None


class ResolveQuery(Schema):
    """The address to resolve."""

    q: str


def _place_out(place: Place) -> PlacePublic:
    """Turn a Place into its public form."""
    return PlacePublic(
        code=place.code,
        name=place.name,
        level=place.level,
        parent_code=place.parent_id,
        lon=place.lon,
        lat=place.lat,
        coord_source=place.coord_source,
    )


@router.get("/resolve", response=ResolutionPublic, summary="解析地址到区划")
def resolve(request: HttpRequest, query: Query[ResolveQuery]) -> ResolutionPublic:
    """Resolve a free-text address to the deepest division it is sure of."""
    text = query.q.strip()
    if not text:
        raise HttpError(400, "地址不能为空")
    if len(text) > 300:
        raise HttpError(400, "地址过长（最多 300 字）")
    result = resolve_address(text, division_table())
    data = result.as_dict()
    data["ambiguous"] = list(data.get("ambiguous") or [])
    return ResolutionPublic(**data)


@router.get("/places/{code}", response=PlacePublic, summary="按区划代码查询")
def place_detail(request: HttpRequest, code: str) -> PlacePublic:
    """Return one place by its NBS code."""
    try:
        return _place_out(place_get(code))
    except InvalidPlaceCode as exc:
        raise HttpError(400, str(exc)) from exc
    except Place.DoesNotExist as exc:
        raise Http404(f"没有区划代码 {code}") from exc


@router.get("/places", response=list[PlacePublic], summary="下级区划列表")
def place_children(
    request: HttpRequest, parent: str | None = None, level: str | None = None
) -> list[PlacePublic]:
    """List the children of a place (or the top-level places)."""
    if parent is not None:
        try:
            parent = place_get(parent).code
        except InvalidPlaceCode as exc:
            raise HttpError(400, str(exc)) from exc
        except Place.DoesNotExist as exc:
            raise Http404(f"没有区划代码 {parent}") from exc
    return [_place_out(p) for p in places_under(parent, level)]
