"""Reloading the demo after verification ran: the verification, signals and cases of demo rows
go with them, and the demo fee rules do not pile up."""

from __future__ import annotations

import pytest
from django.test import override_settings

from youpin.demo.services import demo_data_delete, demo_data_load
from youpin.stations.models import FeeRule, Subsidy
from youpin.trust.models import OrderVerification, ReviewCase, ShopSignal
from youpin.trust.services import verification_refresh

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_reload_after_verification(zhongwei: None) -> None:
    """Load, verify (the brushing shop gets a case), reload, delete: nothing demo is left."""
    demo_data_load(seed=1, scale=0.01, force=True)
    rules, subsidies = FeeRule.objects.count(), Subsidy.objects.count()
    verification_refresh()
    assert OrderVerification.objects.exists()
    assert ShopSignal.objects.filter(shop__is_demo=True).exists()
    assert ReviewCase.objects.filter(shop__is_demo=True).exists()
    demo_data_load(seed=1, scale=0.01, force=True)
    assert (FeeRule.objects.count(), Subsidy.objects.count()) == (rules, subsidies)
    assert not OrderVerification.objects.exists()
    demo_data_delete()
    assert not FeeRule.objects.exists()
    assert not Subsidy.objects.exists()
    assert not ShopSignal.objects.exists()
    assert not ReviewCase.objects.exists()
