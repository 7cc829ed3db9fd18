"""The HTTP API at /api/: one NinjaAPI, each context adds its router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from youpin.accounts.api import router as accounts_router
from youpin.accounts.auth import API_AUTH
from youpin.cockpit.api import router as cockpit_router
from youpin.commerce.api import router as commerce_router
from youpin.commerce.statistics_api import router as retail_router
from youpin.counter.api import router as counter_router
from youpin.delivery.api import router as delivery_router
from youpin.facts.api import router as facts_router
from youpin.geo.api import router as geo_router
from youpin.ingest.api import router as imports_router
from youpin.logistics.api import router as logistics_router
from youpin.logistics.statistics_api import router as express_router
from youpin.metrics.api import router as metrics_router
from youpin.plans.api import router as plans_router
from youpin.reports.api import router as reports_router
from youpin.stations.api import router as stations_router
from youpin.stations.statistics_api import router as stations_kpi_router
from youpin.trust.api import router as trust_router

api = NinjaAPI(
    title="Youpin 中卫优品 API",
    version="1",
    description=(
        "电商与快递物流协同平台接口。机器调用请在请求头带 `Authorization: Bearer <令牌>`；"
        "浏览器内调用使用登录会话。"
    ),
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Bad input is a 400 with the fields at fault."""
    return api.create_response(
        request, {"detail": "请求参数有误", "errors": exc.errors}, status=400
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """A missing or invalid token is a 401."""
    response = api.create_response(request, {"detail": "需要有效的令牌或登录会话"}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A role that may not do something gets a 403 saying so."""
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


api.add_router("/accounts", accounts_router)
api.add_router("/geo", geo_router)
api.add_router("/orders", commerce_router)
api.add_router("/parcels", logistics_router)
api.add_router("/stations", stations_router)
api.add_router("/imports", imports_router)
api.add_router("/kpi/retail", retail_router)
api.add_router("/kpi/express", express_router)
api.add_router("/kpi/stations", stations_kpi_router)
api.add_router("/counter", counter_router)
api.add_router("/facts", facts_router)
api.add_router("/plans", plans_router)
api.add_router("/trust", trust_router)
api.add_router("/delivery", delivery_router)
api.add_router("/cockpit", cockpit_router)
api.add_router("/reports", reports_router)
api.add_router("/metrics", metrics_router)
