"""API: import an order export, read a batch's report, download its rejected rows.

Mounted at /api/imports (config/api.py). A merchant imports only for itself (403
otherwise); the operator imports for any merchant, or with no merchant when the file
names its shops. Batches outside the caller's scope answer 404.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope, scope_for
from youpin.catalog.models import Merchant
from youpin.connectors.platforms import ColumnMapping
from youpin.facts.after_import import API_LOCK_WAIT, ORDERS, after_batch
from youpin.ingest.batches import ImportRefused
from youpin.ingest.models import BatchSource, ImportBatch
from youpin.ingest.orders import PLATFORM_CHOICES, orders_import
from youpin.ingest.rejects import rejects_csv_bytes
from youpin.ingest.selectors import batch_summary, batches_visible

router = Router(tags=["imports"])


class BatchPublic(Schema):
    """An import batch: status, counts and report."""

    id: int
    kind: str
    source: str
    status: str
    format: str
    file_name: str
    file_sha256: str
    file_size: int
    merchant_id: int | None
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    progress_rows: int
    error: str
    report: dict[str, Any]


class Refusal(Schema):
    """Why a file was not imported."""

    detail: str
    batch_id: int | None = None


class Problem(Schema):
    """An error answer."""

    detail: str


def import_merchant(scope: Scope, merchant_id: int | None) -> Merchant | None:
    """The merchant an import is for, as the scope allows; PermissionDenied otherwise."""
    if scope.role == Role.MERCHANT and scope.merchant_id is not None:
        if merchant_id is not None and merchant_id != scope.merchant_id:
            raise PermissionDenied("商户只能为自己导入订单")
        return Merchant.objects.get(pk=scope.merchant_id)
    if scope.role != Role.OPERATOR:
        raise PermissionDenied("只有商户和运营方可以导入订单")
    if merchant_id is None:
        return None
    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is None:
        raise Http404("商户不存在")
    return merchant


@router.post(
    "/orders",
    response={200: BatchPublic, 400: Refusal, 403: Problem, 404: Problem},
    summary="导入订单或售后导出文件",
)
def import_orders(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    platform: str = Form("auto"),
    merchant_id: int | None = Form(None),
    mapping: str | None = Form(None),
) -> Status[Any]:
    """Import a CSV/XLSX export now and return its batch; 400 with the reason if refused."""
    scope = scope_for(request.user)
    merchant = import_merchant(scope, merchant_id)
    if platform not in PLATFORM_CHOICES:
        known = "、".join(PLATFORM_CHOICES)
        return Status(400, Refusal(detail=f"未知平台「{platform}」，可选：{known}"))
    try:
        template = ColumnMapping.from_json(mapping) if mapping else None
    except ValueError as exc:
        return Status(400, Refusal(detail=str(exc)))
    try:
        batch = orders_import(
            stream=cast(IO[bytes], file.file),
            file_name=file.name or "upload",
            platform=platform,
            mapping=template,
            merchant=merchant,
            user=request.user,  # type: ignore[arg-type]
            source=BatchSource.API,
        )
    except ImportRefused as exc:
        refused = Refusal(detail=exc.message, batch_id=exc.batch.pk if exc.batch else None)
        return Status(400, refused)
    after_batch(kind=ORDERS, since=batch.started_at, batch=batch, wait=API_LOCK_WAIT)
    return Status(200, batch_summary(batch))


def _visible_batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    """The batch if the caller may see it, else 404."""
    batch = batches_visible(scope_for(request.user)).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("批次不存在")
    return batch


@router.get("/{batch_id}", response={200: BatchPublic, 404: Problem}, summary="导入批次报告")
def batch_get(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    """The batch's status, counts and report."""
    return batch_summary(_visible_batch(request, batch_id))


@router.get("/{batch_id}/rejects.csv", summary="下载拒收行（可修改后重新导入）")
def batch_rejects_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's rejected rows as UTF-8-with-BOM CSV with a 拒收原因 column."""
    batch = _visible_batch(request, batch_id)
    response = HttpResponse(rejects_csv_bytes(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects-{batch.pk}.csv"'
    return response
