"""Masking of personal data (names, phones, addresses) for display and logs."""

from __future__ import annotations

import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str:
    """Show a phone number as 138****5678; anything shorter keeps only its last 2 digits."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    """Keep the first character of a name (the family name) and hide the rest: 张**."""
    if not name:
        return ""
    name = name.strip()
    return name[0] + "*" * max(1, len(name) - 1)


def mask_address(address: str | None, keep: int = 6) -> str:
    """Keep the first characters of an address (its divisions) and hide the house details."""
    if not address:
        return ""
    address = address.strip()
    if len(address) <= keep:
        return address
    return address[:keep] + "****"


def mask_phones_in_text(text: str) -> str:
    """Replace every mobile number inside free text by its masked form."""
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
