"""Tracking pushes: kept first, verified, parsed, applied, answered — and replayable.

`push_receive` is what the endpoints call. It stores the raw body as an `InboundPush`
before anything else (so a push is never lost, whatever fails after), checks the
provider's signature (a wrong one is refused with 403 and the push kept as rejected),
then `push_apply` parses and ingests it in one transaction. The reply is in the
provider's shape: Kuaidi100 `{"result", "returnCode", "message"}`, Kdniao
`{"EBusinessID", "UpdateTime", "Success", "Reason"}`, WeChat `success`.

What becomes of a push (`InboundPush.status`):

* `rejected` — its signature did not verify; kept, never applied, not replayed;
* `failed` — nothing could be read (malformed JSON, unknown shape), or some events were
  held back (carrier unknown); kept with the reason, replayable after the fix;
* `applied` — its events are in (traces it could not read are rejected rows of its batch);
* `received` — stored but not processed (the process died): replayable.

A push whose body was already applied is marked applied without parsing again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from youpin.connectors.carriers import (
    TrackingParseResult,
    kdniao_reply,
    kuaidi100_reply,
    parse_tracking,
    wechat_reply,
)
from youpin.ingest.models import (
    BatchKind,
    BatchSource,
    BatchStatus,
    ImportBatch,
    InboundPush,
    PushStatus,
)
from youpin.ingest.tracking.carriers import carrier_codes
from youpin.ingest.tracking.messages import MessageTally
from youpin.ingest.tracking.service import TrackingIngestCounts, tracking_ingest
from youpin.ingest.tracking.signatures import check_push_signature, wechat_signature

logger = logging.getLogger("youpin.push")

PUSH_PROVIDERS: tuple[str, ...] = ("kuaidi100", "kdniao", "wechat")
REASON_LENGTH = 500
ATTEMPTS = 3  # tries of a push's transaction when the database reports a deadlock


@dataclass(frozen=True)
class PushReply:
    """What to answer the provider: HTTP status, body and content type."""

    status: int
    body: str
    content_type: str


@dataclass
class PushOutcome:
    """What applying one push did."""

    push_id: int
    status: str
    reason: str = ""
    readable: bool = True
    events: int = 0
    counts: TrackingIngestCounts | None = None


def _reply(provider: str, *, ok: bool, status: int = 200, message: str = "") -> PushReply:
    """The provider's answer for success or failure."""
    if provider == "kuaidi100":
        body = kuaidi100_reply(success=ok, message=message)
    elif provider == "kdniao":
        ebusiness_id = getattr(settings, "YOUPIN_KDNIAO_EBUSINESS_ID", "")
        body = kdniao_reply(ebusiness_id, success=ok, reason=message)
    else:
        if ok:
            return PushReply(status, wechat_reply(), "text/plain; charset=utf-8")
        body = {"errcode": status, "errmsg": message}
    return PushReply(status, json.dumps(body, ensure_ascii=False), "application/json")


