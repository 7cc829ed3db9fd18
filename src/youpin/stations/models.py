"""The station network: township 兴农 supermarkets, village points, lockers."""

from __future__ import annotations

from django.db import models

from youpin.core.models import TimeStamped
from youpin.geo.models import CoordSource


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


def township_sign_name(city: str, township: str) -> str:
    """The unified sign of a merged township station: 中卫市XX镇电商快递兴农超市."""
    return f"{city}{township}电商快递兴农超市"
