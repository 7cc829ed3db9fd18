"""Writes of the trust context: the verification refresh and the officials' review decisions."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.classify import Rule
from youpin.catalog.models import Shop, TitleRule
from youpin.core.joblock import job_lock
from youpin.core.periods import SHANGHAI
from youpin.trust import refresh as sql
from youpin.trust.models import (
    CaseStatus,
    OrderVerification,
    ReviewCase,
    ReviewEvent,
    ShopSignal,
    SignalRule,
    TrustState,
)
from youpin.trust.reasons import RULE_BITS, Reason
from youpin.trust.rules import RuleSet, ruleset
from youpin.trust.signals import announce_states_changed
from youpin.trust.spans import Span, merge_windows


@dataclass
class RefreshResult:
    """What one refresh did: orders recomputed, states now, signals and seconds per step."""

    full: bool
    orders: int
    signals_open: int
    timings: dict[str, float] = field(default_factory=dict)
    # The sale days of the orders whose state changed (their sales facts are stale).
    changed_days: set[date] = field(default_factory=set)


def rules_in_force() -> RuleSet:
    """The signal rules as stored (defaults for any missing row)."""
    rows = [(r.code, r.enabled, r.params) for r in SignalRule.objects.all()]
    return ruleset(rows)


def title_rules() -> list[Rule]:
    """The enabled title rules of the catalogue."""
    return [
        Rule(word, cls, prio)
        for word, cls, prio in TitleRule.objects.filter(enabled=True).values_list(
            "word", "item_class", "priority"
        )
    ]


# One refresh writes at a time (`core.joblock`); a called refresh waits this long for another
# to finish (the command passes its own `--wait`, 0 by default: skip when busy).
LOCK_NAME = "trust-refresh"
LOCK_WAIT = 600.0
# Rows stamped this long before a `--changed` run began are looked at again by the next one
# (a transaction that stamped them before the run may have committed after it).
MARGIN = timedelta(minutes=5)


def verification_refresh(
    since: datetime | None = None, *, now: datetime | None = None, wait: float = LOCK_WAIT
) -> RefreshResult:
    """Recompute order verification and brushing signals, all orders or those changed since.

    `since=None` recomputes everything; otherwise only orders (and parcels) updated since that
    time, the orders of their shops from an hour before them, and orders still waiting for a
    deadline (a parcel that has not moved yet). `now` fixes the clock for the deadlines.
    One refresh runs at a time: JobBusy when another still runs after `wait` seconds.
    """
    with job_lock(LOCK_NAME, wait=wait):
        return _verification_refresh(since, now=now)


def rules_digest() -> str:
    """A fingerprint of the signal and title rules in force (a change needs a full run)."""
    signal_rows = sorted(
        (r.code, r.enabled, json.dumps(r.params, sort_keys=True)) for r in SignalRule.objects.all()
    )
    titles = sorted((r.word, r.item_class, r.priority) for r in title_rules())
    text = json.dumps([signal_rows, titles], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def verification_refresh_changed(
    *, now: datetime | None = None, wait: float = LOCK_WAIT
) -> RefreshResult:
    """Recompute what changed since the previous such run (everything the first time).

    The watermark is the previous run's start less `MARGIN`; a change of the rules since
    then makes it a full run. This is what cron runs; the after-import refresh leaves the
    watermark alone, so a failed one is caught up here.
    """
    with job_lock(LOCK_NAME, wait=wait):
        state = TrustState.objects.filter(name="default").first()
        digest = rules_digest()
        since = None
        if state is not None and state.rows_changed_since and state.rules_digest == digest:
            since = state.rows_changed_since
        mark = timezone.now() - MARGIN
        started = time.perf_counter()
        result = _verification_refresh(since, now=now)
        TrustState.objects.update_or_create(
            name="default",
            defaults={
                "rows_changed_since": mark,
                "rules_digest": digest,
                "refreshed_at": timezone.now(),
                "last_full": result.full,
                "last_orders": result.orders,
                "last_seconds": time.perf_counter() - started,
            },
        )
        return result


@transaction.atomic
def _verification_refresh(since: datetime | None, *, now: datetime | None) -> RefreshResult:
    """The refresh itself, in one transaction, under the lock."""
    moment = now or timezone.now()
    now_ts = int(moment.timestamp())
    rules = rules_in_force()
    full = since is None
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        stamp = time.perf_counter()
        timings[name] = round(stamp - clock, 3)
        clock = stamp

    window_s = int(rules.get("burst", "window_minutes") * 60)
    shops: list[int] | None = None
    lo: int | None = None
    orders = 0
    if not full:
        assert since is not None
        sql.target_create()
        orders = sql.target_fill(since, now_ts, rules)
        lo, shops = sql.target_widen(window_s)
        lap("target")
    sql.delete_unsold(full=full)
    base = sql.BaseParams(rules, now_ts, moment, title_rules())
    sql.upsert_base(base, full=full)
    if full:
        sql.analyze()
        orders = OrderVerification.objects.count()
    lap("base")
    sql.mark_reused(
        int(rules.get("waybill_reused", "min_buyers")),
        enabled=rules.on("waybill_reused"),
        full=full,
    )
    lap("reused")
    _bursts(rules, window_s, shops=shops, lo=lo, now=moment)
    lap("burst")
    period_s = int(rules.get("shared_contact", "period_days") * 86400)
    sql.mark_shared_contacts(
        period_s=period_s,
        min_shops=int(rules.get("shared_contact", "min_shops")),
        min_orders=int(rules.get("shared_contact", "min_orders")),
        lo=lo,
        enabled=rules.on("shared_contact"),
    )
    _shared_contact_signals(period_s, lo, now=moment)
    lap("shared_contact")
    _above_declared(rules, shops=shops, now=moment)
    lap("above_declared")
    cases_attach(now=moment)
    for rule, bit in RULE_BITS.items():
        sql.apply_decisions(rule, int(bit))
    changed = announce_states_changed(OrderVerification, sql.set_states())
    lap("states")
    if not full:
        sql.target_drop()
    open_signals = ShopSignal.objects.filter(case__status=CaseStatus.OPEN).count()
    return RefreshResult(
        full=full,
        orders=orders,
        signals_open=open_signals,
        timings=timings,
        changed_days=changed,
    )


def _bursts(
    rules: RuleSet, window_s: int, *, shops: list[int] | None, lo: int | None, now: datetime
) -> None:
    """Find the burst windows, keep them as signals, mark the orders inside them."""
    bit = int(Reason.SHOP_BURST)
    sql.clear_bit(bit, shops=shops, lo=lo)
    if not rules.on("burst"):
        _signals_sync("burst", [], shops=shops, lo=lo, now=now)
        return
    windows = sql.burst_windows(
        window_s=window_s,
        ratio=rules.get("burst", "ratio"),
        min_orders=int(rules.get("burst", "min_orders")),
        shops=shops,
        lo=lo,
    )
    _signals_sync("burst", merge_windows(windows, window_s), shops=shops, lo=lo, now=now)
    sql.mark_in_signals("burst", bit, shops=shops, lo=lo)


def _shared_contact_signals(period_s: int, lo: int | None, *, now: datetime) -> None:
    """One signal per shop and period holding orders from clustered contacts."""
    spans = [
        Span(shop, start, start + period_s, orders, Decimal(orders), {"orders": orders})
        for shop, start, orders in sql.shared_contact_groups(period_s, lo)
    ]
    start = None if lo is None else (lo // period_s) * period_s
    _signals_sync("shared_contact", spans, shops=None, lo=start, now=now)


def _above_declared(rules: RuleSet, *, shops: list[int] | None, now: datetime) -> None:
    """Shops whose paid sales in a declared year exceed `factor` × the declared revenue."""
    declared = Shop.objects.filter(
        declared_revenue__isnull=False, declared_revenue_year__isnull=False
    )
    if shops is not None:
        declared = declared.filter(pk__in=shops)
    rows = list(declared.values_list("pk", "declared_revenue", "declared_revenue_year"))
    factor = Decimal(str(rules.get("above_declared", "factor")))
    spans: list[Span] = []
    by_year: dict[int, list[tuple[int, Decimal]]] = {}
    for pk, revenue, year in rows:
        if revenue is not None and year is not None:
            by_year.setdefault(int(year), []).append((int(pk), Decimal(revenue)))
    for year, shop_rows in by_year.items():
        start = datetime.combine(date(year, 1, 1), dtime(), tzinfo=SHANGHAI)
        end = datetime.combine(date(year + 1, 1, 1), dtime(), tzinfo=SHANGHAI)
        paid = sql.shop_paid_in([pk for pk, _ in shop_rows], start, end)
        for pk, revenue in shop_rows:
            sales = Decimal(paid.get(pk, 0)) / 100
            if rules.on("above_declared") and revenue >= 0 and sales > factor * revenue:
                ratio = (sales / revenue).quantize(Decimal("0.01")) if revenue else Decimal(0)
                evidence = {"year": year, "paid": f"{sales:.2f}", "declared": f"{revenue:.2f}"}
                spans.append(
                    Span(pk, int(start.timestamp()), int(end.timestamp()), 0, ratio, evidence)
                )
    _signals_sync(
        "above_declared", spans, shops=shops, lo=None, now=now, touched=[r[0] for r in rows]
    )


def _signals_sync(
    rule: str,
    spans: Sequence[Span],
    *,
    shops: Sequence[int] | None,
    lo: int | None,
    now: datetime,
    touched: Iterable[int] | None = None,
) -> None:
    """Replace a rule's undecided signals (in the shops and from `lo`) by the fresh spans.

    Signals under a decided case stay as they are; a fresh span identical to one of them is
    not created again, so a cleared window does not come back for review.
    """
    existing = ShopSignal.objects.filter(rule=rule)
    if shops is not None:
        existing = existing.filter(shop_id__in=list(shops))
    if touched is not None:
        existing = existing.filter(shop_id__in=list(touched))
    if lo is not None:
        existing = existing.filter(end_ts__gt=lo)
    keep: set[tuple[int, int, int]] = set()
    stale: list[int] = []
    wanted = {(x.shop_id, x.start_ts, x.end_ts) for x in spans}
    for s in existing.select_related("case"):
        key = (s.shop_id, s.start_ts, s.end_ts)
        if s.case is not None and s.case.status != CaseStatus.OPEN:
            keep.add(key)
        elif key in wanted:
            keep.add(key)
            _refresh_evidence(s, spans)
        else:
            stale.append(s.pk)
    if stale:
        ShopSignal.objects.filter(pk__in=stale).delete()
    fresh = [
        ShopSignal(
            shop_id=x.shop_id,
            rule=rule,
            start_ts=x.start_ts,
            end_ts=x.end_ts,
            orders=x.orders,
            value=x.value,
            evidence=x.evidence,
            detected_at=now,
        )
        for x in spans
        if (x.shop_id, x.start_ts, x.end_ts) not in keep
    ]
    ShopSignal.objects.bulk_create(fresh, batch_size=500)


def _refresh_evidence(signal: ShopSignal, spans: Sequence[Span]) -> None:
    """Update an undecided signal's figures from the span that matches it."""
    for x in spans:
        if (x.shop_id, x.start_ts, x.end_ts) == (signal.shop_id, signal.start_ts, signal.end_ts):
            if (signal.orders, signal.value, signal.evidence) != (x.orders, x.value, x.evidence):
                signal.orders, signal.value, signal.evidence = x.orders, x.value, x.evidence
                signal.save(update_fields=["orders", "value", "evidence"])
            return


