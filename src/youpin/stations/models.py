"""The station network: township 兴农 supermarkets, village points, lockers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from youpin.core.models import TimeStamped, money
from youpin.geo.models import CoordSource, Level
from youpin.stations.hours import hours_normalise
from youpin.stations.settlement_rules import PAID_SERVICES
from youpin.stations.vocabulary import RegistryError, services_clean


class StationKind(models.TextChoices):
    """Kinds of service point the plan names."""

    TOWNSHIP = "township", "乡镇电商快递兴农超市"
    VILLAGE = "village", "村级服务点"
    COMMUNITY = "community", "社区/校园驿站"
    LOCKER = "locker", "智能快递柜"
    EXPERIENCE = "experience", "体验店"


class Station(TimeStamped):
    """A service point that receives and sends parcels for all carriers and sells local products."""

    code = models.SlugField("站点编号", max_length=30, unique=True)
    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=StationKind.choices)
    operator_name = models.CharField("经营者", max_length=120, blank=True)
    place = models.ForeignKey(
        "geo.Place", verbose_name="所在地", on_delete=models.PROTECT, related_name="stations"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    coord_source = models.CharField(
        "坐标来源", max_length=10, choices=CoordSource.choices, default=CoordSource.NONE, blank=True
    )
    opening_hours = models.CharField("营业时间", max_length=60, default="08:00-20:00")
    services = models.JSONField("服务", default=list, blank=True)
    carriers = models.ManyToManyField(
        "logistics.Carrier", verbose_name="合作快递", blank=True, related_name="stations"
    )
    is_active = models.BooleanField("运营中", default=True)
    opened_on = models.DateField("开业日期", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "站点"
        verbose_name_plural = "站点"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Known services, readable hours, coordinates with a source, the township sign."""
        errors = station_field_errors(self)
        if errors:
            raise ValidationError(errors)


def station_field_errors(station: Station) -> dict[str, list[str]]:
    """What a person must correct in a station, by field, in plain Chinese."""
    errors: dict[str, list[str]] = {}
    try:
        station.services = services_clean(station.services or [])
    except RegistryError as exc:
        errors.setdefault("services", []).append(str(exc))
    try:
        station.opening_hours = hours_normalise(station.opening_hours or "")
    except RegistryError as exc:
        errors.setdefault("opening_hours", []).append(str(exc))
    if (station.lon is None) != (station.lat is None):
        errors.setdefault("lon", []).append("经度和纬度须同时填写或同时留空")
    elif station.lon is not None and station.lat is not None:
        if not (73 <= station.lon <= 136 and 3 <= station.lat <= 54):
            errors.setdefault("lon", []).append("坐标不在中国境内，请检查经纬度是否填反")
        if not station.coord_source:
            errors.setdefault("coord_source", []).append("填写坐标时须注明坐标来源")
    if station.kind == StationKind.TOWNSHIP and station.place_id:
        place = station.place
        if place.level != Level.TOWNSHIP:
            errors.setdefault("place", []).append(
                "乡镇兴农超市的所在地须为乡镇（街道）级区划，请选择所在乡镇"
            )
        else:
            city = place.parent.parent if place.parent is not None else None
            sign = township_sign_name(city.name if city is not None else "", place.name)
            if station.name != sign:
                errors.setdefault("name", []).append(f"乡镇兴农超市须使用统一店招名称：{sign}")
    return errors


def township_sign_name(city: str, township: str) -> str:
    """The unified sign of a merged township station: 中卫市XX镇电商快递兴农超市."""
    return f"{city}{township}电商快递兴农超市"


class SettlementService(models.TextChoices):
    """Services a station is paid for per piece (youpin.stations.settlement_rules)."""

    PICKUP = "pickup", PAID_SERVICES["pickup"]
    DOOR = "door", PAID_SERVICES["door"]
    SEND = "send", PAID_SERVICES["send"]


class FeeRule(TimeStamped):
    """A fee per piece a carrier pays a station: carrier (blank = any) × service × weight band."""

    carrier = models.ForeignKey(
        "logistics.Carrier",
        verbose_name="快递公司（空 = 所有）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_fee_rules",
    )
    service = models.CharField("服务", max_length=10, choices=SettlementService.choices)
    weight_min_g = models.PositiveIntegerField("重量下限（克，含）", default=0)
    weight_max_g = models.PositiveIntegerField(
        "重量上限（克，不含；空 = 不限）", null=True, blank=True
    )
    fee = money("每件费用（元）")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期（含；空 = 长期）", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "站点计费规则"
        verbose_name_plural = "站点计费规则"
        ordering = ["service", "carrier", "weight_min_g", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_max_g__isnull=True)
                | Q(weight_max_g__gt=models.F("weight_min_g")),
                name="fee_rule_band_ordered",
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="fee_rule_fee_not_negative"),
        ]

    def __str__(self) -> str:
        who = self.carrier.name if self.carrier_id and self.carrier else "所有快递"
        band = f"{self.weight_min_g}–{self.weight_max_g or '∞'} g"
        return f"{who} · {self.get_service_display()} · {band}"


class Subsidy(TimeStamped):
    """A subsidy per piece of a service, in one county or everywhere."""

    service = models.CharField("服务", max_length=10, choices=SettlementService.choices)
    county = models.ForeignKey(
        "geo.Place",
        verbose_name="县区（空 = 全部）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = money("每件补贴（元）")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期（含；空 = 长期）", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "站点补贴"
        verbose_name_plural = "站点补贴"
        ordering = ["service", "county", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} · {self.amount} 元/件"
