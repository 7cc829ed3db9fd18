"""`youpin import tracking FILE` and `youpin import tracking --replay`."""

from __future__ import annotations

import json
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from youpin.connectors.carriers import kuaidi100_sign
from youpin.ingest.models import BatchStatus, ImportBatch, InboundPush, RejectedRow
from youpin.ingest.tests.tracking_support import (
    SALT,
    SAMPLES,
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    sample,
    secrets_fixture,  # noqa: F401  (the `secrets` fixture)
)
from youpin.ingest.tracking.pushes import push_receive
from youpin.logistics.models import EventFlag, Parcel, TrackingEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("carriers")]


def run(*args: str) -> str:
    """Run `youpin import tracking …` and return what it printed."""
    out = StringIO()
    call_command("import", "tracking", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_gbk_sample_with_its_mapping():
    """The GBK carrier export imports with its saved mapping: statuses, rejected rows kept
    with their row and cells, the unknown scan type counted, a JSON report."""
    report = json.loads(
        run(
            str(SAMPLES / "carrier_scans_gbk.csv"),
            "--mapping",
            str(SAMPLES / "carrier_scans_mapping.json"),
            "--json",
        )
    )
    assert (report["provider"], report["encoding"], report["status"]) == (
        "csv",
        "gb18030",
        BatchStatus.SUCCEEDED,
    )
    assert report["mapping"] == "中卫韵达网点扫描导出"
    ingest = report["ingest"]
    assert (ingest["events_created"], ingest["parcels_created"], ingest["unknown_status"]) == (
        7,
        3,
        1,
    )
    assert report["rejected_rows"] == 2
    assert report["unrecognised_codes"] == {"csv.status:留仓": 1}
    parcels = {p.waybill_no: p for p in Parcel.objects.select_related("carrier")}
    assert {w: p.status for w, p in parcels.items()} == {
        "4310000000101": "delivered",
        "4310000000202": "unknown",
        "4310000000303": "out_for_delivery",
    }
    assert parcels["4310000000101"].carrier.code == "yunda"
    assert parcels["4310000000101"].weight_g == 1250
    first = TrackingEvent.objects.order_by("occurred_at").first()
    assert first.place_id == "640521000000"
    assert first.flag_set & EventFlag.TIME_ZONE_ASSUMED
    batch = ImportBatch.objects.get(pk=report["batch_id"])
    assert (batch.rows_read, batch.created, batch.rejected) == (9, 7, 2)
    rejected = list(RejectedRow.objects.filter(batch=batch).order_by("row_number"))
    assert [(r.row_number, r.code) for r in rejected] == [(8, "missing_waybill"), (9, "bad_time")]
    assert rejected[1].raw["扫描时间"] == "昨天下午"


def test_summary_in_words_and_a_second_import_changes_nothing():
    """Without --json a summary is printed; importing the same file again adds nothing."""
    args = (
        str(SAMPLES / "carrier_scans_gbk.csv"),
        "--mapping",
        str(SAMPLES / "carrier_scans_mapping.json"),
    )
    first = run(*args)
    assert "新增 7" in first
    second = run(*args)
    assert "新增 0" in second
    assert "曾于批次" in second
    assert TrackingEvent.objects.count() == 7


def test_saved_push_file_is_detected():
    """A saved Kdniao push imports with the provider detected."""
    report = json.loads(run(str(SAMPLES / "kdniao_push.json"), "--json"))
    assert report["provider"] == "kdniao"
    assert report["ingest"]["events_created"] == 9


def test_unreadable_file_fails_clearly(tmp_path):
    """A file that is neither a table nor a push is an error, kept as a failed batch."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError):
        run(str(path))
    assert ImportBatch.objects.get().status == BatchStatus.FAILED


@pytest.mark.usefixtures("secrets")
def test_replay_of_failed_pushes():
    """`--replay` applies the failed pushes once their body is fixed, and reports it."""
    good = sample("kuaidi100_push_shutdown.json")
    broken = good[:100]
    push_receive(
        provider="kuaidi100",
        body=urlencode({"param": broken, "sign": kuaidi100_sign(broken, SALT)}).encode(),
    )
    push = InboundPush.objects.get()
    push.body = urlencode({"param": good, "sign": kuaidi100_sign(good, SALT)})
    push.save()
    report = json.loads(run("--replay", "--status", "failed", "--since", "2020-01-01", "--json"))
    assert (report["pushes"], report["applied"], report["events_created"]) == (1, 1, 5)
    assert "重放推送 0 条" in run("--replay")


def test_file_and_replay_exclude_each_other():
    """Giving both a file and --replay, or neither, is an error."""
    with pytest.raises(CommandError):
        run(str(SAMPLES / "kdniao_push.json"), "--replay")
    with pytest.raises(CommandError):
        run()
