"""The delivery pages' number formats."""

from __future__ import annotations

from django.utils import translation

from youpin.delivery.templatetags.delivery_format import points_lower, share


def test_share_is_a_percentage_with_one_decimal() -> None:
    """0.481 reads 48.1%; nothing reads as a dash."""
    assert share(0.481) == "48.1%"
    assert share(None) == "—"


def test_points_lower_names_the_direction_and_the_unit() -> None:
    """A positive difference is lower, a negative one higher, a rounded zero is level."""
    with translation.override("zh-hans"):
        assert points_lower(0.023) == "低 2.3 个百分点"
        assert points_lower(-0.05) == "高 5.0 个百分点"
        assert points_lower(0.0004) == "持平"
        assert points_lower(None) == "—"
