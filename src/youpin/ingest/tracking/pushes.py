"""Tracking pushes: kept first, verified, parsed, applied, answered — and replayable.

`push_receive` is what the endpoints call. It decodes the body once, checks the
provider's signature (pure; a wrong one is refused with 403 and the push kept as
rejected), and stores the raw body as an `InboundPush` — committed durably, before
anything is applied, so a push is never lost whatever fails after — then `push_apply`
parses it and ingests it in one transaction. The reply is in the
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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from youpin.connectors.carriers import (
    TrackingParseResult,
    decode_payload,
    kdniao_reply,
    kuaidi100_reply,
    parse_tracking,
    wechat_reply,
)
from youpin.connectors.records import TrackingEventRecord
from youpin.ingest.models import (
    BatchKind,
    BatchSource,
    BatchStatus,
    ImportBatch,
    InboundPush,
    PushStatus,
)
from youpin.ingest.tracking.carriers import (
    CARRIER_FINGERPRINT_SQL,
    CarrierCodes,
    carrier_codes,
    carrier_codes_stamped,
)
from youpin.ingest.tracking.loader import prepared_cursor
from youpin.ingest.tracking.messages import MessageTally
from youpin.ingest.tracking.service import TrackingIngestCounts, tracking_ingest
from youpin.ingest.tracking.signatures import (
    check_push_signature,
    fields_of_decoded,
    wechat_signature,
)

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
    """Keep a push, check its signature, apply it, and say what to answer.

    The body is decoded once, for the signature and the parser. The signature is checked
    before the push is stored (it is pure), so a refused push is stored refused in one
    statement; any other push is stored as received in a statement that also finds an
    earlier applied push with the same body and reads the carriers' fingerprint, and
    commits durably before it is applied.
    """
    if provider not in PUSH_PROVIDERS:
        raise ValueError(f"unknown push provider {provider!r}")
    text = body.decode("utf-8", errors="replace")
    digest = hashlib.sha256(body).hexdigest()
    push = InboundPush(
        provider=provider,
        received_at=timezone.now(),
        remote_addr=remote_addr or None,
        content_type=content_type[:100],
        body=text,
        body_sha256=digest,
    )
    try:
        decoded = decode_payload(text)
        fields = fields_of_decoded(decoded[0]) if provider != "wechat" else None
        check = check_push_signature(provider=provider, body=text, query=query or {}, fields=fields)
    except Exception as exc:  # a bug must not lose the push: keep it to replay
        _store(push)
        logger.error("push %s #%s not checked: %s", provider, push.pk, type(exc).__name__)
        return _reply(provider, ok=False, status=500, message="内部错误，推送已保存，稍后重放")
    if check.ok is False:
        push.signature_ok = False
        push.status = PushStatus.REJECTED
        push.reason = check.reason[:REASON_LENGTH]
        _store(push)
        logger.warning("push %s #%s refused: %s", provider, push.pk, check.reason)
        return _reply(provider, ok=False, status=403, message=check.reason)
    push.signature_ok = check.ok
    earlier, stamp = _store(push, look_around=True)
    outcome = push_apply(
        push,
        now=push.received_at,
        skip_if_seen=True,
        seen=earlier or 0,
        codes=carrier_codes_stamped(stamp),
        decoded=decoded,
    )
    if outcome.status == "error":
        return _reply(provider, ok=False, status=500, message="内部错误，推送已保存，稍后重放")
    if not outcome.readable:
        return _reply(provider, ok=False, status=400, message=outcome.reason)
    return _reply(provider, ok=True)


_PUSH_FIELDS = [f for f in InboundPush._meta.concrete_fields if not f.primary_key]
PUSHES = InboundPush._meta.db_table
_INSERT = (
    f"INSERT INTO {PUSHES} ({', '.join(str(f.column) for f in _PUSH_FIELDS)})"
    f" VALUES ({', '.join(['%s'] * len(_PUSH_FIELDS))}) RETURNING id"
)
_EARLIER = (
    f"SELECT id FROM {PUSHES} WHERE provider = %s AND body_sha256 = %s AND status = %s"
    " ORDER BY received_at DESC, id DESC LIMIT 1"
)
_STORE_LOOKING_AROUND = (  # PostgreSQL: one statement
    f"WITH earlier AS ({_EARLIER}), stored AS ({_INSERT}), carriers AS"
    f" ({CARRIER_FINGERPRINT_SQL}) SELECT stored.id, (SELECT id FROM earlier),"
    " carriers.* FROM stored, carriers"
)
_LOOK_AROUND = f"SELECT ({_EARLIER}), carriers.* FROM ({CARRIER_FINGERPRINT_SQL}) AS carriers"


def _values(push: InboundPush) -> list[object]:
    """The push's column values in `_PUSH_FIELDS` order, ready for the driver.

    On PostgreSQL psycopg adapts the attributes as they are (the address through its field,
    which normalises it); the ORM's per-field preparation cost more than the rest of the
    statement's Python. SQLite needs Django's own text forms of times."""
    if connection.vendor != "postgresql":
        return [f.get_db_prep_save(f.pre_save(push, True), connection) for f in _PUSH_FIELDS]
    if push.received_at is None:  # what `auto_now_add` would do
        push.received_at = timezone.now()
    return [
        getattr(push, f.attname)
        if f.attname != "remote_addr"
        else f.get_db_prep_save(push.remote_addr, connection)
        for f in _PUSH_FIELDS
    ]


def _store(
    push: InboundPush, *, look_around: bool = False
) -> tuple[int | None, tuple[object, ...]]:
    """Insert the unsaved push in one autocommitted (durable) statement and set its id.

    With `look_around`, the same statement (two on SQLite) also returns the id of the
    latest applied push with the same body, if any, and the carriers' fingerprint; else
    (None, ()).
    """
    values = _values(push)
    around = [push.provider, push.body_sha256, PushStatus.APPLIED.value]
    found: tuple[object, ...] = (None, ())
    with _cursor() as cursor:
        if look_around and connection.vendor == "postgresql":
            cursor.execute(_STORE_LOOKING_AROUND, [*around, *values])
            row = cursor.fetchone()
            push.pk, found = row[0], (row[1], tuple(row[2:]))
        else:
            cursor.execute(_INSERT, values)
            push.pk = cursor.fetchone()[0]
            if look_around:
                cursor.execute(_LOOK_AROUND, around)
                row = cursor.fetchone()
                found = (row[0], tuple(row[1:]))
    push._state.adding = False
    return found  # type: ignore[return-value]


def push_apply(
    push: InboundPush,
    *,
    now: datetime | None = None,
    skip_if_seen: bool = False,
    seen: int | None = None,
    codes: CarrierCodes | None = None,
    decoded: tuple[object | None, str] | None = None,
) -> PushOutcome:
    """Parse a stored push and apply its events in one transaction; record the result.

    `now` is what "in the future" is measured against — the time the push was received,
    so replaying it later flags the same events. With `skip_if_seen`, a push whose body
    was already applied is only marked so (`seen`: the earlier push's id when the caller
    has looked, 0 for none). `codes` and `decoded` spare reading the carriers and decoding
    the body again. Never raises: an unexpected error leaves the push failed with the
    reason, to replay.

    The body is parsed before the transaction opens, so the transaction (on SQLite, the
    one write lock) holds only the statements. On PostgreSQL it commits without waiting
    for the disk: the push itself was committed durably first, so if a crash loses this
    commit, the push is still there as `received` and replaying it restores everything.
    """
    moment = now or push.received_at
    try:
        if skip_if_seen and seen is None:
            seen = _earlier_applied(push)
        if skip_if_seen and seen:
            return _mark_seen(push, seen)
        codes = codes or carrier_codes()
        result = parse_tracking(
            push.body,
            provider=push.provider,
            now=moment,
            carrier_codes=codes.table,
            decoded=decoded,
        )
        events = result.all_events()
    except Exception as exc:  # kept and logged; the push stays replayable
        return _failed(push, exc)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                outcome = _apply(push, result, events, codes)
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


def _earlier_applied(push: InboundPush) -> int:
    """The id of the latest other push applied with the same body; 0 when none."""
    found = (
        InboundPush.objects.filter(
            provider=push.provider, body_sha256=push.body_sha256, status=PushStatus.APPLIED
        )
        .exclude(pk=push.pk)
        .values_list("pk", flat=True)
        .first()
    )
    return found or 0


def _mark_seen(push: InboundPush, earlier: int) -> PushOutcome:
    """Mark a push applied without parsing it: its body was applied before."""
    push.status = PushStatus.APPLIED
    push.reason = f"与推送 #{earlier} 内容相同，未改变数据"
    _record(push)
    logger.info("push %s #%s applied before, as #%s", push.provider, push.pk, earlier)
    return PushOutcome(push.pk, push.status, push.reason)


_RECORD = (
    f"UPDATE {PUSHES} SET status = %s, reason = %s, events = %s, batch_id = %s,"
    " signature_ok = %s WHERE id = %s"
)
# SET LOCAL synchronous_commit = off, as part of the statement
_RECORD_WITHOUT_WAITING = (
    "WITH async AS (SELECT set_config('synchronous_commit', 'off', true))"
    + _RECORD.replace(" WHERE id = %s", " FROM async WHERE id = %s")
)


def _record(push: InboundPush) -> None:
    """Write what became of a push in one raw statement. Inside the apply transaction on
    PostgreSQL, the same round trip lets that transaction commit without waiting for the
    disk (see `push_apply`)."""
    sql = _RECORD
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        sql = _RECORD_WITHOUT_WAITING
    params: list[Any] = [
        push.status,
        push.reason,
        push.events,
        push.batch_id,
        push.signature_ok,
        push.pk,
    ]
    with _cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def _cursor() -> Iterator[Any]:
    """A cursor for the push's own statements: on PostgreSQL the loader's prepared cursor
    (parameters bound on the server, each statement prepared once per connection; Django's
    cursors quote every parameter into the text, the whole body included, and the server
    would parse and plan it each time); on SQLite, Django's."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with prepared_cursor() as cursor:
        yield cursor


def _apply(
    push: InboundPush,
    result: TrackingParseResult,
    events: list[TrackingEventRecord],
    codes: CarrierCodes,
) -> PushOutcome:
    """Ingest one parsed push; the caller holds the transaction."""
    failures = [m.text for m in result.messages if m.is_error and m.row is None]
    if not events and failures:
        push.status = PushStatus.FAILED
        push.reason = "；".join(failures)[:REASON_LENGTH]
        push.events = 0
        _record(push)
        return PushOutcome(push.pk, PushStatus.FAILED, push.reason, readable=False)
    rejects = any(m.is_error and m.row is not None for m in result.messages)
    unknown = any(e.carrier_code not in codes.ids for e in events)
    # A push is kept whole, so a clean one needs no batch; one with traces to put aside
    # gets a batch to hold them as rejected rows (the same batch again on replay).
    batch = _batch_for(push) if rejects or unknown or push.batch_id is not None else None
    tally = MessageTally()
    tally.drain(list(result.messages), batch)  # a copy: a retried attempt reads them again
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
    if batch is not None:
        _finish_batch(batch, result, counts, tally, problems)
    _record(push)
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
