"""Zhongwei's local product categories, pure data; `catalog.services.categories_sync()` writes them.

Farm products are what the plan's statistics call 农产品 (fresh and primary-processed
produce); wine, manufactured goods and services are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategorySpec:
    """One category: slug, Chinese name, and whether it is a farm product or a service."""

    slug: str
    name: str
    is_farm_product: bool = False
    is_service: bool = False


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("goji", "中宁枸杞", is_farm_product=True),
    CategorySpec("selenium-melon", "香山硒砂瓜", is_farm_product=True),
    CategorySpec("apple", "中卫苹果", is_farm_product=True),
    CategorySpec("jujube", "红枣", is_farm_product=True),
    CategorySpec("grains", "小杂粮", is_farm_product=True),
    CategorySpec("tan-lamb", "滩羊肉", is_farm_product=True),
    CategorySpec("honey", "蜂蜜", is_farm_product=True),
    CategorySpec("processed-food", "加工食品", is_farm_product=True),
    CategorySpec("desert-wine", "沙漠葡萄酒"),
    CategorySpec("daily-goods", "日用百货"),
    CategorySpec("clothing", "服装"),
    CategorySpec("handicraft", "手工艺品"),
    CategorySpec("scenic-ticket", "沙坡头景区门票", is_service=True),
    CategorySpec("travel-route", "旅游线路", is_service=True),
)

CATEGORY_SLUGS: tuple[str, ...] = tuple(c.slug for c in CATEGORIES)
