"""Saved column-mapping templates: read any order table whose header we do not know.

Kuaishou (快手小店) has no export header we could confirm, so its files are read
through a template the merchant saves once: which header carries which canonical
field (names in base.CANONICAL_FIELDS), what each status text means, and whether a
row is a whole order or one line. The same template works for any platform's file.

Example (JSON, as stored)::

    {"name": "快手小店订单", "platform": "kuaishou", "one_row_per": "order",
     "columns": {"platform_order_id": "订单号", "paid_amount": "实付款"},
     "status_map": {"交易成功": "completed", "退款中": ""},
     "date_format": "%Y/%m/%d %H:%M"}

A status mapped to "" is a known after-sales text: kept raw, no canonical state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

from youpin.connectors.platforms.base import (
    CANONICAL_FIELDS,
    FIELD_LABELS,
    Layout,
    RowUnit,
    col,
    status_table,
)
from youpin.connectors.records import OrderState

#: The catalog.Platform values (repeated here: connectors import no Django).
PLATFORMS = ("youpin", "taobao", "pinduoduo", "douyin", "jd", "kuaishou", "other")


@dataclass
class ColumnMapping:
    """A merchant's saved template mapping a file's headers to canonical order fields."""

    name: str
    platform: str
    columns: dict[str, str]
    status_map: dict[str, str] = field(default_factory=dict)
    one_row_per: RowUnit = "order"
    date_format: str | None = None

    def problems(self) -> list[str]:
        """What is wrong with the template, in Chinese; empty when it can be used."""
        found: list[str] = []
        if not self.name.strip():
            found.append("模板名称为空")
        if self.platform not in PLATFORMS:
            found.append(f"未知平台「{self.platform}」，可选：{'、'.join(PLATFORMS)}")
        if self.one_row_per not in ("order", "line"):
            found.append("one_row_per 只能是 order（一行一单）或 line（一行一个商品）")
        unknown = [f for f in self.columns if f not in CANONICAL_FIELDS]
        if unknown:
            found.append(f"未知字段：{'、'.join(unknown)}")
        if not self.columns.get("platform_order_id", "").strip():
            found.append(f"必须指定「{FIELD_LABELS['platform_order_id']}」所在的列")
        empty = [f for f, h in self.columns.items() if not str(h).strip()]
        if empty:
            found.append(f"这些字段没有填列名：{'、'.join(empty)}")
        states = {s.value for s in OrderState}
        bad = [raw for raw, state in self.status_map.items() if state and state not in states]
        if bad:
            found.append(f"状态映射的目标无效：{'、'.join(bad)}（可选：{'、'.join(states)}）")
        return found

    def to_layout(self) -> Layout:
        """The template as a Layout the order engine reads; ValueError when it is invalid."""
        problems = self.problems()
        if problems:
            raise ValueError("；".join(problems))
        return Layout(
            name=f"mapping:{self.name}",
            platform=self.platform,
            label=f"列映射模板「{self.name}」",
            kind="orders",
            one_row_per=self.one_row_per,
            columns=tuple(col(f, h) for f, h in self.columns.items()),
            statuses=status_table(
                {
                    raw: OrderState(state) if state else None
                    for raw, state in self.status_map.items()
                }
            ),
            signatures=(frozenset({self.columns["platform_order_id"]}),),
            date_format=self.date_format or None,
        )

    def to_json(self) -> str:
        """The template as JSON text (UTF-8, Chinese kept readable)."""
        return json.dumps(
            {
                "name": self.name,
                "platform": self.platform,
                "columns": self.columns,
                "status_map": self.status_map,
                "one_row_per": self.one_row_per,
                "date_format": self.date_format,
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> ColumnMapping:
        """Read a template saved by to_json; ValueError (in Chinese) when it is not valid."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"列映射模板不是有效的 JSON：{exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("列映射模板必须是一个 JSON 对象")
        columns = data.get("columns")
        status_map = data.get("status_map") or {}
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
        ):
            raise ValueError("columns 必须是 {字段: 列名} 的对象")
        if not isinstance(status_map, dict) or not all(
            isinstance(k, str) and isinstance(v, str | None) for k, v in status_map.items()
        ):
            raise ValueError("status_map 必须是 {原始状态: 标准状态} 的对象")
        date_format = data.get("date_format")
        mapping = cls(
            name=str(data.get("name", "")),
            platform=str(data.get("platform", "")),
            columns=dict(columns),
            status_map={k: v or "" for k, v in cast(dict[str, Any], status_map).items()},
            one_row_per=cast(RowUnit, data.get("one_row_per", "order")),
            date_format=str(date_format) if date_format else None,
        )
        problems = mapping.problems()
        if problems:
            raise ValueError("；".join(problems))
        return mapping
