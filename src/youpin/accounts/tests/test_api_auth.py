"""API authentication: no token → 401, a valid token works, a revoked one does not."""

from __future__ import annotations

import pytest
from django.test import Client

from youpin.accounts.models import ApiToken, Role
from youpin.accounts.services import api_token_issue, api_token_revoke
from youpin.testing.factories import CarrierFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_api_without_token_is_401(client: Client) -> None:
    """An anonymous call gets 401 with a JSON reason and a Bearer challenge."""
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_api_with_unknown_token_is_401(client: Client) -> None:
    """A made-up token is refused."""
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer yp_not-a-real-token")
    assert response.status_code == 401


def test_issued_token_authenticates_and_is_stored_hashed(client: Client) -> None:
    """A carrier's issued token identifies the carrier; only its hash is in the database."""
    carrier = CarrierFactory(code="zto", name="中通快递")
    user = user_with_role(Role.CARRIER, carrier=carrier)
    issued = api_token_issue(user=user, name="中通轨迹推送")
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    assert response.status_code == 200
    assert response.json()["role"] == "carrier"
    assert response.json()["carrier_id"] == carrier.pk
    assert not ApiToken.objects.filter(key_hash=issued.key).exists()
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_revoked_token_is_refused(client: Client) -> None:
    """After revocation the same key gets 401."""
    user = user_with_role(Role.CONSUMER)
    issued = api_token_issue(user=user, name="test")
    api_token_revoke(token=issued.token)
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    assert response.status_code == 401


def test_token_of_inactive_user_is_refused(client: Client) -> None:
    """Deactivating a user stops its tokens."""
    user = user_with_role(Role.CONSUMER)
    issued = api_token_issue(user=user, name="test")
    user.is_active = False  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    assert response.status_code == 401


def test_session_login_reaches_the_api(client: Client) -> None:
    """A browser signed in with a password can call the API with its session."""
    user = user_with_role(Role.CONSUMER)
    assert client.login(username=user.username, password="pw-test-123")  # type: ignore[attr-defined]
    response = client.get("/api/accounts/me")
    assert response.status_code == 200
    assert response.json()["role"] == "consumer"


def test_wrong_password_does_not_sign_in(client: Client) -> None:
    """A wrong password leaves the API closed."""
    user = user_with_role(Role.CONSUMER)
    assert not client.login(username=user.username, password="wrong")  # type: ignore[attr-defined]
    assert client.get("/api/accounts/me").status_code == 401
