"""The divisions the demo generator works on, as plain rows (no Django)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

CITY_NAME = "中卫市"
PROVINCE_NAME = "宁夏回族自治区"

Point = tuple[float, float]


@dataclass(frozen=True)
class PlaceRow:
    """One division: its 12-digit code, name, level and parent code."""

    code: str
    name: str
    level: str
    parent_code: str | None


def village_short(name: str) -> str:
    """The name as people write it: 南街村委会 → 南街村, 光明居委会 → 光明社区."""
    if name.endswith("村委会"):
        return name[: -len("委会")]
    if name.endswith("居委会"):
        return name[: -len("居委会")] + "社区"
    return name


def is_community(name: str) -> bool:
    """A residents' committee in a town, as opposed to a village committee."""
    return name.endswith(("居委会", "社区"))


def is_special_zone(code: str) -> bool:
    """Township-level units numbered 4xx: farms, parks, reserves, not towns or townships."""
    return code[6:9] >= "400"


@dataclass
class Geography:
    """Counties, townships and villages of one city, with the demo's point for each place."""

    rows: dict[str, PlaceRow]
    points: dict[str, Point] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls, rows: Iterable[PlaceRow], points: dict[str, Point] | None = None
    ) -> Geography:
        """Index rows by code."""
        return cls(rows={r.code: r for r in rows}, points=dict(points or {}))

    def of_level(self, level: str) -> list[PlaceRow]:
        """All places of one level, by code."""
        return sorted((r for r in self.rows.values() if r.level == level), key=lambda r: r.code)

    def children(self, code: str) -> list[PlaceRow]:
        """Places whose parent is this code, by code."""
        return sorted(
            (r for r in self.rows.values() if r.parent_code == code), key=lambda r: r.code
        )

    def county_of(self, code: str) -> PlaceRow:
        """The county a place lies in."""
        return self.rows[code[:6] + "000000"]

    def township_of(self, code: str) -> PlaceRow:
        """The township a village (or township) lies in."""
        return self.rows[code[:9] + "000"]

    def regular_townships(self) -> list[PlaceRow]:
        """Towns and townships, without the special zones (farms, parks, reserves)."""
        return [t for t in self.of_level("township") if not is_special_zone(t.code)]

    def habitable_villages(self) -> list[PlaceRow]:
        """Village-level units where people live and parcels go (no virtual communities)."""
        return [v for v in self.of_level("village") if "虚拟" not in v.name]

    def full_address(self, code: str) -> str:
        """宁夏回族自治区中卫市XX县XX镇XX村, the written form of a place."""
        names = []
        current: PlaceRow | None = self.rows.get(code)
        while current is not None and current.level in {"county", "township", "village"}:
            names.append(
                village_short(current.name) if current.level == "village" else current.name
            )
            current = self.rows.get(current.parent_code or "")
        return PROVINCE_NAME + CITY_NAME + "".join(reversed(names))
