"""Order connectors: Taobao/Tmall, Pinduoduo, Douyin, JD and saved column mappings.

One entry point, `parse_orders(stream, platform=..., mapping=..., sheet=...)`, turns
the bytes of an export into canonical `OrderRecord`s (or `RefundRecord`s), streamed,
with every rejected row reported as an error message. See base.py for the rules
every layout follows and each platform module for its column table.
"""

from youpin.connectors.platforms.base import (
    CANONICAL_FIELDS,
    Layout,
    PlatformConnector,
    RefundLayout,
    merge_orders,
)
from youpin.connectors.platforms.detect import FORMATS, detect_platform
from youpin.connectors.platforms.mapping import ColumnMapping
from youpin.connectors.platforms.parse import PLATFORM_FORMATS, ParseResult, parse_orders

__all__ = [
    "CANONICAL_FIELDS",
    "FORMATS",
    "PLATFORM_FORMATS",
    "ColumnMapping",
    "Layout",
    "ParseResult",
    "PlatformConnector",
    "RefundLayout",
    "detect_platform",
    "merge_orders",
    "parse_orders",
]
