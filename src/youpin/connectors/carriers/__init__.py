"""Tracking connectors: carrier and aggregator payloads in, canonical tracking events out.

One module per provider (`kuaidi100`, `kdniao`, `wechat`, `csv_generic`), each with its
status table as a constant; `codes` holds what they share; `parse.parse_tracking` is
the single entry point. Pure: no Django, no network, no database.
"""

from youpin.connectors.carriers.codes import (
    DEFAULT_CARRIER_CODES,
    CarrierCodeTable,
    ParcelMeta,
    TrackingCounts,
    scan_text,
    status_from_text,
)
from youpin.connectors.carriers.csv_generic import TrackingColumnMapping, guess_mapping
from youpin.connectors.carriers.kdniao import kdniao_reply, kdniao_sign, verify_kdniao_sign
from youpin.connectors.carriers.kuaidi100 import (
    kuaidi100_reply,
    kuaidi100_sign,
    verify_kuaidi100_sign,
)
from youpin.connectors.carriers.parse import (
    PROVIDERS,
    TrackingParseResult,
    decode_payload,
    detect_provider,
    parse_tracking,
)
from youpin.connectors.carriers.wechat import wechat_reply

__all__ = [
    "DEFAULT_CARRIER_CODES",
    "PROVIDERS",
    "CarrierCodeTable",
    "ParcelMeta",
    "TrackingColumnMapping",
    "TrackingCounts",
    "TrackingParseResult",
    "decode_payload",
    "detect_provider",
    "guess_mapping",
    "kdniao_reply",
    "kdniao_sign",
    "kuaidi100_reply",
    "kuaidi100_sign",
    "parse_tracking",
    "scan_text",
    "status_from_text",
    "verify_kdniao_sign",
    "verify_kuaidi100_sign",
    "wechat_reply",
]
