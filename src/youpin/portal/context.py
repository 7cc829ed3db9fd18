"""Template context shared by every page: the demo flag, and who is signed in with their menu."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.accounts.scoping import request_scope as request_scope  # the pages import it here
from youpin.demo.selectors import demo_dataset


@dataclass(frozen=True)
class NavItem:
    """One entry of the top menu."""

    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class PortalUser:
    """What the page header shows about the signed-in user."""

    name: str
    role_label: str
    nav: list[NavItem]


def role_label(role: str) -> str:
    """The role's name in the active language."""
    return gettext(Role(role).label)


def _display_name(request: HttpRequest) -> str:
    """The profile's display name, else the user's full name, else the login name."""
    user = request.user
    try:
        name = user.profile.display_name  # type: ignore[union-attr]
    except (ObjectDoesNotExist, AttributeError):
        name = ""
    if not name:
        name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return name or user.get_username()


def _nav(request: HttpRequest, scope: Scope) -> list[NavItem]:
    """The menu for a role: home, then the pages and tools that role uses."""
    path = request.path
    items = [NavItem(gettext("首页"), reverse("portal:home"))]
    if scope.role in {Role.OFFICIAL, Role.OPERATOR}:
        items.append(NavItem(gettext("驾驶舱"), reverse("cockpit:home")))
    if scope.role in {Role.OFFICIAL, Role.OPERATOR}:
        items.append(NavItem(gettext("未覆盖村庄"), reverse("portal:villages_unserved")))
        items.append(NavItem(gettext("共同配送"), reverse("delivery:plans")))
    if scope.role in {Role.OFFICIAL, Role.OPERATOR, Role.CARRIER, Role.STATION_KEEPER}:
        items.append(NavItem(gettext("包裹"), reverse("portal:parcel_list")))
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        items.append(NavItem(gettext("柜台"), reverse("counter:home")))
    if scope.role in {Role.OFFICIAL, Role.OPERATOR}:  # to look at a station's counter
        items.append(NavItem(gettext("站点柜台"), reverse("counter:home")))
    if scope.role in {Role.MERCHANT, Role.CONSUMER}:
        items.append(NavItem(gettext("包裹查询"), reverse("portal:track")))
    if scope.role in {Role.OFFICIAL, Role.OPERATOR, Role.CARRIER, Role.STATION_KEEPER}:
        items.append(NavItem(gettext("站点结算"), reverse("stations:settlement")))
    if scope.role in {Role.OFFICIAL, Role.OPERATOR, Role.MERCHANT}:
        items.append(NavItem(gettext("数据质量"), reverse("trust:quality")))
    if scope.role in {Role.OFFICIAL, Role.OPERATOR}:
        items.append(NavItem(gettext("刷单审核"), reverse("trust:review")))
        items.append(NavItem(gettext("月度报告"), reverse("reports:index")))
    if scope.role in {Role.OPERATOR, Role.MERCHANT, Role.CARRIER}:
        items.append(NavItem(gettext("接口文档"), reverse("api:openapi-view")))
    if getattr(request.user, "is_staff", False) or scope.role == Role.OPERATOR:
        items.append(NavItem(gettext("管理后台"), reverse("admin:index")))
    return [
        NavItem(i.label, i.url, active=(path == i.url if i.url == "/" else path.startswith(i.url)))
        for i in items
    ]


def _portal_user(request: HttpRequest) -> PortalUser | None:
    """Header data for a signed-in user; None for anonymous visitors or unusable accounts."""
    if not request.user.is_authenticated:
        return None
    try:
        scope = request_scope(request)
    except PermissionDenied:
        return None
    return PortalUser(
        name=_display_name(request), role_label=role_label(scope.role), nav=_nav(request, scope)
    )


def site(request: HttpRequest) -> dict[str, object]:
    """Expose the demo flag on every page, and (lazily) the signed-in user's header and menu."""
    return {
        "demo_dataset": demo_dataset(),
        "portal_user": SimpleLazyObject(lambda: _portal_user(request)),
    }
