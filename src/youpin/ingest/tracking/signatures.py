"""Who sent a push: each provider's signature, checked against the secret we hold.

Kuaidi100 signs the `param` text with our salt (`sign`), Kdniao the `RequestData` text
with our AppKey (`DataSign`); both are in the body, so a stored push can be checked
again. WeChat signs the query string: SHA-1 of our token, `timestamp` and `nonce`
sorted and joined (`signature`). With no secret configured, production refuses every
push (the endpoint is off) and other environments let it in as unchecked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from django.conf import settings

from youpin.connectors.carriers import verify_kdniao_sign, verify_kuaidi100_sign


@dataclass(frozen=True)
class PushSecrets:
    """The secrets the push providers sign with; empty when not configured."""

    kuaidi100_salt: str = ""
    kdniao_app_key: str = ""
    wechat_token: str = ""

    @classmethod
    def from_settings(cls) -> PushSecrets:
        """The secrets from the settings (YOUPIN_KUAIDI100_SALT, …)."""
        return cls(
            kuaidi100_salt=getattr(settings, "YOUPIN_KUAIDI100_SALT", ""),
            kdniao_app_key=getattr(settings, "YOUPIN_KDNIAO_APP_KEY", ""),
            wechat_token=getattr(settings, "YOUPIN_WECHAT_TOKEN", ""),
        )

    def for_provider(self, provider: str) -> tuple[str, str]:
        """(secret, name of its setting) for a provider."""
        return {
            "kuaidi100": (self.kuaidi100_salt, "YOUPIN_KUAIDI100_SALT"),
            "kdniao": (self.kdniao_app_key, "YOUPIN_KDNIAO_APP_KEY"),
            "wechat": (self.wechat_token, "YOUPIN_WECHAT_TOKEN"),
        }[provider]


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on a push's signature: True, False (refused, with why) or None (unchecked)."""

    ok: bool | None
    reason: str = ""


def push_fields(body: str) -> dict[str, str]:
    """The top-level fields of a push body: a form (`a=1&b=2`) or a JSON object."""
    text = body.strip().lstrip("\ufeff")
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    fields = parse_qs(text, keep_blank_values=True, errors="replace")
    return {key: values[0] for key, values in fields.items()}


def fields_of_decoded(data: object) -> dict[str, str] | None:
    """`push_fields` from a body the parser has decoded already (`decode_payload`): the
    form's fields or the JSON object's, as text; None when it decoded to nothing usable."""
    if not isinstance(data, dict):
        return None
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's signature of a server message: SHA-1 of the three values sorted and joined."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


def check_push_signature(
    *,
    provider: str,
    body: str,
    query: Mapping[str, str],
    secrets: PushSecrets | None = None,
    production: bool | None = None,
    fields: Mapping[str, str] | None = None,
) -> SignatureCheck:
    """Check a push's signature with our secret for its provider; `fields` are the body's
    top-level fields when the caller has decoded them already (else read from `body`)."""
    secrets = secrets or PushSecrets.from_settings()
    production = settings.PRODUCTION if production is None else production
    secret, setting = secrets.for_provider(provider)
    if not secret:
        if production:
            return SignatureCheck(False, f"未配置 {setting}：该推送接口已停用")
        return SignatureCheck(None, f"未配置 {setting}：开发环境未校验签名")
    if provider == "wechat":
        return _check_wechat(secret, query)
    if fields is None:
        fields = push_fields(body)
    verify: Callable[[str, str, str], bool]
    if provider == "kuaidi100":
        signed, name, verify = fields.get("param"), "sign", verify_kuaidi100_sign
    else:
        signed, name, verify = fields.get("RequestData"), "DataSign", verify_kdniao_sign
    sign = fields.get(name, "")
    if signed is None:
        return SignatureCheck(False, "推送中没有被签名的内容（param 或 RequestData）")
    if not sign.strip():
        return SignatureCheck(False, f"推送缺少签名 {name}")
    if not verify(signed, secret, sign):
        return SignatureCheck(False, f"签名 {name} 不正确")
    return SignatureCheck(True)


def _check_wechat(token: str, query: Mapping[str, str]) -> SignatureCheck:
    """WeChat's query-string signature."""
    if query.get("encrypt_type", "raw") not in ("", "raw"):
        return SignatureCheck(False, "不支持微信安全模式（加密）推送，请使用明文模式")
    signature = query.get("signature", "")
    if not signature:
        return SignatureCheck(False, "推送缺少签名 signature")
    expected = wechat_signature(token, query.get("timestamp", ""), query.get("nonce", ""))
    if not hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode()):
        return SignatureCheck(False, "签名 signature 不正确")
    return SignatureCheck(True)
