"""Thin views: the home page per role, and friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from youpin.accounts.scoping import scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page."""
    scope = scope_for(request.user)
    return render(request, "portal/home.html", {"scope": scope})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 page."""
    return render(request, "portal/error.html", {"status": 400, "message": "请求有误"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page."""
    return render(request, "portal/error.html", {"status": 403, "message": "无权访问此页面"}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page."""
    return render(request, "portal/error.html", {"status": 404, "message": "页面不存在"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page, without any detail of the failure."""
    return render(request, "portal/error.html", {"status": 500, "message": "服务器内部错误，已记录"}, status=500)
