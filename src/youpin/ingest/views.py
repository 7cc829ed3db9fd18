"""Thin views: upload an export (run outside the request), follow its batch, get its rejects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_safe

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.ingest.background import batch_dispatch
from youpin.ingest.batches import ImportRefused, batch_for_file, file_store
from youpin.ingest.forms import UploadForm
from youpin.ingest.models import BatchSource, BatchStatus, ImportBatch
from youpin.ingest.orders import import_options
from youpin.ingest.rejects import rejects_csv_bytes
from youpin.ingest.selectors import batches_visible
from youpin.portal.context import request_scope

RECENT = 20

#: The batch status and source labels the pages show, marked for the English catalogue (the
#: models keep them Chinese; the templates translate `get_status_display`, `get_source_display`).
#: A test checks that every label of `BatchStatus` and `BatchSource` is listed.
BATCH_LABELS = (
    gettext_noop("排队中"),
    gettext_noop("导入中"),
    gettext_noop("已完成"),
    gettext_noop("失败"),
    gettext_noop("命令行"),
    gettext_noop("网页上传"),
    gettext_noop("接口"),
    gettext_noop("推送"),
)


def _importer_scope(request: HttpRequest) -> Scope:
    """The scope of a merchant or the operator; PermissionDenied for other roles."""
    scope = request_scope(request)
    if scope.role not in (Role.MERCHANT, Role.OPERATOR):
        raise PermissionDenied("只有商户和运营方可以导入订单")
    return scope


def _batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    """A batch the user may see, else 404."""
    batch = batches_visible(request_scope(request)).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("批次不存在")
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form and the recent batches; a valid upload becomes a pending batch."""
    scope = _importer_scope(request)
    form = UploadForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        stored = file_store(upload_file, upload_file.name)
        try:
            batch = batch_for_file(
                stored=stored,
                file_name=upload_file.name,
                options=import_options(form.cleaned_data["platform"], None),
                merchant=form.chosen_merchant(),
                user=request.user,  # type: ignore[arg-type]
                source=BatchSource.UPLOAD,
            )
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            batch_dispatch(batch)
            return redirect("imports:batch", batch_id=batch.pk)
    batches = batches_visible(scope).order_by("-id")[:RECENT]
    return render(request, "ingest/upload.html", {"form": form, "batches": batches})


@login_required
@require_safe
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A batch: its progress while it runs, then its counts, warnings and rejected rows."""
    return render(request, "ingest/batch.html", {"batch": _batch(request, batch_id)})


@login_required
@require_safe
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The progress panel alone (polled by htmx until the batch ends)."""
    batch = _batch(request, batch_id)
    running = batch.status in (BatchStatus.PENDING, BatchStatus.RUNNING)
    return render(request, "ingest/_progress.html", {"batch": batch, "running": running})


@login_required
@require_safe
def batch_rejects(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The rejected rows as UTF-8-with-BOM CSV with a 拒收原因 column."""
    batch = _batch(request, batch_id)
    response = HttpResponse(rejects_csv_bytes(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects-{batch.pk}.csv"'
    return response
