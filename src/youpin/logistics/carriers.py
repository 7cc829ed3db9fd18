"""The express carriers serving Zhongwei, with their codes in the aggregators' schemes.

Pure data, no Django: `logistics.services.carriers_sync()` writes it into `Carrier`.

The waybill patterns are the shapes commonly seen on these carriers' labels, not
published specifications: carriers change and extend their number ranges. Importers
therefore accept a waybill that matches no pattern and only warn about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class CarrierSpec:
    """A carrier: our code, Chinese name, Kuaidi100 and Kdniao codes, and its waybill shape."""

    code: str
    name: str
    kuaidi100_code: str
    kdniao_code: str
    waybill_pattern: str


CARRIERS: tuple[CarrierSpec, ...] = (
    # 邮政快递包裹: 13 digits, mostly 97…/98…/99….
    CarrierSpec("post", "邮政快递包裹", "youzhengguonei", "YZPY", r"^9[0-9]\d{11}$"),
    # EMS: 13 digits starting 1, or the UPU shape (two letters, 9 digits, CN).
    CarrierSpec("ems", "EMS", "ems", "EMS", r"^(?:1[01]\d{11}|[A-Z]{2}\d{9}CN)$"),
    # 顺丰: SF followed by 12 or 13 digits.
    CarrierSpec("sf", "顺丰速运", "shunfeng", "SF", r"^SF\d{12,13}$"),
    # 中通: 12 to 15 digits, mostly 73…/75…/76…/78….
    CarrierSpec("zto", "中通快递", "zhongtong", "ZTO", r"^7[3568]\d{10,13}$"),
    # 圆通: YT followed by 13 digits.
    CarrierSpec("yto", "圆通速递", "yuantong", "YTO", r"^YT\d{13}$"),
    # 申通: 13 or 15 digits starting 77/88/66/55.
    CarrierSpec("sto", "申通快递", "shentong", "STO", r"^(?:77|88|66|55)\d{11}(?:\d{2})?$"),
    # 韵达: 13 or 15 digits starting 31/43/46.
    CarrierSpec("yunda", "韵达快递", "yunda", "YD", r"^(?:31|43|46)\d{11}(?:\d{2})?$"),
    # 极兔: JT followed by 13 digits.
    CarrierSpec("jtexpress", "极兔速递", "jtexpress", "JTSD", r"^JT\d{13}$"),
    # 京东: JD followed by 13 to 15 letters and digits.
    CarrierSpec("jd", "京东快递", "jd", "JD", r"^JD[0-9A-Z]{13,15}$"),
)

CARRIER_CODES: tuple[str, ...] = tuple(c.code for c in CARRIERS)


def carrier_spec(code: str) -> CarrierSpec:
    """The reference entry of a carrier by our code; KeyError when unknown."""
    for spec in CARRIERS:
        if spec.code == code:
            return spec
    raise KeyError(code)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compile a waybill pattern once."""
    return re.compile(pattern)


def waybill_matches(code: str, waybill_no: str) -> bool:
    """True when a waybill number has a shape commonly seen for this carrier."""
    return bool(_compiled(carrier_spec(code).waybill_pattern).match(waybill_no.strip().upper()))
