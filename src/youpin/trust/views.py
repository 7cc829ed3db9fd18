"""Pages of the trust context: data quality (reported vs verified) and the review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from youpin.accounts.scoping import request_scope
from youpin.commerce.statistics import RetailQueryError, retail_sales
from youpin.trust.models import CaseStatus, ReviewCase
from youpin.trust.selectors import check_reviewer, data_quality, review_queue, signal_rules
from youpin.trust.services import ReviewError, review_decide


def _year(request: HttpRequest) -> int:
    """The year asked for, or this year."""
    text = request.GET.get("year", "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


@require_safe
@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """Reported and verified sales side by side; shares verified and suspicious per source and
    per shop; rows rejected at import."""
    scope = request_scope(request)
    year = _year(request)
    dq = data_quality(scope, year=year)
    try:
        report = retail_sales(scope, year=year, verified=True)
        verification = report.verification or ()
    except RetailQueryError:
        verification = ()
    context = {"year": year, "dq": dq, "verification": verification}
    return render(request, "trust/quality.html", context)


@require_safe
@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The review queue of the caller's region: open cases first, decided ones below."""
    scope = request_scope(request)
    check_reviewer(scope)
    context = {
        "open_cases": review_queue(scope, status=CaseStatus.OPEN),
        "decided": [c for c in review_queue(scope, status=None) if c.status != CaseStatus.OPEN][
            :50
        ],
        "rules": signal_rules(),
    }
    return render(request, "trust/review.html", context)


@require_POST
@login_required
def decide(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record an official's decision on a case, then go back to the queue."""
    scope = request_scope(request)
    try:
        review_decide(
            scope,
            case_id=case_id,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            user=request.user if request.user.is_authenticated else None,
        )
    except ReviewCase.DoesNotExist as exc:
        raise Http404 from exc
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("已记录审核结论"))
    return redirect("trust:review")
