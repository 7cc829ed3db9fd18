"""Places: the NBS administrative divisions, down to the village."""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    """Levels of the NBS division hierarchy."""

    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县/区"
    TOWNSHIP = "township", "乡/镇"
    VILLAGE = "village", "村/社区"


LEVEL_DEPTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


class CoordSource(models.TextChoices):
    """Where a coordinate came from."""

    NONE = "", "无坐标"
    SYNTHETIC = "synthetic", "合成（演示）"
    SURVEYED = "surveyed", "实地登记"
    CENTROID = "centroid", "多边形中心"


class Place(models.Model):
    """An administrative division under its 12-digit NBS code."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    coord_source = models.CharField(
        "坐标来源", max_length=10, choices=CoordSource.choices, default=CoordSource.NONE, blank=True
    )
    boundary = models.JSONField("边界（GeoJSON 几何）", null=True, blank=True)
    source = models.CharField("数据来源", max_length=120, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        """The significant digits of the code: every place inside starts with them."""
        return self.code[: LEVEL_DEPTH[Level(self.level)]]

    @property
    def has_synthetic_coords(self) -> bool:
        """True when the coordinates were invented for the demo."""
        return self.coord_source == CoordSource.SYNTHETIC
