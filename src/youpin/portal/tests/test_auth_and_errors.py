"""Signing in and out, the demo banner, and error pages that say what happened without details."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from youpin.accounts.models import Role
from youpin.demo.models import DemoDataset
from youpin.portal.views import bad_request
from youpin.testing.factories import HAIYUAN, place, user_with_role

pytestmark = pytest.mark.django_db


def test_anonymous_home_redirects_to_login(client: Client) -> None:
    """An anonymous visitor of / is sent to the login page, coming back afterwards."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_login_page_is_chinese_and_styled(client: Client) -> None:
    """The login page is in Chinese by default and loads the portal stylesheet."""
    html = client.get("/login/").content.decode()
    assert "登录中卫优品" in html
    assert 'lang="zh-Hans"' in html
    assert "portal/portal.css" in html


def test_wrong_password_shows_a_message(client: Client, zhongwei: None) -> None:
    """A wrong password re-renders the form with a clear message, no stack trace."""
    user = user_with_role(Role.CONSUMER)
    response = client.post("/login/", {"username": user.username, "password": "not-the-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="login-error"' in html
    assert "区分大小写" in html  # Django's own wording: a correct username and password
    assert "Traceback" not in html
    assert "_auth_user_id" not in client.session


def test_login_and_logout_through_the_forms(client: Client, zhongwei: None) -> None:
    """The right password signs in and lands on the home page; the POST logout signs out."""
    user = user_with_role(Role.CONSUMER)
    response = client.post("/login/", {"username": user.username, "password": "pw-test-123"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/").content.decode()
    assert user.username in home
    assert 'action="/logout/"' in home
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_header_shows_name_and_role(client: Client, zhongwei: None) -> None:
    """The header names the user (display name first) and their role."""
    user = user_with_role(Role.OFFICIAL, region=place(HAIYUAN))
    user.profile.display_name = "马主任"
    user.profile.save()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "马主任" in html
    assert "政府官员" in html
    assert 'href="/villages/unserved/"' in html


def test_demo_banner_only_with_demo_data(client: Client, zhongwei: None) -> None:
    """The synthetic-data banner appears on every page iff a demo dataset is recorded."""
    client.force_login(user_with_role(Role.CONSUMER))
    for url in ("/", "/login/", "/no-such-page/"):
        assert 'data-testid="demo-banner"' not in client.get(url).content.decode()
    DemoDataset.objects.create(seed=1, scale=1.0)
    for url in ("/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert 'data-testid="demo-banner"' in html
        assert "村庄坐标" in html
    client.logout()
    assert 'data-testid="demo-banner"' in client.get("/login/").content.decode()


def test_unknown_url_gets_the_friendly_404(client: Client) -> None:
    """An unknown URL answers 404 with the portal's page, not Django's debug page."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "页面不存在" in html
    assert "URLconf" not in html
    assert "youpin.config.urls" not in html


def test_role_without_access_gets_the_friendly_403(client: Client, zhongwei: None) -> None:
    """A consumer asking for the officials' village list gets the 403 page."""
    client.force_login(user_with_role(Role.CONSUMER))
    response = client.get("/villages/unserved/")
    assert response.status_code == 403
    assert 'data-testid="error-page"' in response.content.decode()


@pytest.mark.urls("youpin.portal.tests.urls_boom")
def test_server_error_page_hides_the_failure(zhongwei: None) -> None:
    """A failing view answers 500 with the friendly page and nothing of the exception."""
    DemoDataset.objects.create(seed=1, scale=1.0)
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "secret-detail-42" not in html
    assert "RuntimeError" not in html
    assert 'data-testid="demo-banner"' in html


def test_bad_request_page(rf: RequestFactory) -> None:
    """The 400 handler renders the friendly page with status 400."""
    request = rf.get("/")
    request.user = AnonymousUser()
    response = bad_request(request, ValueError("detail"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "detail" not in html


def test_post_to_home_is_refused(client: Client, zhongwei: None) -> None:
    """Pages are read-only: a POST to the home page is 405."""
    client.force_login(user_with_role(Role.CONSUMER))
    assert client.post("/").status_code == 405


def test_official_without_region_is_refused_but_can_sign_out(
    client: Client, zhongwei: None
) -> None:
    """An official account lacking its region gets the 403 page, which still offers sign-out."""
    client.force_login(user_with_role(Role.OFFICIAL))
    response = client.get("/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert 'action="/logout/"' in html
    assert "管辖区域" not in html  # the internal reason is not shown