def cases_attach(*, now: datetime) -> int:
    """Put every signal without a case into its shop's open case (opened when needed)."""
    loose = ShopSignal.objects.filter(case__isnull=True)
    shops = sorted(set(loose.values_list("shop_id", flat=True)))
    opened = 0
    for shop_id in shops:
        case = ReviewCase.objects.filter(shop_id=shop_id, status=CaseStatus.OPEN).first()
        if case is None:
            case = ReviewCase.objects.create(shop_id=shop_id, opened_at=now)
            opened += 1
            ReviewEvent.objects.create(case=case, at=now, action="opened", note="系统发现新信号")
        rules = sorted(set(loose.filter(shop_id=shop_id).values_list("rule", flat=True)))
        count = loose.filter(shop_id=shop_id).update(case=case)
        ReviewEvent.objects.create(
            case=case, at=now, action="signals", note=f"新增信号 {count} 条：{', '.join(rules)}"
        )
    return opened


class ReviewError(ValueError):
    """A decision that cannot be taken (unknown decision, case already decided)."""


DECISIONS = {"confirmed": CaseStatus.CONFIRMED, "cleared": CaseStatus.CLEARED}


@transaction.atomic
def review_decide(
    scope: Scope,
    *,
    case_id: int,
    decision: str,
    note: str,
    user: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> ReviewCase:
    """Confirm or clear an open case, record who and why, and re-derive its shop's orders."""
    from youpin.trust.selectors import review_cases_visible

    if scope.role not in {Role.OPERATOR, Role.OFFICIAL}:
        raise PermissionDenied("只有运营方和政府官员可以审核")
    status = DECISIONS.get(decision)
    if status is None:
        raise ReviewError(f"未知的结论：{decision!r}（可选：confirmed, cleared）")
    if not note.strip():
        raise ReviewError("请填写结论说明")
    if not review_cases_visible(scope).filter(pk=case_id).exists():
        raise ReviewCase.DoesNotExist(f"案件不存在：{case_id}")
    case = ReviewCase.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.OPEN:
        raise ReviewError("该案件已有结论")
    moment = now or timezone.now()
    case.status = status
    case.decided_at = moment
    case.decided_by_id = getattr(user, "pk", None)
    case.note = note.strip()
    case.save(update_fields=["status", "decided_at", "decided_by", "note"])
    ReviewEvent.objects.create(
        case=case, at=moment, user_id=getattr(user, "pk", None), action=decision, note=note.strip()
    )
    shops = [case.shop_id]
    for rule, bit in RULE_BITS.items():
        sql.apply_decisions(rule, int(bit), shops=shops)
    announce_states_changed(OrderVerification, sql.set_states(shops=shops))
    return case


def decision_summary(case: ReviewCase) -> dict[str, Any]:
    """A case's decision as JSON-ready data."""
    return {
        "id": case.pk,
        "status": case.status,
        "decided_at": case.decided_at.isoformat() if case.decided_at else None,
        "note": case.note,
    }
