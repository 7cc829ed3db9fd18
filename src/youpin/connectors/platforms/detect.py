"""Which export a file is, from its header alone.

Each format lists signature sets of distinctive columns (base.Layout.signatures); a
format matches when one set is wholly present, and the best match is the one that
recognises the most columns. A header with no order-number column at all is not an
order export; one that has an order number but no signature needs a column mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

from youpin.connectors.platforms import douyin, jd, pinduoduo, taobao
from youpin.connectors.platforms.base import PlatformConnector, header_key

#: Every built-in format by id, in detection priority (ties go to the earlier one).
FORMATS: dict[str, PlatformConnector] = {
    c.name: c for c in (*taobao.LAYOUTS, *pinduoduo.LAYOUTS, *douyin.LAYOUTS, *jd.LAYOUTS)
}

#: Headers that name an order number on some platform.
ORDER_ID_HEADERS = frozenset(
    header_key(h) for h in ("订单编号", "订单号", "主订单编号", "子订单编号", "订单ID", "order_id")
)


def detect_platform(header: Sequence[str], among: Sequence[str] | None = None) -> str | None:
    """The format id ('taobao_orders', 'tmall_suborders', …) a header belongs to, or None."""
    best: tuple[int, str] | None = None
    for name in among or FORMATS:
        score = FORMATS[name].score(header)
        if score and (best is None or score > best[0]):
            best = (score, name)
    return best[1] if best else None


def explain_unknown(header: Sequence[str]) -> str:
    """Why a header was not recognised, in words a merchant understands."""
    shown = "、".join(h for h in header[:8] if h) or "（空）"
    keys = {header_key(h) for h in header}
    if not keys & ORDER_ID_HEADERS:
        return (
            f"这不是订单导出文件：表头里没有订单编号/订单号列（表头：{shown}…）。"
            "请上传平台后台导出的订单文件。"
        )
    return (
        f"无法判断这是哪个平台的订单文件（表头：{shown}…）。"
        "请指定平台，或先保存一个列映射模板再导入。"
    )
