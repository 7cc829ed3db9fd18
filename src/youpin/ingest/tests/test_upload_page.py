"""The upload page: a file becomes a pending batch, run outside the request, followed by polling."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from youpin.accounts.models import Role
from youpin.commerce.models import Order
from youpin.ingest.background import worker_loop
from youpin.ingest.models import BatchSource, BatchStatus, ImportBatch
from youpin.ingest.rejects import REASON_HEADER
from youpin.ingest.tests.orders_support import (
    DOUYIN,
    TAOBAO_BAD,
    _merchant,  # noqa: F401  (fixture)
    _var_dir,  # noqa: F401  (fixture)
    csv_rows,
    grouped,
    iter_csv,
    sample_bytes,
)
from youpin.testing.factories import MerchantFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("youpin.ingest.tests.urls_imports")]


def _post(client, name: str, **form):  # type: ignore[no-untyped-def]
    """Upload a sample through the page."""
    data = {"file": SimpleUploadedFile(name, sample_bytes(name)), "platform": "auto", **form}
    return client.post(reverse("imports:upload"), data)


def test_merchant_upload_runs_and_reports(client, merchant, monkeypatch):
    """Inline runner: the upload redirects to its batch, which has imported the file."""
    monkeypatch.setenv("YOUPIN_IMPORT_RUNNER", "inline")
    client.force_login(user_with_role(Role.MERCHANT, merchant=merchant))
    response = _post(client, DOUYIN)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    assert (batch.status, batch.source, batch.merchant_id) == (
        BatchStatus.SUCCEEDED,
        BatchSource.UPLOAD,
        merchant.pk,
    )
    assert batch.created == len(grouped(csv_rows(DOUYIN), "主订单编号"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    progress = client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
    assert 'data-status="succeeded"' in progress
    assert "hx-trigger" not in progress  # finished: the page stops polling


def test_worker_runs_pending_uploads(client, merchant, monkeypatch):
    """Worker runner: the upload waits as pending (the page polls), `import worker` runs it."""
    monkeypatch.setenv("YOUPIN_IMPORT_RUNNER", "worker")
    client.force_login(user_with_role(Role.MERCHANT, merchant=merchant))
    _post(client, TAOBAO_BAD)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.PENDING
    progress = client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress
    assert not Order.objects.exists()
    assert worker_loop(once=True) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED
    assert batch.rejected > 0
    rejects = client.get(reverse("imports:rejects", args=[batch.pk]))
    rows = list(iter_csv(rejects.content))
    assert rows[0][-1] == REASON_HEADER
    assert len(rows) - 1 == batch.rejected
    assert worker_loop(once=True) == 0


def test_operator_chooses_the_merchant(client, merchant, monkeypatch):
    """The operator's form has a merchant field; the import goes to that merchant."""
    monkeypatch.setenv("YOUPIN_IMPORT_RUNNER", "inline")
    client.force_login(user_with_role(Role.OPERATOR))
    assert "merchant" in client.get(reverse("imports:upload")).content.decode()
    _post(client, DOUYIN, merchant=str(merchant.pk))
    assert set(Order.objects.values_list("merchant_id", flat=True)) == {merchant.pk}


def test_other_roles_and_other_merchants_are_kept_out(client, merchant, monkeypatch):
    """A consumer may not upload (403); another merchant cannot see the batch (404)."""
    monkeypatch.setenv("YOUPIN_IMPORT_RUNNER", "inline")
    client.force_login(user_with_role(Role.CONSUMER))
    assert client.get(reverse("imports:upload")).status_code == 403
    client.force_login(user_with_role(Role.MERCHANT, merchant=merchant))
    _post(client, DOUYIN)
    batch = ImportBatch.objects.get()
    client.force_login(user_with_role(Role.MERCHANT, merchant=MerchantFactory()))
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("imports:rejects", args=[batch.pk])).status_code == 404


def test_refused_file_shows_its_reason(client, merchant, monkeypatch):
    """A file that is not an export ends as a failed batch whose page says why."""
    monkeypatch.setenv("YOUPIN_IMPORT_RUNNER", "inline")
    client.force_login(user_with_role(Role.MERCHANT, merchant=merchant))
    response = _post(client, "stock_list.csv")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "不是订单导出文件" in page
