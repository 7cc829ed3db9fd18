"""The demo's merchants, shops and products, planned from a seed and a scale. Pure (no Django).

The plan holds plain rows with local indexes (0, 1, 2 …); the service adds database id bases.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from youpin.demo.geography import CITY_NAME, Geography, PlaceRow, village_short
from youpin.demo.identifiers import Scrambler, credit_code, person_name, phone
from youpin.demo.vocab import (
    BRAND_FIRST,
    BRAND_SECOND,
    CATEGORY_TOWNSHIPS,
    COMPANIONS,
    COUNTY_CATEGORIES,
    PRODUCTS,
    SEAT_TOWNSHIPS,
    SERVICE_CATEGORIES,
    TRADES,
)

COUNTY_SHARES = {"640502": 0.42, "640521": 0.40, "640522": 0.18}
KIND_SHARES = {"cooperative": 0.35, "firm": 0.22, "farmer": 0.20, "shop": 0.13, "host": 0.10}
KIND_WEIGHT = {"cooperative": 1.2, "firm": 2.5, "farmer": 0.4, "shop": 0.6, "host": 2.0}
PLATFORM_SHARES = {
    "taobao": 26,
    "pinduoduo": 22,
    "douyin": 22,
    "youpin": 12,
    "jd": 8,
    "kuaishou": 10,
}
SERVICE_PLATFORMS = ("youpin", "douyin", "taobao", "kuaishou")
# Where outside-registered sellers are registered: (city, admin code).
OUTSIDE_SEATS = (("银川", "640106"), ("西安", "610113"), ("杭州", "330106"), ("广州", "440106"))
SHOP_ID_WIDTH = {"taobao": 9, "pinduoduo": 9, "douyin": 8, "youpin": 5, "jd": 8, "kuaishou": 10}
CHEAP_CARRIERS = ("zto", "yto", "yunda", "jtexpress", "sto", "post")


@dataclass(frozen=True)
class MerchantPlan:
    """A merchant to create, with its main category and its share of the orders."""

    idx: int
    name: str
    kind: str
    credit_code: str
    place_code: str
    registered_locally: bool
    contact_name: str
    contact_phone: str
    main_category: str
    brand: str
    weight: float
    carriers: tuple[str, ...]


@dataclass(frozen=True)
class ShopPlan:
    """A merchant's shop on one platform."""

    idx: int
    merchant_idx: int
    platform: str
    platform_shop_id: str
    name: str
    weight: float


@dataclass(frozen=True)
class ProductPlan:
    """A product to create; `popularity` weighs it among its merchant's products."""

    idx: int
    merchant_idx: int
    category: str
    name: str
    sku: str
    price_cents: int
    weight_g: int
    origin_code: str | None
    cold_chain: bool
    brand_licensed: bool
    popularity: float


@dataclass(frozen=True)
class CatalogPlan:
    """Every merchant, shop and product of the demo; merchant 0 is the demo merchant's login."""

    merchants: tuple[MerchantPlan, ...]
    shops: tuple[ShopPlan, ...]
    products: tuple[ProductPlan, ...]


