"""Endpoints the tracking providers push to. Thin: the work is in `ingest.tracking.pushes`.

Not behind the session or token authentication (the providers sign their pushes
instead) and exempt from CSRF (they are server-to-server POSTs).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from youpin.ingest.tracking.pushes import push_receive, wechat_echo


def _receive(request: HttpRequest, provider: str) -> HttpResponse:
    """Hand the raw push to the ingest service and answer what it says."""
    if request.content_type == "multipart/form-data":
        body = urlencode(list(request.POST.lists()), doseq=True).encode("utf-8")
    else:
        body = request.body
    reply = push_receive(
        provider=provider,
        body=body,
        content_type=request.META.get("CONTENT_TYPE", ""),
        remote_addr=request.META.get("REMOTE_ADDR"),
        query=request.GET.dict(),
    )
    return HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)


@csrf_exempt
@require_POST
def kuaidi100_push(request: HttpRequest) -> HttpResponse:
    """Kuaidi100 subscription push: form fields `param` and `sign`."""
    return _receive(request, "kuaidi100")


@csrf_exempt
@require_POST
def kdniao_push(request: HttpRequest) -> HttpResponse:
    """Kdniao track push: form fields `RequestData`, `DataSign` and `RequestType`."""
    return _receive(request, "kdniao")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_push(request: HttpRequest) -> HttpResponse:
    """WeChat shop e-waybill push (JSON); GET answers WeChat's check of the URL."""
    if request.method == "GET":
        echo = wechat_echo(request.GET.dict())
        if echo is None:
            return HttpResponse("invalid signature", status=403, content_type="text/plain")
        return HttpResponse(echo, content_type="text/plain")
    return _receive(request, "wechat")
