"""The wording of the notifications sent to recipients (pure, no Django).

Short, in the style of station SMS: who sends it, where the parcel is, the code, and
the opening hours. The pickup code appears only here, never in a tracking event.
"""

from __future__ import annotations

BRAND = "【中卫优品】"


def arrival_text(*, carrier: str, waybill: str, station: str, code: str, hours: str) -> str:
    """The arrival notice: parcel, station, pickup code, opening hours."""
    return (
        f"{BRAND}您的{carrier}包裹（尾号{waybill[-4:]}）已到{station}，"
        f"取件码 {code}，营业时间 {hours}，请凭取件码和手机尾号取件。"
    )


def reminder_text(*, stage: int, station: str, code: str, hours: str) -> str:
    """The 24 h or 48 h reminder; the second says the parcel will go back after 72 h."""
    if stage >= 2:
        return (
            f"{BRAND}您在{station}的包裹已存放超过 48 小时，取件码 {code}，"
            f"营业时间 {hours}；超过 72 小时未取将退回快递公司。"
        )
    return f"{BRAND}您在{station}的包裹还未取，取件码 {code}，营业时间 {hours}。"