def merchant_count(scale: float) -> int:
    """How many merchants a scale gets: 300 at scale 1, fewer and more sublinearly, 24 to 600."""
    return max(24, min(600, round(300 * math.sqrt(scale))))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """One key drawn by weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _brand(rng: random.Random) -> str:
    """A two-character synthetic brand word."""
    return rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)


def _townships_for(geo: Geography, county: str, category: str, kind: str) -> list[PlaceRow]:
    """Townships of a county where a merchant of this kind and category would sit."""
    regular = [t for t in geo.regular_townships() if t.code.startswith(county)]
    wanted = CATEGORY_TOWNSHIPS.get(category)
    if kind in {"firm", "shop"} and category not in SERVICE_CATEGORIES:
        wanted = SEAT_TOWNSHIPS
    if wanted:
        every = [t for t in geo.of_level("township") if t.code.startswith(county)]
        picked = [t for t in every if t.name in wanted]
        if picked:
            return picked
    return regular


class _CatalogBuilder:
    """Builds the catalogue plan step by step from one random generator."""

    def __init__(self, geo: Geography, seed: int, scale: float) -> None:
        """Start an empty plan."""
        self.geo = geo
        self.rng = random.Random(f"youpin-demo:{seed}:{scale}:catalog")
        self.names: set[str] = set()
        self.merchants: list[MerchantPlan] = []
        self.shops: list[ShopPlan] = []
        self.products: list[ProductPlan] = []
        self.shop_ids = {p: Scrambler(w, self.rng) for p, w in SHOP_ID_WIDTH.items()}
        self.shop_serial = dict.fromkeys(SHOP_ID_WIDTH, 0)

    def build(self, count: int) -> CatalogPlan:
        """Plan `count` merchants with their shops and products."""
        for idx in range(count):
            self._merchant(idx)
        return CatalogPlan(tuple(self.merchants), tuple(self.shops), tuple(self.products))

    def _unique(self, prefix: str, trade: str, brand: str) -> str:
        """Name a merchant `prefix + trade`, adding the brand (then a number) if that is taken."""
        candidates = [prefix + trade, prefix + brand + trade]
        candidates += [f"{prefix}{brand}{n}号{trade}" for n in range(2, 100)]
        for candidate in candidates:
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
        raise RuntimeError(f"cannot name merchant {prefix}{trade}")

    def _merchant(self, idx: int) -> None:
        """Plan one merchant, its shops and its products."""
        rng = self.rng
        if idx == 0:  # the demo login: a goji cooperative in 中宁县
            county, kind, category = "640521", "cooperative", "goji"
        else:
            county = _weighted(rng, COUNTY_SHARES)
            kind = _weighted(rng, KIND_SHARES)
            category = _weighted(rng, COUNTY_CATEGORIES[county])
            if category in SERVICE_CATEGORIES and kind not in {"firm", "cooperative"}:
                kind = "firm"
            elif category == "daily-goods" and kind in {"cooperative", "farmer"}:
                kind = "shop"
        township = rng.choice(_townships_for(self.geo, county, category, kind))
        villages = [v for v in self.geo.children(township.code) if "虚拟" not in v.name]
        rural = [v for v in villages if v.name.endswith(("村", "村委会"))] or villages
        place = rng.choice(rural) if kind in {"cooperative", "farmer"} and rural else township
        brand = _brand(rng)
        name, locally, admin = self._name(kind, category, county, township, place, brand)
        contact = person_name(rng)
        weight = min(30.0, rng.paretovariate(1.3)) * KIND_WEIGHT[kind]
        if idx == 0:
            weight = max(weight, 12.0)
        carriers = (*rng.sample(CHEAP_CARRIERS, 2), "sf")
        uscc_kind = {"cooperative": "93", "farmer": "92", "shop": "92", "host": "92"}.get(
            kind, "91"
        )
        merchant = MerchantPlan(
            idx=idx,
            name=name,
            kind=kind,
            credit_code=credit_code(rng, admin, uscc_kind),
            place_code=place.code,
            registered_locally=locally,
            contact_name=contact,
            contact_phone=phone(rng),
            main_category=category,
            brand=brand if kind in {"firm", "shop", "host"} else village_short(place.name),
            weight=weight,
            carriers=carriers,
        )
        self.merchants.append(merchant)
        self._shops(merchant)
        self._products(merchant)

    def _name(
        self, kind: str, category: str, county: str, township: PlaceRow, place: PlaceRow, brand: str
    ) -> tuple[str, bool, str]:
        """A realistic merchant name, whether it is registered locally, and its admin code."""
        rng = self.rng
        county_name = self.geo.county_of(township.code).name
        coop_trade, firm_trade = TRADES[category]
        admin = county
        locally = True
        if kind == "cooperative":
            prefix, trade = f"{county_name}{township.name}{village_short(place.name)}", coop_trade
        elif kind == "farmer":
            prefix, trade = (
                f"{township.name}{village_short(place.name)}{person_name(rng)}",
                "家庭农场",
            )
        elif kind == "shop":
            prefix, trade = rng.choice(
                [(township.name, "特产店"), (CITY_NAME, "土特产商行"), (county_name, "便民超市")]
            )
        elif kind == "host":
            prefix, trade = rng.choice([(CITY_NAME, "电商工作室"), (county_name, "直播工作室")])
        elif rng.random() < 0.08:
            prefix, admin = rng.choice(OUTSIDE_SEATS)
            trade, locally = "电子商务有限公司", False
        else:
            prefix, trade = rng.choice(["宁夏", CITY_NAME, county_name]), firm_trade
        if kind in {"shop", "host", "firm"}:
            prefix += brand
            brand = self.rng.choice(BRAND_FIRST) + self.rng.choice(BRAND_SECOND)
        return self._unique(prefix, trade, brand), locally, admin

    def _shops(self, merchant: MerchantPlan) -> None:
        """One to three shops on different platforms, sharing the merchant's weight."""
        rng = self.rng
        shares = dict(PLATFORM_SHARES)
        if merchant.main_category in SERVICE_CATEGORIES:
            shares = {p: w for p, w in shares.items() if p in SERVICE_PLATFORMS}
        if merchant.kind in {"cooperative", "farmer"}:
            shares["youpin"] *= 2
        if merchant.kind == "host":
            shares["douyin"] *= 4
            shares["kuaishou"] *= 3
        count = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        if merchant.idx == 0:
            count = 3
            shares["youpin"] *= 100
        platforms: list[str] = []
        while len(platforms) < min(count, len(shares)):
            p = _weighted(rng, {k: v for k, v in shares.items() if k not in platforms})
            platforms.append(p)
        splits = [rng.uniform(0.5, 1.5) for _ in platforms]
        for platform, split in zip(platforms, splits, strict=True):
            serial = self.shop_serial[platform]
            self.shop_serial[platform] += 1
            shop_id = self.shop_ids[platform](serial)
            if platform == "youpin":
                shop_id = "YP" + shop_id
            self.shops.append(
                ShopPlan(
                    idx=len(self.shops),
                    merchant_idx=merchant.idx,
                    platform=platform,
                    platform_shop_id=shop_id,
                    name=self._shop_name(merchant, platform),
                    weight=merchant.weight * split / sum(splits),
                )
            )

    def _shop_name(self, merchant: MerchantPlan, platform: str) -> str:
        """What a shop is called on its platform."""
        if platform == "youpin":
            return merchant.name
        suffix = {
            "taobao": ("旗舰店", "农产品店", "特产店"),
            "pinduoduo": ("特产专营店", "农场直发店", "源头工厂店"),
            "douyin": ("官方旗舰店", "的小店", "好物店"),
            "jd": ("旗舰店", "官方店"),
            "kuaishou": ("的小店", "源头好货"),
        }[platform]
        return f"{merchant.brand}{self.rng.choice(suffix)}"

    def _products(self, merchant: MerchantPlan) -> None:
        """Two to four products of the main category, and up to two of companion categories."""
        rng = self.rng
        main = PRODUCTS[merchant.main_category]
        picks = [
            (merchant.main_category, t) for t in rng.sample(main, min(len(main), rng.randint(2, 4)))
        ]
        companions = COMPANIONS[merchant.main_category]
        for category in rng.sample(companions, min(len(companions), rng.randint(0, 2))):
            picks.append((category, rng.choice(PRODUCTS[category])))
        for n, (category, template) in enumerate(picks, start=1):
            price = rng.randint(template.price_min, template.price_max) * 100
            if template.price_max > template.price_min and rng.random() < 0.5:
                price -= 10
            farm = category not in SERVICE_CATEGORIES | {"daily-goods", "clothing"}
            self.products.append(
                ProductPlan(
                    idx=len(self.products),
                    merchant_idx=merchant.idx,
                    category=category,
                    name=f"{merchant.brand} {template.title}",
                    sku=f"ZW{merchant.idx:04d}-{n:02d}",
                    price_cents=price,
                    weight_g=round(template.weight_g * rng.uniform(0.95, 1.05)),
                    origin_code=merchant.place_code if farm else None,
                    cold_chain=template.cold_chain,
                    brand_licensed=farm and merchant.registered_locally and rng.random() < 0.25,
                    popularity=rng.uniform(0.3, 1.5) * (1.6 if n == 1 else 1.0),
                )
            )


def catalog_plan(geo: Geography, *, seed: int, scale: float) -> CatalogPlan:
    """Plan the merchants, shops and products for a seed and scale."""
    return _CatalogBuilder(geo, seed, scale).build(merchant_count(scale))
