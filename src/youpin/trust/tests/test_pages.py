"""The data-quality page and the review queue, per role, and the trust API."""

from __future__ import annotations

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.testing.factories import user_with_role
from youpin.trust.models import CaseStatus, ReviewCase, ReviewEvent
from youpin.trust.services import verification_refresh
from youpin.trust.tests.worlds import NOW, TrustWorld, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zhongwei: None) -> TrustWorld:
    """The hand-built world, verified."""
    w = build_world()
    verification_refresh(now=NOW)
    return w


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _official(code: str) -> Client:
    from youpin.geo.models import Place

    return _client(user_with_role(Role.OFFICIAL, region=Place.objects.get(code=code)))


def test_quality_page_shows_reported_and_verified(world: TrustWorld) -> None:
    page = _client(user_with_role(Role.OPERATOR)).get("/trust/quality/?year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="reported"' in html
    assert 'data-key="verified"' in html
    assert "900.00" in html  # verified net (see test_retail_trusted)
    assert "刷单店" in html


def test_quality_page_per_role(world: TrustWorld) -> None:
    merchant = _client(user_with_role(Role.MERCHANT, merchant=world.shops["A"].merchant))
    html = merchant.get("/trust/quality/?year=2025").content.decode()
    assert "诚信店" in html
    assert "刷单店" not in html
    assert _client(user_with_role(Role.CONSUMER)).get("/trust/quality/").status_code == 403


def test_review_page_and_decision_leave_an_audit_trail(world: TrustWorld) -> None:
    official = _official("640521000000")
    page = official.get("/trust/review/")
    assert page.status_code == 200
    assert "刷单店" in page.content.decode()
    case = ReviewCase.objects.get(status=CaseStatus.OPEN)
    done = official.post(
        f"/trust/review/{case.pk}/decide/", {"decision": "confirmed", "note": "电话回访买家"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED
    assert case.decided_by is not None
    assert ReviewEvent.objects.filter(case=case, action="confirmed", user=case.decided_by).exists()


def test_review_is_for_officials_and_the_operator(world: TrustWorld) -> None:
    other = _official("640522000000")
    assert "刷单店" not in other.get("/trust/review/").content.decode()
    case = ReviewCase.objects.get(status=CaseStatus.OPEN)
    assert (
        other.post(
            f"/trust/review/{case.pk}/decide/", {"decision": "cleared", "note": "x"}
        ).status_code
        == 404
    )
    merchant = _client(user_with_role(Role.MERCHANT, merchant=world.shops["B"].merchant))
    assert merchant.get("/trust/review/").status_code == 403


def test_api(world: TrustWorld) -> None:
    operator = _client(user_with_role(Role.OPERATOR))
    b7 = world.orders["B7"].pk
    got = operator.get(f"/api/trust/orders/{b7}").json()
    assert (got["state"], set(got["reasons"])) == ("suspicious", {"never_moves", "not_delivered"})
    quality = operator.get("/api/trust/quality?year=2025").json()
    assert quality["total"]["orders"] == len(world.expected)
    cases = operator.get("/api/trust/review").json()
    assert [c["shop"] for c in cases] == ["刷单店"]
    bad = operator.post(
        f"/api/trust/review/{cases[0]['id']}/decision",
        {"decision": "maybe", "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    ok = operator.post(
        f"/api/trust/review/{cases[0]['id']}/decision",
        {"decision": "cleared", "note": "店铺周年庆"},
        content_type="application/json",
    )
    assert ok.json()["status"] == "cleared"
    assert operator.get(f"/api/trust/orders/{world.orders['B1'].pk}").json()["state"] == "verified"
    consumer = _client(user_with_role(Role.CONSUMER))
    assert consumer.get("/api/trust/review").status_code == 403
    assert consumer.get(f"/api/trust/orders/{b7}").status_code == 403
    assert len(operator.get("/api/trust/rules").json()) == 7
