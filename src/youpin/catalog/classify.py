"""Goods or service: classing an order line by its catalogue category, else by title rules. Pure.

The catalogue category decides when the line matched a product (`Category.is_service`); a
line without a product is classed by the first title rule (lowest priority number, then the
longest word) whose word occurs in its title; with no rule matching it stays unknown. The
statistics never guess beyond these rules (docs/TRUST.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GOODS, SERVICE, UNKNOWN = "goods", "service", "unknown"


@dataclass(frozen=True)
class Rule:
    """A title word and the class it gives."""

    word: str
    item_class: str
    priority: int = 100


# The rules seeded by the catalogue's data migration: words that mark services (tickets,
# tours, catering vouchers, virtual goods) in Chinese shop titles. Source: the list
# of services and the reference note on 电商+旅游 (../shared/reference/statistics.md).
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("门票", SERVICE, 10),
    Rule("景区", SERVICE, 20),
    Rule("一日游", SERVICE, 10),
    Rule("旅游线路", SERVICE, 10),
    Rule("跟团游", SERVICE, 10),
    Rule("住宿", SERVICE, 20),
    Rule("民宿", SERVICE, 20),
    Rule("餐饮券", SERVICE, 10),
    Rule("代金券", SERVICE, 10),
    Rule("电子券", SERVICE, 10),
    Rule("充值", SERVICE, 10),
    Rule("话费", SERVICE, 10),
    Rule("会员卡", SERVICE, 20),
    Rule("虚拟", SERVICE, 20),
    Rule("课程", SERVICE, 30),
)


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Rules in the order they are tried: priority, then longer words first, then the word."""
    return sorted(rules, key=lambda r: (r.priority, -len(r.word), r.word))


def class_by_title(title: str, rules: Iterable[Rule]) -> str:
    """The class the first matching title rule gives, or unknown."""
    text = title or ""
    for rule in ordered(rules):
        if rule.word and rule.word in text:
            return rule.item_class
    return UNKNOWN


def classify_line(is_service: bool | None, title: str, rules: Iterable[Rule]) -> str:
    """Class one line: by its category when it has one (`is_service` not None), else by title."""
    if is_service is not None:
        return SERVICE if is_service else GOODS
    return class_by_title(title, rules)
