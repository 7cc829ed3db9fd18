"""A small hand-built station world in real Zhongwei places, shared by the stations tests."""

from __future__ import annotations

from dataclasses import dataclass

from youpin.logistics.models import Carrier
from youpin.stations.models import Station, StationKind
from youpin.testing.factories import CarrierFactory, StationFactory, place

HAICHENG = "640522100000"  # 海城镇, 海原县: eight 村委会, 640522100203 … 640522100210
SHANMEN, SHUIWA, DUANYUAN, GAOTAI = (
    "640522100203",
    "640522100204",
    "640522100205",
    "640522100206",
)
FENGHUANG = "640522104001"  # 凤凰居委会, 三河镇: a community, not an administrative village
XINGREN_VILLAGE = "640502109200"  # 兴仁村委会, 沙坡头区


@dataclass
class World:
    """The stations and carriers of the hand-built world."""

    township: Station
    shanmen: Station
    shuiwa: Station
    duanyuan_closed: Station
    gaotai_point: Station
    gaotai_locker: Station
    fenghuang: Station
    xingren: Station
    zto: Carrier
    yto: Carrier


def build_world() -> World:
    """Haicheng: 3 of 8 villages covered (Gaotai twice, Duanyuan's point closed), one community.

    沙坡头区: one village point in 兴仁村. Hand count, 海原县: 3 villages covered; 海城镇 3 of 8.
    """

    def at(code: str, kind: str, **kw: object) -> Station:
        return StationFactory(place=place(code), kind=kind, **kw)

    return World(
        township=at(HAICHENG, StationKind.TOWNSHIP, name="中卫市海城镇电商快递兴农超市"),
        shanmen=at(SHANMEN, StationKind.VILLAGE),
        shuiwa=at(SHUIWA, StationKind.VILLAGE),
        duanyuan_closed=at(DUANYUAN, StationKind.VILLAGE, is_active=False),
        gaotai_point=at(GAOTAI, StationKind.VILLAGE),
        gaotai_locker=at(GAOTAI, StationKind.LOCKER),
        fenghuang=at(FENGHUANG, StationKind.COMMUNITY),
        xingren=at(XINGREN_VILLAGE, StationKind.VILLAGE),
        zto=CarrierFactory(code="zto", name="中通快递"),
        yto=CarrierFactory(code="yto", name="圆通速递"),
    )
