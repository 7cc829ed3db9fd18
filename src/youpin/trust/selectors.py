"""Reads of the trust context, always limited to what a scope may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_noop

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Platform, Shop
from youpin.catalog.selectors import shops_visible
from youpin.commerce.selectors import orders_visible
from youpin.core.periods import SHANGHAI
from youpin.ingest.models import ImportBatch
from youpin.trust.models import (
    CaseStatus,
    OrderVerification,
    ReviewCase,
    ShopSignal,
    SignalRule,
    VerificationState,
)
from youpin.trust.reasons import Reason, codes, describe

_READERS = {Role.OPERATOR, Role.OFFICIAL, Role.MERCHANT}
_REVIEWERS = {Role.OPERATOR, Role.OFFICIAL}


def check_reader(scope: Scope) -> None:
    """The operator, officials and merchants (their own shops) may read verification data."""
    if scope.role not in _READERS or (scope.role == Role.MERCHANT and scope.merchant_id is None):
        raise PermissionDenied("该角色无权查看数据质量")


def check_reviewer(scope: Scope) -> None:
    """Only the operator and officials see and decide the review queue."""
    if scope.role not in _REVIEWERS:
        raise PermissionDenied("只有运营方和政府官员可以查看审核队列")


def verifications_visible(scope: Scope) -> QuerySet[OrderVerification]:
    """Verification rows of the orders the scope may see."""
    check_reader(scope)
    if scope.role == Role.OPERATOR:
        return OrderVerification.objects.all()
    return OrderVerification.objects.filter(order__in=orders_visible(scope))


def review_cases_visible(scope: Scope) -> QuerySet[ReviewCase]:
    """Review cases of the shops the scope may see (operator: all; official: the region's)."""
    check_reviewer(scope)
    return ReviewCase.objects.filter(shop__in=shops_visible(scope)).select_related(
        "shop", "shop__merchant", "decided_by"
    )


def review_queue(scope: Scope, *, status: str | None = CaseStatus.OPEN) -> list[ReviewCase]:
    """Cases in the scope, open first by default, with their signals loaded."""
    qs = review_cases_visible(scope).prefetch_related("signals", "events", "events__user")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-opened_at", "-pk")[:200])


def signal_rules() -> list[SignalRule]:
    """The signal rules with their thresholds (public within the reviewer roles)."""
    return list(SignalRule.objects.all())


@dataclass(frozen=True)
class QualityRow:
    """Verification shares of one source (platform) or shop."""

    key: str
    label: str
    orders: int
    verified: int
    unverified: int
    suspicious: int
    paid: Decimal
    verified_paid: Decimal
    rejected_rows: int | None = None

    @property
    def verified_pct(self) -> Decimal | None:
        """Share of orders verified, per cent."""
        return _pct(self.verified, self.orders)

    @property
    def suspicious_pct(self) -> Decimal | None:
        """Share of orders suspicious, per cent."""
        return _pct(self.suspicious, self.orders)


def _pct(part: int, whole: int) -> Decimal | None:
    """A share in per cent with one decimal, None for an empty whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _year_filter(year: int | None) -> Q:
    """Orders placed in a Shanghai calendar year (by order time), or all."""
    if year is None:
        return Q()
    start = datetime.combine(date(year, 1, 1), time(), tzinfo=SHANGHAI)
    end = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=SHANGHAI)
    return Q(order__ordered_at__gte=start, order__ordered_at__lt=end)


_STATE_COUNTS = {
    "n": Count("pk"),
    "v": Count("pk", filter=Q(state=VerificationState.VERIFIED)),
    "u": Count("pk", filter=Q(state=VerificationState.UNVERIFIED)),
    "s": Count("pk", filter=Q(state=VerificationState.SUSPICIOUS)),
    "paid": Sum("order__paid_amount"),
    "vpaid": Sum("order__paid_amount", filter=Q(state=VerificationState.VERIFIED)),
}


def _row(key: str, label: str, r: Any, rejected: int | None = None) -> QualityRow:
    """A quality row from an aggregate."""
    return QualityRow(
        key=key,
        label=label,
        orders=int(r["n"] or 0),
        verified=int(r["v"] or 0),
        unverified=int(r["u"] or 0),
        suspicious=int(r["s"] or 0),
        paid=Decimal(r["paid"] or 0).quantize(Decimal("0.01")),
        verified_paid=Decimal(r["vpaid"] or 0).quantize(Decimal("0.01")),
        rejected_rows=rejected,
    )


@dataclass(frozen=True)
class DataQuality:
    """The data-quality page: totals, per source, per shop, the reasons and rejected rows."""

    total: QualityRow
    sources: list[QualityRow]
    shops: list[QualityRow]
    reasons: list[tuple[str, str, int]]
    rejected_by_source: dict[str, int]
    computed_at: datetime | None


def data_quality(scope: Scope, *, year: int | None = None, shop_limit: int = 50) -> DataQuality:
    """Shares verified and suspicious per source and per shop; rows rejected at import."""
    qs = verifications_visible(scope).filter(_year_filter(year))
    total = _row("total", gettext_noop("合计"), qs.aggregate(**_STATE_COUNTS))
    platforms = dict(Platform.choices)
    rejected = _rejected_by_source(scope)
    sources = [
        _row(
            r["order__platform"],
            str(platforms.get(r["order__platform"], r["order__platform"])),
            r,
            rejected.get(r["order__platform"], 0),
        )
        for r in qs.order_by().values("order__platform").annotate(**_STATE_COUNTS)
    ]
    sources.sort(key=lambda x: -x.orders)
    by_shop = list(
        qs.order_by().values("shop_id").annotate(**_STATE_COUNTS).order_by("-s", "-n")[:shop_limit]  # type: ignore[misc]
    )
    names = dict(
        Shop.objects.filter(pk__in=[r["shop_id"] for r in by_shop]).values_list("pk", "name")
    )
    shops = [_row(str(r["shop_id"]), names.get(r["shop_id"], "?"), r) for r in by_shop]
    bits = {f"b{int(bit)}": F("reasons").bitand(int(bit)) for bit in Reason}
    counts = qs.alias(**bits).aggregate(
        **{f"r{int(bit)}": Count("pk", filter=~Q(**{f"b{int(bit)}": 0})) for bit in Reason}
    )
    reasons = [
        (codes(int(bit))[0], describe(int(bit))[0], int(counts[f"r{int(bit)}"] or 0))
        for bit in Reason
        if counts[f"r{int(bit)}"]
    ]
    latest = qs.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return DataQuality(total, sources, shops, reasons, rejected, latest)


def _rejected_by_source(scope: Scope) -> dict[str, int]:
    """Rows rejected at import per batch format (the platform), within the scope."""
    batches = ImportBatch.objects.filter(kind="orders")
    if scope.role == Role.MERCHANT:
        batches = batches.filter(merchant_id=scope.merchant_id or 0)
    elif scope.role == Role.OFFICIAL:
        batches = batches.filter(merchant__place__code__startswith=scope.region_prefix)
    result: dict[str, int] = {}
    for fmt, n in batches.values_list("format", "rejected"):
        key = (fmt or "other").split("_")[0].split("-")[0]
        result[key] = result.get(key, 0) + int(n or 0)
    return result


def order_evidence(scope: Scope, order_id: int) -> dict[str, Any] | None:
    """One order's verification state and reasons (None if absent or out of scope)."""
    row = verifications_visible(scope).filter(order_id=order_id).first()
    if row is None:
        return None
    return {
        "order_id": row.order_id,
        "state": row.state,
        "reasons": codes(row.reasons),
        "labels": describe(row.reasons),
        "parcel_id": row.parcel_id,
        "computed_at": row.computed_at.isoformat(),
    }


def shop_signals(scope: Scope, shop_id: int) -> list[ShopSignal]:
    """The signals of one shop the scope may review."""
    check_reviewer(scope)
    return list(
        ShopSignal.objects.filter(shop_id=shop_id, shop__in=shops_visible(scope)).select_related(
            "case"
        )
    )