def push_receive(
    *,
    provider: str,
    body: bytes,
    content_type: str = "",
    remote_addr: str | None = None,
    query: dict[str, str] | None = None,
) -> PushReply:
    """Keep a push, check its signature, apply it, and say what to answer."""
    if provider not in PUSH_PROVIDERS:
        raise ValueError(f"unknown push provider {provider!r}")
    text = body.decode("utf-8", errors="replace")
    push = InboundPush.objects.create(
        provider=provider,
        remote_addr=remote_addr or None,
        content_type=content_type[:100],
        body=text,
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
    check = check_push_signature(provider=provider, body=text, query=query or {})
    if check.ok is False:
        InboundPush.objects.filter(pk=push.pk).update(
            signature_ok=False, status=PushStatus.REJECTED, reason=check.reason[:REASON_LENGTH]
        )
        logger.warning("push %s #%s refused: %s", provider, push.pk, check.reason)
        return _reply(provider, ok=False, status=403, message=check.reason)
    push.signature_ok = check.ok
    outcome = push_apply(push, now=push.received_at, skip_if_seen=True)
    if outcome.status == "error":
        return _reply(provider, ok=False, status=500, message="内部错误，推送已保存，稍后重放")
    if not outcome.readable:
        return _reply(provider, ok=False, status=400, message=outcome.reason)
    return _reply(provider, ok=True)


def push_apply(
    push: InboundPush, *, now: datetime | None = None, skip_if_seen: bool = False
) -> PushOutcome:
    """Parse a stored push and apply its events in one transaction; record the result.

    `now` is what "in the future" is measured against — the time the push was received,
    so replaying it later flags the same events. With `skip_if_seen`, a push whose body
    was already applied is only marked so. Never raises: an unexpected error leaves the
    push failed with the reason, to replay.

    On PostgreSQL this transaction commits without waiting for the disk: the push itself
    was committed durably first, so if a crash loses this commit, the push is still there
    as `received` and replaying it restores everything.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                outcome = _apply(push, now or push.received_at, skip_if_seen=skip_if_seen)
            break
        except (OperationalError, IntegrityError) as exc:  # a deadlock, a race: try again
            if attempt < ATTEMPTS and _retryable(exc) and not connection.in_atomic_block:
                time.sleep(0.01 * attempt)
                continue
            return _failed(push, exc)
        except Exception as exc:  # kept and logged; the push stays replayable
            return _failed(push, exc)
    logger.info("push %s #%s %s: %s events", push.provider, push.pk, outcome.status, outcome.events)
    return outcome


def _retryable(exc: Exception) -> bool:
    """True for errors a second attempt can get past: a deadlock, a serialization failure,
    a locked SQLite file, or a parcel created by a concurrent push after this statement's
    snapshot (its events then lack their parcel: a not-null violation)."""
    code = getattr(exc.__cause__, "sqlstate", "") or ""
    return code in ("40P01", "40001", "23502") or "database is locked" in str(exc)


def _failed(push: InboundPush, exc: Exception) -> PushOutcome:
    """Mark a push failed by an unexpected error (logged without its content)."""
    logger.error("push %s #%s could not be applied: %s", push.provider, push.pk, type(exc).__name__)
    InboundPush.objects.filter(pk=push.pk).update(
        status=PushStatus.FAILED, reason=f"内部错误：{type(exc).__name__}: {exc}"[:REASON_LENGTH]
    )
    push.refresh_from_db()
    return PushOutcome(push_id=push.pk, status="error", reason=push.reason)


def _apply(push: InboundPush, now: datetime, *, skip_if_seen: bool) -> PushOutcome:
    """Parse and ingest one push; the caller holds the transaction."""
    fields = ["status", "reason", "events", "batch", "signature_ok"]
    if skip_if_seen:
        earlier = (
            InboundPush.objects.filter(
                provider=push.provider, body_sha256=push.body_sha256, status=PushStatus.APPLIED
            )
            .exclude(pk=push.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if earlier is not None:
            push.status = PushStatus.APPLIED
            push.reason = f"与推送 #{earlier} 内容相同，未改变数据"
            push.save(update_fields=fields)
            return PushOutcome(push.pk, push.status, push.reason)
    codes = carrier_codes()
    result = parse_tracking(push.body, provider=push.provider, now=now, carrier_codes=codes.table)
    events = result.all_events()
    failures = [m.text for m in result.messages if m.is_error and m.row is None]
    if not events and failures:
        push.status = PushStatus.FAILED
        push.reason = "；".join(failures)[:REASON_LENGTH]
        push.events = 0
        push.save(update_fields=fields)
        return PushOutcome(push.pk, PushStatus.FAILED, push.reason, readable=False)
    rejects = any(m.is_error and m.row is not None for m in result.messages)
    unknown = any(e.carrier_code not in codes.ids for e in events)
    # A push is kept whole, so a clean one needs no batch; one with traces to put aside
    # gets a batch to hold them as rejected rows (the same batch again on replay).
    batch = _batch_for(push) if rejects or unknown or push.batch_id is not None else None
    tally = MessageTally()
    tally.drain(result.messages, batch)
    counts = tracking_ingest(events=events, source=result.provider, batch=batch, codes=codes)
    problems = list(failures)
    if counts.events_held:
        held = "、".join(code or "（空）" for code in sorted(counts.unknown_carriers))
        problems.append(f"{counts.events_held} 条轨迹未入库：快递公司未识别（{held}）")
    if tally.rejected_rows and batch is not None:
        problems.append(f"{tally.rejected_rows} 条轨迹无法读取，已记入批次 #{batch.pk}")
    push.status = PushStatus.FAILED if counts.events_held or failures else PushStatus.APPLIED
    push.reason = "；".join(problems)[:REASON_LENGTH]
    push.events = len(events)
    push.batch = batch
    push.save(update_fields=fields)
    if batch is not None:
        _finish_batch(batch, result, counts, tally, problems)
    return PushOutcome(push.pk, push.status, push.reason, events=len(events), counts=counts)


def _finish_batch(
    batch: ImportBatch,
    result: TrackingParseResult,
    counts: TrackingIngestCounts,
    tally: MessageTally,
    problems: list[str],
) -> None:
    """Write what the push's events did into its batch."""
    batch.status = BatchStatus.FAILED if counts.events_held else BatchStatus.SUCCEEDED
    batch.finished_at = timezone.now()
    batch.rows_read = result.counts.items
    batch.created = counts.events_created
    batch.updated = counts.events_updated
    batch.unchanged = counts.events_unchanged
    batch.rejected = tally.rejected_rows + counts.events_held
    batch.progress_rows = counts.events_received
    batch.error = "\n".join(problems)
    batch.report = {
        "ingest": counts.as_dict(),
        "messages": tally.by_code,
        "envelope": result.envelope,
    }
    batch.save()


def _batch_for(push: InboundPush) -> ImportBatch:
    """The push's batch: the one of an earlier attempt (its rejected rows cleared), or a new one."""
    if push.batch_id is not None:
        batch = ImportBatch.objects.get(pk=push.batch_id)
        batch.rejected_rows.all().delete()
        return batch
    return ImportBatch.objects.create(
        kind=BatchKind.TRACKING,
        source=BatchSource.PUSH,
        format=push.provider,
        file_name=f"推送 #{push.pk}",
        file_sha256=push.body_sha256,
        file_size=len(push.body.encode("utf-8")),
        status=BatchStatus.RUNNING,
        started_at=timezone.now(),
    )


def wechat_echo(query: dict[str, str]) -> str | None:
    """The `echostr` to send back when WeChat checks the URL, if its signature is ours."""
    token = getattr(settings, "YOUPIN_WECHAT_TOKEN", "")
    if not token or "echostr" not in query:
        return None
    expected = wechat_signature(token, query.get("timestamp", ""), query.get("nonce", ""))
    return query["echostr"] if query.get("signature", "").lower() == expected else None


# -- replay -----------------------------------------------------------------------------

UNAPPLIED = (PushStatus.FAILED, PushStatus.RECEIVED)


@dataclass
class ReplayReport:
    """What replaying stored pushes did."""

    pushes: int = 0
    applied: int = 0
    failed: int = 0
    events_created: int = 0
    events_updated: int = 0
    parcels_changed: int = 0
    outcomes: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready data."""
        return {
            "pushes": self.pushes,
            "applied": self.applied,
            "failed": self.failed,
            "events_created": self.events_created,
            "events_updated": self.events_updated,
            "parcels_changed": self.parcels_changed,
            "outcomes": self.outcomes[:200],
        }


def pushes_to_replay(
    *,
    statuses: Iterable[str] = UNAPPLIED,
    since: datetime | None = None,
    provider: str | None = None,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Ids of the stored pushes to replay, oldest first; refused (rejected) pushes never."""
    qs = InboundPush.objects.exclude(status=PushStatus.REJECTED).exclude(signature_ok=False)
    qs = qs.filter(status__in=list(statuses))
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if provider:
        qs = qs.filter(provider=provider)
    if ids:
        qs = qs.filter(pk__in=list(ids))
    return list(qs.order_by("received_at", "pk").values_list("pk", flat=True))


def push_replay(*, push_ids: Sequence[int]) -> ReplayReport:
    """Parse and apply the stored pushes again, in the order given."""
    report = ReplayReport()
    for pk in push_ids:
        push = InboundPush.objects.get(pk=pk)
        if push.status == PushStatus.REJECTED or push.signature_ok is False:
            continue
        outcome = push_apply(push)
        InboundPush.objects.filter(pk=pk).update(replayed_at=timezone.now())
        report.pushes += 1
        if outcome.status == PushStatus.APPLIED:
            report.applied += 1
        else:
            report.failed += 1
        if outcome.counts is not None:
            report.events_created += outcome.counts.events_created
            report.events_updated += outcome.counts.events_updated
            report.parcels_changed += outcome.counts.parcels_changed
        report.outcomes.append(
            {
                "push": pk,
                "provider": push.provider,
                "status": outcome.status,
                "reason": outcome.reason,
            }
        )
    return report
