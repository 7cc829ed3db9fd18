"""API authentication: bearer tokens for machines, the session for signed-in browsers."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from youpin.accounts.models import ApiToken, hash_token

TOKEN_PREFIX = "yp_"


def new_token_key() -> str:
    """Generate a fresh token key (shown to its owner once)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer yp_…` with a token that is neither unknown nor revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        """Return the token's user, recording when it was last used."""
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class ActiveSessionAuth(SessionAuth):
    """The browser session (with CSRF on unsafe methods), for the site's own pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """Accept only active signed-in users."""
        user = super().authenticate(request, key)
        if user is not None and not getattr(user, "is_active", False):
            return None
        return user


API_AUTH = [BearerTokenAuth(), ActiveSessionAuth()]
