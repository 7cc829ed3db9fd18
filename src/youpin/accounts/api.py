"""API: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from youpin.accounts.scoping import scope_for

router = Router(tags=["accounts"])


class MePublic(Schema):
    """The caller's identity and scope."""

    username: str
    role: str
    region_code: str | None
    merchant_id: int | None
    station_id: int | None
    carrier_id: int | None


@router.get("/me", response=MePublic, summary="当前用户与数据范围")
def me(request: HttpRequest) -> MePublic:
    """Return the caller's role and what it is scoped to."""
    scope = scope_for(request.user)
    return MePublic(
        username=request.user.get_username(),
        role=scope.role.value,
        region_code=scope.region_code,
        merchant_id=scope.merchant_id,
        station_id=scope.station_id,
        carrier_id=scope.carrier_id,
    )
