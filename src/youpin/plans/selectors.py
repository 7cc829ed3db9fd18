"""Reads of the plans context: plans, targets with their yearly path, progress per year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from youpin.accounts.scoping import Scope
from youpin.plans.measures import measure_spec, measure_value
from youpin.plans.models import Plan, Target
from youpin.plans.trajectory import Path, attainment_pct, yearly_values


def plans_all() -> QuerySet[Plan]:
    """Every plan (plans are public documents), the default first."""
    return Plan.objects.all()


def plan_default() -> Plan | None:
    """The plan the cockpit shows by default."""
    return Plan.objects.filter(is_default=True).first() or Plan.objects.first()


def target_path(target: Target) -> dict[int, Decimal]:
    """A target's planned value per year."""
    plan = target.plan
    return yearly_values(
        Path(
            base_year=plan.base_year,
            target_year=plan.target_year,
            target_value=target.target_value,
            trajectory=target.trajectory,
            base_value=target.base_value,
            annual_growth_pct=target.annual_growth_pct,
            explicit={y.year: y.value for y in target.years.all()},
        )
    )


@dataclass(frozen=True)
class Progress:
    """A target in one year: planned, actual, attainment and where the actual comes from."""

    target: Target
    year: int
    planned: Decimal | None
    actual: Decimal | None
    attainment_pct: Decimal | None
    source: str
    note: str


def plan_progress(scope: Scope, plan: Plan, year: int) -> list[Progress]:
    """Each target of a plan in a year, measured in the scope (operator or official)."""
    out = []
    for target in plan.targets.prefetch_related("years"):
        planned = target_path(target).get(year)
        measure_spec(target.measure)
        value = measure_value(target.measure, scope, year)
        out.append(
            Progress(
                target=target,
                year=year,
                planned=planned,
                actual=value.value,
                attainment_pct=attainment_pct(value.value, planned),
                source=value.source,
                note=value.note,
            )
        )
    return out
