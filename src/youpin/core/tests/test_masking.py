"""Masking of personal data and the log filter that applies it."""

from __future__ import annotations

import logging

import pytest

from youpin.core.logging import MaskPersonalDataFilter
from youpin.core.masking import mask_address, mask_name, mask_phone, mask_phones_in_text


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13895551234", "138****1234"),
        ("+86 138-9555-1234", "861****1234"),
        ("5678", "**78"),
        ("", ""),
    ],
)
def test_mask_phone(raw: str, masked: str) -> None:
    """Phones keep their first three and last four digits at most."""
    assert mask_phone(raw) == masked


def test_mask_name_keeps_family_name_only() -> None:
    """A name shows its first character and stars."""
    assert mask_name("王小明") == "王**"
    assert mask_name("李") == "李*"


def test_mask_address_hides_house_details() -> None:
    """An address keeps its head and hides the rest."""
    assert mask_address("宁夏中卫市沙坡头区文昌镇某小区5号楼") == "宁夏中卫市沙****"


def test_phones_inside_text_are_masked() -> None:
    """Every mobile number inside free text is masked, other digits stay."""
    text = "收件人13895551234，订单3000000000000000001"
    assert mask_phones_in_text(text) == "收件人138****1234，订单3000000000000000001"


def test_log_filter_masks_phones_in_arguments() -> None:
    """A phone passed as a log argument never reaches the rendered message."""
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "call %s", ("13895551234",), None)
    MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "call 138****1234"
