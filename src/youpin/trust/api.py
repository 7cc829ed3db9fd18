"""API of the trust context: order evidence, data quality, the review queue and decisions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from youpin.accounts.scoping import scope_for
from youpin.trust.models import ReviewCase
from youpin.trust.reasons import codes, describe
from youpin.trust.selectors import (
    QualityRow,
    data_quality,
    order_evidence,
    review_queue,
    signal_rules,
)
from youpin.trust.services import ReviewError, decision_summary, review_decide

router = Router(tags=["trust"])


class EvidenceOut(Schema):
    """One order's verification state and reasons."""

    order_id: int
    state: str
    reasons: list[str]
    labels: list[str]
    parcel_id: int | None
    computed_at: str


@router.get("/orders/{order_id}", response=EvidenceOut, summary="订单核实状态与原因")
def order_verification(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """The evidence about one order in the caller's scope (404 outside it)."""
    found = order_evidence(scope_for(request.user), order_id)
    if found is None:
        raise HttpError(404, "订单不存在或尚未核对")
    return found


def _quality_json(row: QualityRow) -> dict[str, Any]:
    """A quality row with shares and amounts as strings."""
    return {
        "key": row.key,
        "label": row.label,
        "orders": row.orders,
        "verified": row.verified,
        "unverified": row.unverified,
        "suspicious": row.suspicious,
        "verified_pct": None if row.verified_pct is None else f"{row.verified_pct}",
        "suspicious_pct": None if row.suspicious_pct is None else f"{row.suspicious_pct}",
        "paid": f"{row.paid:.2f}",
        "verified_paid": f"{row.verified_paid:.2f}",
        "rejected_rows": row.rejected_rows,
    }


@router.get("/quality", summary="数据质量：按来源和店铺的核实与可疑占比、导入拒收行数")
def quality(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """Shares verified and suspicious per source and shop in the caller's scope."""
    dq = data_quality(scope_for(request.user), year=year)
    return {
        "year": year,
        "computed_at": dq.computed_at.isoformat() if dq.computed_at else None,
        "total": _quality_json(dq.total),
        "sources": [_quality_json(r) for r in dq.sources],
        "shops": [_quality_json(r) for r in dq.shops],
        "reasons": [{"code": c, "label": label, "orders": n} for c, label, n in dq.reasons],
        "rejected_by_source": dq.rejected_by_source,
    }


def _case_json(case: ReviewCase) -> dict[str, Any]:
    """A case with its signals and audit trail."""
    return {
        **decision_summary(case),
        "shop_id": case.shop_id,
        "shop": case.shop.name,
        "opened_at": case.opened_at.isoformat(),
        "decided_by": case.decided_by.get_username() if case.decided_by else None,
        "signals": [
            {
                "rule": s.rule,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "orders": s.orders,
                "value": f"{s.value:.2f}",
                "evidence": s.evidence,
            }
            for s in case.signals.all()
        ],
        "events": [
            {
                "at": e.at.isoformat(),
                "user": e.user.get_username() if e.user else None,
                "action": e.action,
                "note": e.note,
            }
            for e in case.events.all()
        ],
    }


@router.get("/review", summary="审核队列（运营方、官员）")
def review(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    """Cases in the caller's scope; `status` open (default), confirmed, cleared or all."""
    if status not in {"open", "confirmed", "cleared", "all"}:
        raise HttpError(400, f"未知的状态：{status!r}")
    cases = review_queue(scope_for(request.user), status=None if status == "all" else status)
    return [_case_json(c) for c in cases]


class DecisionIn(Schema):
    """An official's decision on a case: confirmed or cleared, with the reason."""

    decision: str
    note: str


@router.post("/review/{case_id}/decision", summary="审核结论：确认刷单或排除嫌疑")
def decide(request: HttpRequest, case_id: int, body: DecisionIn) -> dict[str, Any]:
    """Record a decision with the caller as its author; the shop's orders are re-derived."""
    scope = scope_for(request.user)
    try:
        case = review_decide(
            scope,
            case_id=case_id,
            decision=body.decision,
            note=body.note,
            user=request.user if request.user.is_authenticated else None,
        )
    except ReviewCase.DoesNotExist as exc:
        raise HttpError(404, "案件不存在") from exc
    except ReviewError as exc:
        raise HttpError(400, str(exc)) from exc
    return decision_summary(case)


@router.get("/rules", summary="信号规则与阈值")
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    """The signal rules as data, with the reason codes they set."""
    scope_for(request.user)
    return [
        {
            "code": r.code,
            "name": r.name,
            "explanation": r.explanation,
            "enabled": r.enabled,
            "params": r.params,
        }
        for r in signal_rules()
    ]


@router.get("/reasons", summary="核实原因代码")
def reasons(request: HttpRequest) -> list[dict[str, Any]]:
    """Every reason code with its Chinese label and bit."""
    from youpin.trust.reasons import Reason

    return [{"bit": int(b), "code": codes(int(b))[0], "label": describe(int(b))[0]} for b in Reason]
