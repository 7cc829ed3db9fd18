"""Imports refresh the facts of their days and re-verify their orders (facts/after_import.py).

Every path is checked against an independent recomputation: after an import through the
CLI, the upload runner or the API, the fact tables equal what a full rebuild gives and the
verification equals a full verification run; the sales facts equal a hand sum of the
orders. A re-import changes nothing; a failing refresh leaves the batch imported and the
next scheduled refresh catches up.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F, Sum
from django.urls import reverse

from youpin.accounts.models import Role
from youpin.accounts.services import api_token_issue
from youpin.catalog.models import Merchant
from youpin.commerce.models import Order
from youpin.commerce.selectors import NOT_SOLD
from youpin.facts import after_import
from youpin.facts.models import ChangedDay, FactsState, ParcelFact, SalesFact
from youpin.facts.refresh import days_of_orders, days_of_parcels, facts_rebuild
from youpin.facts.tests.test_refresh import snapshot
from youpin.ingest.models import BatchStatus, ImportBatch
from youpin.ingest.tests.orders_support import DOUYIN, SAMPLES, TAOBAO
from youpin.ingest.tests.tracking_support import SAMPLES as TRACKING_SAMPLES
from youpin.logistics.models import Parcel
from youpin.logistics.services import carriers_sync
from youpin.testing.factories import MerchantFactory, user_with_role
from youpin.trust.models import OrderVerification
from youpin.trust.services import verification_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture(name="merchant")
def merchant_fixture(zhongwei: None, settings: Any, tmp_path: Path) -> Merchant:
    """A Zhongwei merchant, with imported files kept under the test's directory."""
    settings.VAR_DIR = tmp_path / "var"
    return MerchantFactory(name="中卫优品测试商户")


