"""Consumers look up their own parcel by waybill number + the last 4 digits of the phone.

Only when both match is the parcel shown, with personal data masked; a wrong pair reads the
same as an unknown waybill, so the lookup never tells whether a waybill exists. Attempts are
limited per client address with Django's cache (the default local-memory cache works; a
shared cache such as Redis makes the limit hold across processes).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from youpin.core.masking import mask_name, mask_phones_in_text
from youpin.logistics.models import Parcel
from youpin.logistics.selectors import parcels_by_waybill

ATTEMPT_LIMIT = 10  # lookups per client address …
ATTEMPT_WINDOW_SECONDS = 600  # … in this many seconds
NOT_FOUND = "未找到匹配的包裹"
TOO_MANY = "查询过于频繁，请 10 分钟后再试"

WAYBILL_RE = re.compile(r"^[A-Za-z0-9]{6,40}$")
PHONE_TAIL_RE = re.compile(r"^\d{4}$")
WAYBILL_PATTERN = WAYBILL_RE.pattern
PHONE_TAIL_PATTERN = PHONE_TAIL_RE.pattern


# ----------------------------------------------------------------------------- input


def normalise_waybill(raw: str) -> str:
    """A waybill number as typed, without spaces or dashes, in upper case."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def lookup_input_errors(waybill: str, phone_tail: str) -> dict[str, str]:
    """What is wrong with a lookup's input (field → message, marked for translation); empty
    when it is well formed."""
    errors = {}
    if not WAYBILL_RE.match(waybill):
        errors["waybill"] = gettext_noop("运单号应为 6–40 位字母或数字")
    if not PHONE_TAIL_RE.match(phone_tail):
        errors["phone_tail"] = gettext_noop("请输入收件人手机号的后 4 位数字")
    return errors


def phone_tail_matches(phone: str, tail: str) -> bool:
    """True when a phone number ends with these 4 digits (compared in constant time)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) < 4 or not PHONE_TAIL_RE.match(tail):
        return False
    return hmac.compare_digest(digits[-4:], tail)


def parcel_for_lookup(waybill: str, phone_tail: str) -> Parcel | None:
    """The newest parcel with this waybill whose recipient phone ends with the tail, or None."""
    waybill = normalise_waybill(waybill)
    if lookup_input_errors(waybill, phone_tail):
        return None
    for parcel in parcels_by_waybill(waybill)[:20]:
        if phone_tail_matches(parcel.recipient_phone, phone_tail):
            return parcel
    return None


# ----------------------------------------------------------------------------- rate limit


def client_address(request: HttpRequest) -> str:
    """The client's address as the server sees it (a proxy in front must set REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@dataclass(frozen=True)
class Attempt:
    """The outcome of counting one lookup attempt against a client's allowance."""

    allowed: bool
    count: int


def lookup_attempt(client: str) -> Attempt:
    """Count one attempt for a client; refused once it made ATTEMPT_LIMIT in the window.

    The window opens with the client's first attempt and lasts ATTEMPT_WINDOW_SECONDS.
    """
    key = f"youpin:track-attempts:{client}"
    cache.add(key, 0, timeout=ATTEMPT_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ATTEMPT_WINDOW_SECONDS)
        count = 1
    return Attempt(allowed=count <= ATTEMPT_LIMIT, count=count)


# ----------------------------------------------------------------------------- masking

_SIGNER = re.compile(r"((?:签收人|收件人|寄件人|代收人)\s*[:：]\s*)([^\s，,。；;）)】]+)")
# Words a signer field holds that are not a person's name.
_NOT_A_NAME = (
    "本人",
    "家人",
    "门卫",
    "前台",
    "同事",
    "快递柜",
    "驿站",
    "代收点",
    "物业",
    "他人",
)
_HOUSE = re.compile(r"\d+\s*(?:号楼|号院|号|栋|幢|单元|楼|层|室)")
_PICKUP_CODE = re.compile(r"(取件码|提货码|取货码)\s*[:：]?\s*[0-9A-Za-z-]+")
_LONG_NUMBER = re.compile(r"(?<!\d)\d{7,}(?!\d)")


def _mask_signer(match: re.Match[str]) -> str:
    """Mask a signer's name unless it is a word like 本人 or 快递柜."""
    label, who = match.group(1), match.group(2)
    if any(who.startswith(word) for word in _NOT_A_NAME):
        return label + who
    return label + mask_name(who)


def mask_tracking_text(text: str) -> str:
    """Hide personal data in a tracking text for the public: names of signers, phone and
    other long numbers, house numbers, and pickup codes (only the recipient's SMS has those)."""
    text = mask_phones_in_text(text or "")
    text = _LONG_NUMBER.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-2:], text)
    text = _SIGNER.sub(_mask_signer, text)
    text = _PICKUP_CODE.sub(lambda m: f"{m.group(1)} ****", text)
    return _HOUSE.sub("**", text)
