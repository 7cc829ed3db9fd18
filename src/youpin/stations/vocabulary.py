"""The fixed words of the station registry: services a station offers. Pure (no Django)."""

from __future__ import annotations

from collections.abc import Iterable

# What a station may offer (issue 5): receive parcels for pickup (代收), send parcels (代寄),
# sell local products through Youpin, keep fresh produce cold.
SERVICES: dict[str, str] = {
    "receive": "代收（到件待取）",
    "send": "代寄（收件寄出）",
    "sell": "销售本地产品",
    "cold_storage": "冷藏",
}


class RegistryError(ValueError):
    """A station field a person must correct; the message says what and how."""


def services_clean(values: Iterable[object]) -> list[str]:
    """The services in vocabulary order, without duplicates; unknown words are an error."""
    if isinstance(values, str | bytes | dict):
        raise RegistryError('服务项目应为列表，如 ["receive", "send"]')
    given: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise RegistryError(f"服务项目应为文字，收到：{value!r}")
        word = value.strip()
        if word and word not in given:
            given.append(word)
    unknown = [w for w in given if w not in SERVICES]
    if unknown:
        allowed = "、".join(f"{k}（{v}）" for k, v in SERVICES.items())
        raise RegistryError(f"未知的服务项目：{'、'.join(unknown)}。可选：{allowed}")
    return [k for k in SERVICES if k in given]
