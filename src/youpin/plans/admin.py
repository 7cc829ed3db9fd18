"""Back office: officials edit plans and targets, and enter the figures the platform lacks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from youpin.plans.models import ManualValue, Plan, Target, TargetYear


class TargetInline(admin.StackedInline):
    """A plan's targets, edited on the plan's page."""

    model = Target
    extra = 0
    fields = (
        ("code", "name", "unit"),
        ("target_value", "base_value", "annual_growth_pct"),
        ("trajectory", "measure", "at_least"),
        "note",
        "position",
    )


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Plans with their targets."""

    list_display = ("name", "document", "region_code", "base_year", "target_year", "is_default")
    search_fields = ("name", "slug", "document")
    inlines = [TargetInline]


class TargetYearInline(admin.TabularInline):
    """Explicit yearly values of a target."""

    model = TargetYear
    extra = 1


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Targets, with explicit yearly values when the path is "explicit"."""

    list_display = ("plan", "code", "name", "target_value", "unit", "trajectory", "measure")
    list_filter = ("plan", "trajectory", "unit")
    inlines = [TargetYearInline]


@admin.register(ManualValue)
class ManualValueAdmin(admin.ModelAdmin):
    """Figures entered by hand; who entered them is recorded on save."""

    list_display = ("measure", "region_code", "year", "value", "entered_by", "updated_at")
    list_filter = ("measure", "year")
    readonly_fields = ("entered_by", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Record the signed-in user as the one who entered the value."""
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
