"""Writes for accounts: users with roles, API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from youpin.accounts.auth import new_token_key
from youpin.accounts.models import ApiToken, Profile, Role, hash_token
from youpin.catalog.models import Merchant
from youpin.geo.models import Place
from youpin.logistics.models import Carrier
from youpin.stations.models import Station


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the stored row and the key, which is never shown again."""

    token: ApiToken
    key: str


@transaction.atomic
def user_with_role_upsert(
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    region: Place | None = None,
    merchant: Merchant | None = None,
    station: Station | None = None,
    carrier: Carrier | None = None,
    is_staff: bool = False,
) -> User:
    """Create or update a user and its role profile; running it twice changes nothing more."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = is_staff
    user.is_active = True
    user.save()
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": role})
    profile.role = role
    profile.display_name = display_name
    profile.region = region
    profile.merchant = merchant
    profile.station = station
    profile.carrier = carrier
    profile.full_clean()
    profile.save()
    return user


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> IssuedToken:
    """Issue a token for a user; only its hash is stored."""
    key = new_token_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_token(key))
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; calls made with it fail from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
