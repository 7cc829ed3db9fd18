"""The imports API: merchants import for themselves, operators for anyone, batches are scoped."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.services import api_token_issue
from youpin.commerce.models import Order
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

pytestmark = pytest.mark.django_db


def _auth(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The Authorization header of a fresh token for the user."""
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='test').key}"}


def _upload(client: Client, user, name: str, **form) -> object:  # type: ignore[no-untyped-def]
    """POST a sample to /api/imports/orders as `user`."""
    data = {"file": SimpleUploadedFile(name, sample_bytes(name)), **form}
    return client.post("/api/imports/orders", data, **_auth(user))


def test_merchant_imports_its_own_orders(client, merchant):
    """A merchant's upload is imported for it, and it can read the batch."""
    user = user_with_role(Role.MERCHANT, merchant=merchant)
    response = _upload(client, user, DOUYIN, platform="douyin")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == len(grouped(csv_rows(DOUYIN), "主订单编号"))
    assert body["merchant_id"] == merchant.pk
    assert body["source"] == "api"
    assert set(Order.objects.values_list("merchant_id", flat=True)) == {merchant.pk}
    read = client.get(f"/api/imports/{body['id']}", **_auth(user))
    assert read.status_code == 200
    assert read.json()["created"] == body["created"]


def test_merchant_may_not_import_for_another(client, merchant):
    """Naming another merchant is 403 and imports nothing."""
    user = user_with_role(Role.MERCHANT, merchant=merchant)
    other = MerchantFactory()
    response = _upload(client, user, DOUYIN, merchant_id=str(other.pk))
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_operator_imports_for_any_merchant(client, merchant):
    """The operator names the merchant; other roles may not import at all."""
    operator = user_with_role(Role.OPERATOR)
    response = _upload(client, operator, DOUYIN, merchant_id=str(merchant.pk))
    assert response.status_code == 200
    assert response.json()["merchant_id"] == merchant.pk
    consumer = user_with_role(Role.CONSUMER)
    assert _upload(client, consumer, DOUYIN).status_code == 403


def test_batches_of_other_merchants_are_hidden(client, merchant):
    """Another merchant gets 404 for a batch and its rejects; the operator sees both."""
    owner = user_with_role(Role.MERCHANT, merchant=merchant)
    batch_id = _upload(client, owner, TAOBAO_BAD).json()["id"]
    stranger = user_with_role(Role.MERCHANT, merchant=MerchantFactory())
    assert client.get(f"/api/imports/{batch_id}", **_auth(stranger)).status_code == 404
    assert client.get(f"/api/imports/{batch_id}/rejects.csv", **_auth(stranger)).status_code == 404
    operator = user_with_role(Role.OPERATOR)
    assert client.get(f"/api/imports/{batch_id}", **_auth(operator)).status_code == 200


def test_rejects_csv_download(client, merchant):
    """The rejects download is the file's header plus 拒收原因, one row per rejected row."""
    user = user_with_role(Role.MERCHANT, merchant=merchant)
    body = _upload(client, user, TAOBAO_BAD).json()
    response = client.get(f"/api/imports/{body['id']}/rejects.csv", **_auth(user))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(iter_csv(response.content))
    assert rows[0][-1] == REASON_HEADER
    assert rows[0][:-1] == list(csv_rows(TAOBAO_BAD)[0].keys())
    assert len(rows) - 1 == body["rejected"]


def test_a_file_that_is_not_an_export_is_400(client, merchant):
    """A stock list is refused with the reason and the batch id; nothing is imported."""
    user = user_with_role(Role.MERCHANT, merchant=merchant)
    response = _upload(client, user, "stock_list.csv")
    assert response.status_code == 400
    assert "不是订单导出文件" in response.json()["detail"]
    assert response.json()["batch_id"]
    assert not Order.objects.exists()


def test_unknown_platform_is_400(client, merchant):
    """A platform that does not exist is a 400 naming the choices."""
    user = user_with_role(Role.MERCHANT, merchant=merchant)
    response = _upload(client, user, DOUYIN, platform="amazon")
    assert response.status_code == 400
    assert "douyin" in response.json()["detail"]


def test_no_token_is_401(client, merchant):
    """Without a token or a session the endpoint answers 401."""
    data = {"file": SimpleUploadedFile(DOUYIN, sample_bytes(DOUYIN))}
    assert client.post("/api/imports/orders", data).status_code == 401
