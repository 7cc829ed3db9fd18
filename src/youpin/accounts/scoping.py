"""What a user may see: one `Scope` per request, applied by every selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from youpin.accounts.models import Profile, Role


@dataclass(frozen=True)
class Scope:
    """A role and the region, merchant, station, carrier or buyer it is limited to."""

    role: Role
    user_id: int | None = None
    region_prefix: str = ""
    region_code: str | None = None
    merchant_id: int | None = None
    station_id: int | None = None
    carrier_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        """The operator, and officials of the whole region, see every row."""
        return self.role == Role.OPERATOR

    @property
    def may_see_personal_data(self) -> bool:
        """Roles that handle parcels or orders in person see names and phones unmasked."""
        return self.role in {Role.STATION_KEEPER, Role.MERCHANT}


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """Build the scope of a signed-in user; superusers act as the operator."""
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    if getattr(user, "is_superuser", False):
        return Scope(role=Role.OPERATOR, user_id=user.pk)
    try:
        profile = Profile.objects.select_related("region").get(user_id=user.pk)
    except Profile.DoesNotExist:
        return Scope(role=Role.CONSUMER, user_id=user.pk)
    role = Role(profile.role)
    if role == Role.OFFICIAL:
        if profile.region is None:
            raise PermissionDenied("该官员账户未指定管辖区域")
        return Scope(
            role=role,
            user_id=user.pk,
            region_prefix=profile.region.prefix,
            region_code=profile.region.code,
        )
    return Scope(
        role=role,
        user_id=user.pk,
        merchant_id=profile.merchant_id,
        station_id=profile.station_id,
        carrier_id=profile.carrier_id,
    )


def request_scope(request: HttpRequest) -> Scope:
    """The scope of the request's user, built once per request."""
    cached: Scope | None = getattr(request, "_youpin_scope", None)
    if cached is None:
        cached = scope_for(request.user)
        request._youpin_scope = cached  # type: ignore[attr-defined]
    return cached
