"""Reading a plan file (JSON) and writing it into the plan tables, idempotently."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

DEFAULT_PLAN_FILE = Path(__file__).parent / "data" / "zhongwei-2021.json"
_TRAJECTORIES = {"compound", "linear", "each_year", "target_only", "explicit"}
_UNITS = {"cny", "pieces", "enterprises", "stations", "classes", "people"}


def read_plan(path: Path = DEFAULT_PLAN_FILE) -> dict[str, Any]:
    """A plan file's content, checked; a ValueError says what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"无法读取规划文件 {path}：{exc}") from exc
    check_plan(data)
    return dict(data)


def _decimal(value: Any, what: str) -> Decimal:
    """A decimal from a JSON string or number."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} 不是数字：{value!r}") from None


def check_plan(data: Mapping[str, Any]) -> None:
    """Refuse a plan whose fields are missing or inconsistent, naming the field."""
    for key in ("slug", "name", "region_code", "base_year", "target_year", "targets"):
        if key not in data:
            raise ValueError(f"规划缺少字段：{key}")
    if int(data["target_year"]) <= int(data["base_year"]):
        raise ValueError("目标年应晚于基期年")
    codes = set()
    for target in data["targets"]:
        for key in ("code", "name", "unit", "target_value", "trajectory", "measure"):
            if key not in target:
                raise ValueError(f"目标 {target.get('code', '?')} 缺少字段：{key}")
        if target["code"] in codes:
            raise ValueError(f"目标编号重复：{target['code']}")
        codes.add(target["code"])
        if target["unit"] not in _UNITS:
            raise ValueError(f"目标 {target['code']} 的单位未知：{target['unit']}")
        if target["trajectory"] not in _TRAJECTORIES:
            raise ValueError(f"目标 {target['code']} 的路径类型未知：{target['trajectory']}")
        _decimal(target["target_value"], f"目标 {target['code']} 的目标值")


def write_plan(data: Mapping[str, Any], plan_model: Any, target_model: Any, year_model: Any) -> Any:
    """Upsert a plan and its targets (by slug and code) with the given model classes.

    Model classes are passed in so a data migration can use its historical models. Targets
    the file does not name are left alone; explicit yearly values are replaced by the file's.
    """
    plan, _ = plan_model.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "document": data.get("document", ""),
            "issued_on": date.fromisoformat(data["issued_on"]) if data.get("issued_on") else None,
            "region_code": data["region_code"],
            "base_year": int(data["base_year"]),
            "target_year": int(data["target_year"]),
            "source": data.get("source", ""),
            "is_default": bool(data.get("is_default", False)),
        },
    )
    if plan.is_default:
        plan_model.objects.exclude(pk=plan.pk).filter(is_default=True).update(is_default=False)
    for position, t in enumerate(data["targets"]):
        optional = {
            k: _decimal(t[k], k) if t.get(k) is not None else None
            for k in ("base_value", "annual_growth_pct")
        }
        target, _ = target_model.objects.update_or_create(
            plan=plan,
            code=t["code"],
            defaults={
                "name": t["name"],
                "unit": t["unit"],
                "target_value": _decimal(t["target_value"], "target_value"),
                "trajectory": t["trajectory"],
                "measure": t["measure"],
                "at_least": bool(t.get("at_least", True)),
                "note": t.get("note", ""),
                "position": position,
                **optional,
            },
        )
        if "years" in t:
            year_model.objects.filter(target=target).delete()
            year_model.objects.bulk_create(
                year_model(target=target, year=int(y), value=_decimal(v, f"{y}"))
                for y, v in t["years"].items()
            )
    return plan