def import_orders(name: str, merchant: Merchant, *extra: str) -> dict[str, Any]:
    """`youpin import orders SAMPLE --merchant ID --json …`; the printed batch."""
    out = StringIO()
    call_command(
        "import", "orders", str(SAMPLES / name), "--merchant", str(merchant.pk), "--json", *extra,
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return dict(json.loads(out.getvalue()))


def verification() -> list[tuple[Any, ...]]:
    """Every order's verification (without the time it was computed)."""
    return sorted(
        OrderVerification.objects.values_list("order_id", "state", "reasons", "parcel_id")
    )


def sold_paid_fen() -> int:
    """Hand sum: fen paid for every sold order in the database."""
    total = Order.objects.exclude(status__in=NOT_SOLD).aggregate(s=Sum("paid_amount"))["s"]
    return int((total or Decimal(0)) * 100)


def baseline(merchant: Merchant) -> None:
    """Orders of another file imported without refresh, then verification and facts in full
    (in that order: the sales facts split net sales by verification state)."""
    first = import_orders(TAOBAO, merchant, "--no-refresh")
    assert first["report"]["refresh"]["status"] == "off"
    assert not SalesFact.objects.exists()  # --no-refresh: nothing refreshed
    verification_refresh()
    facts_rebuild()


def test_cli_order_import_equals_a_full_refresh(merchant: Merchant) -> None:
    """The import refreshes exactly its days: the facts and states a full run would give."""
    baseline(merchant)
    before = snapshot()
    batch = import_orders(DOUYIN, merchant)
    refresh = batch["report"]["refresh"]
    assert refresh["status"] == "ok", refresh
    ids = list(Order.objects.filter(batch_id=batch["id"]).values_list("pk", flat=True))
    assert len(ids) == batch["created"] > 0
    assert refresh["days"] == len(days_of_orders(ids)) > 0
    after = snapshot()
    assert after != before
    sold = Order.objects.filter(pk__in=ids).exclude(status__in=NOT_SOLD)
    assert set(OrderVerification.objects.values_list("order_id", flat=True)) >= set(
        sold.values_list("pk", flat=True)
    )
    states = verification()
    facts_rebuild()
    verification_refresh()
    assert snapshot() == after
    assert verification() == states
    assert SalesFact.objects.aggregate(s=Sum("paid_fen"))["s"] == sold_paid_fen()


def test_reimport_changes_nothing(merchant: Merchant, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file again: no day to refresh, the facts and states as they were — and
    nothing is looked for (no scan of the orders, no verification run)."""
    baseline(merchant)
    import_orders(DOUYIN, merchant)
    # The re-import comes later: the first import's rows were stamped a minute before it.
    Order.objects.update(updated_at=F("updated_at") - timedelta(minutes=1))
    facts, states = snapshot(), verification()

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a batch that wrote nothing looked for changes")

    monkeypatch.setattr(after_import, "days_of_orders_changed", must_not_run)
    monkeypatch.setattr(after_import, "verification_refresh", must_not_run)
    again = import_orders(DOUYIN, merchant)
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["report"]["refresh"]["status"] == "ok"
    assert again["report"]["refresh"]["days"] == 0
    assert snapshot() == facts
    assert verification() == states


def test_failing_refresh_leaves_the_batch_and_the_next_refresh_catches_up(
    merchant: Merchant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The facts step fails: orders imported, batch succeeded, error in the report, not logged
    with personal data; `youpin facts refresh` then brings the facts to the full figure."""
    baseline(merchant)
    before = snapshot()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("磁盘已满 buyer 13995512345")

    monkeypatch.setattr(after_import, "facts_refresh_days", broken)
    with caplog.at_level(logging.WARNING, logger="youpin.facts.after_import"):
        batch = import_orders(DOUYIN, merchant)
    stored = ImportBatch.objects.get(pk=batch["id"])
    assert stored.status == BatchStatus.SUCCEEDED
    assert Order.objects.filter(batch_id=stored.pk).count() == batch["created"] > 0
    refresh = stored.report["refresh"]
    assert refresh["status"] == "failed"
    assert refresh["steps"] == {"facts": "failed", "trust": "ok"}
    assert refresh["errors"][0].startswith("facts: RuntimeError: 磁盘已满")
    assert "13995512345" not in refresh["errors"][0]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"batch {stored.pk}" in logged
    assert "RuntimeError" in logged
    assert "13995512345" not in logged
    assert "磁盘已满" not in logged
    assert snapshot() == before  # nothing refreshed
    out = StringIO()
    call_command("facts", "refresh", "--json", stdout=out)
    assert json.loads(out.getvalue())["mode"] == "incremental"
    caught_up = snapshot()
    facts_rebuild()
    assert snapshot() == caught_up != before


def test_failing_verification_is_caught_up_by_trust_refresh_changed(
    merchant: Merchant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trust step fails: the facts are refreshed; `trust refresh --changed` catches up."""
    baseline(merchant)
    call_command("trust", "refresh", "--changed", stdout=StringIO())  # sets the watermark

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("lock timeout")

    monkeypatch.setattr(after_import, "verification_refresh", broken)
    batch = import_orders(DOUYIN, merchant)
    assert batch["report"]["refresh"]["steps"] == {"facts": "ok", "trust": "failed"}
    ids = set(Order.objects.filter(batch_id=batch["id"]).values_list("pk", flat=True))
    assert not OrderVerification.objects.filter(order_id__in=ids).exists()
    out = StringIO()
    call_command("trust", "refresh", "--changed", "--json", stdout=out)
    assert json.loads(out.getvalue())["full"] is False
    states = verification()
    assert OrderVerification.objects.filter(order_id__in=ids).exists()
    verification_refresh()
    assert verification() == states


def test_api_import_refreshes(merchant: Merchant, client: Any) -> None:
    """An import through the API leaves its refresh in the batch it returns."""
    baseline(merchant)
    user = user_with_role(Role.MERCHANT, merchant=merchant)
    token = api_token_issue(user=user, name="test").key
    data = {"file": SimpleUploadedFile(DOUYIN, (SAMPLES / DOUYIN).read_bytes())}
    response = client.post("/api/imports/orders", data, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response.json()["report"]["refresh"]["status"] == "ok"
    api_facts = snapshot()
    facts_rebuild()
    assert snapshot() == api_facts


@pytest.mark.urls("youpin.ingest.tests.urls_imports")
def test_upload_page_refreshes_and_says_so(
    merchant: Merchant, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload run by the page's runner (inline here) refreshes and the batch page shows it."""
    baseline(merchant)
    monkeypatch.setenv("YOUPIN_IMPORT_RUNNER", "inline")
    client.force_login(user_with_role(Role.MERCHANT, merchant=merchant))
    page = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile(DOUYIN, (SAMPLES / DOUYIN).read_bytes()), "platform": "auto"},
    )
    assert page.status_code == 302
    latest = ImportBatch.objects.order_by("-id").first()
    assert latest is not None
    assert latest.source == "upload"
    assert latest.report["refresh"]["status"] == "ok"
    assert 'data-refresh="ok"' in client.get(page["Location"]).content.decode()


def test_setting_turns_the_refresh_off(merchant: Merchant, settings: Any) -> None:
    """YOUPIN_REFRESH_AFTER_IMPORT = False: the batch says so and the facts stay as they were."""
    settings.YOUPIN_REFRESH_AFTER_IMPORT = False
    baseline(merchant)
    before = snapshot()
    batch = import_orders(DOUYIN, merchant)
    assert batch["report"]["refresh"]["status"] == "off"
    assert snapshot() == before


@pytest.mark.usefixtures("zhongwei")
def test_tracking_import_refreshes_the_parcel_facts_of_its_days(settings: Any) -> None:
    """A tracking file through the CLI: parcel facts of its days equal a full rebuild."""
    carriers_sync()
    facts_rebuild()
    out = StringIO()
    call_command(
        "import", "tracking", str(TRACKING_SAMPLES / "carrier_scans_gbk.csv"),
        "--mapping", str(TRACKING_SAMPLES / "carrier_scans_mapping.json"), "--json",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["refresh"]["status"] == "ok"
    parcels = list(Parcel.objects.values_list("pk", flat=True))
    assert report["refresh"]["days"] == len(days_of_parcels(parcels)) > 0
    batch = ImportBatch.objects.get(pk=report["batch_id"])
    assert batch.report["refresh"]["status"] == "ok"
    after = snapshot()
    assert ParcelFact.objects.exists()
    facts_rebuild()
    assert snapshot() == after
    state = FactsState.objects.get()
    assert state.last_mode == "full"


@pytest.mark.usefixtures("zhongwei")
def test_replay_refreshes_and_no_refresh_skips() -> None:
    """`--replay` reports its refresh; `--no-refresh` says it skipped."""
    carriers_sync()
    out = StringIO()
    call_command("import", "tracking", "--replay", "--json", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue())["refresh"]["status"] == "ok"
    out = StringIO()
    call_command("import", "tracking", "--replay", "--no-refresh", stdout=out, stderr=StringIO())
    assert "--no-refresh" in out.getvalue()


def test_a_refresh_already_running_leaves_the_batch_to_the_timer(merchant: Merchant) -> None:
    """While cron's refresh holds the lock past the wait, the batch records `busy` and stands."""
    from youpin.facts.refresh import LOCK_NAME
    from youpin.facts.tests.test_locks import held_elsewhere

    baseline(merchant)
    before = snapshot()
    batch = import_orders(DOUYIN, merchant, "--no-refresh")
    stored = ImportBatch.objects.get(pk=batch["id"])
    assert stored.started_at is not None
    with held_elsewhere(LOCK_NAME):
        outcome = after_import.refresh_after_import(
            kind=after_import.ORDERS, since=stored.started_at, batch=stored, wait=0.2
        )
    assert outcome.steps == {"facts": "busy", "trust": "ok"}
    stored.refresh_from_db()
    assert stored.status == BatchStatus.SUCCEEDED
    assert stored.report["refresh"]["status"] == "failed"
    assert snapshot() == before
    call_command("facts", "refresh", stdout=StringIO())
    caught_up = snapshot()
    facts_rebuild()
    assert snapshot() == caught_up != before


def test_days_the_importer_counted_are_used_or_left_in_the_ledger(merchant: Merchant) -> None:
    """With `days=` the hook refreshes those days; when it cannot, the ledger keeps them."""
    from youpin.facts.refresh import LOCK_NAME, facts_refresh
    from youpin.facts.tests.test_locks import held_elsewhere

    baseline(merchant)
    assert not ChangedDay.objects.exists()  # the full rebuild emptied the ledger
    before = snapshot()
    batch = import_orders(DOUYIN, merchant, "--no-refresh")
    # --no-refresh without counted days: a mark asking the next refresh to look for them
    assert ChangedDay.objects.filter(table="sales", day__isnull=True).count() == 1
    ChangedDay.objects.all().delete()
    stored = ImportBatch.objects.get(pk=batch["id"])
    assert stored.started_at is not None
    days = days_of_orders(Order.objects.filter(batch=stored).values_list("pk", flat=True))
    assert days
    with held_elsewhere(LOCK_NAME):
        outcome = after_import.refresh_after_import(
            kind=after_import.ORDERS, since=stored.started_at, batch=stored, wait=0.2, days=days
        )
    assert outcome.steps["facts"] == "busy"
    assert set(ChangedDay.objects.values_list("table", "day")) == {("sales", d) for d in days}
    assert snapshot() == before
    result = facts_refresh()
    assert result.days["sales"] == len(days)
    assert not ChangedDay.objects.exists()
    caught_up = snapshot()
    facts_rebuild()
    assert snapshot() == caught_up != before
    # the lock free: the counted days are refreshed at once, nothing left behind
    SalesFact.objects.all().delete()
    outcome = after_import.refresh_after_import(
        kind=after_import.ORDERS, since=stored.started_at, batch=stored, days=days
    )
    assert (outcome.status, outcome.days) == ("ok", len(days))
    assert not ChangedDay.objects.exists()
    assert SalesFact.objects.filter(day__in=days).exists()
