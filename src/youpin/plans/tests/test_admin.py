"""Officials edit plans and enter missing figures in the back office."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from youpin.plans.models import ManualValue, Plan, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(zhongwei: None) -> Client:
    """A client signed in as a superuser."""
    user = get_user_model().objects.create_superuser("plans-admin", password="pw-test-123")
    client = Client()
    client.force_login(user)
    return client


def test_plan_pages_open_and_a_target_can_be_edited(admin_client: Client) -> None:
    """The plan list and page render; changing a target's value is saved."""
    plan = Plan.objects.get(slug="zhongwei-2021")
    assert admin_client.get("/admin/plans/plan/").status_code == 200
    assert admin_client.get(f"/admin/plans/plan/{plan.pk}/change/").status_code == 200
    target = Target.objects.get(plan=plan, code="G5")
    page = admin_client.get(f"/admin/plans/target/{target.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/admin/plans/target/{target.pk}/change/",
        {
            "plan": plan.pk,
            "code": "G5",
            "name": target.name,
            "unit": target.unit,
            "target_value": "220.00",
            "trajectory": "target_only",
            "measure": target.measure,
            "at_least": "on",
            "note": target.note,
            "position": target.position,
            "years-TOTAL_FORMS": "0",
            "years-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert str(target.target_value) == "220.00"


def test_a_manual_value_records_who_entered_it(admin_client: Client) -> None:
    """The signed-in user is stored as the one who entered the value."""
    response = admin_client.post(
        "/admin/plans/manualvalue/add/",
        {
            "measure": "trainees",
            "region_code": "640500000000",
            "year": "2024",
            "value": "530",
            "note": "培训签到表",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = ManualValue.objects.get()
    assert row.entered_by is not None
    assert row.entered_by.get_username() == "plans-admin"


def test_a_manual_value_for_a_measured_figure_is_refused(admin_client: Client) -> None:
    """Retail sales come from the facts: the form says so and saves nothing."""
    response = admin_client.post(
        "/admin/plans/manualvalue/add/",
        {"measure": "retail_sales", "region_code": "640500000000", "year": "2024", "value": "1"},
    )
    assert response.status_code == 200
    assert "只能录入这些度量" in response.content.decode()
    assert not ManualValue.objects.exists()
