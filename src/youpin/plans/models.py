"""Plans as data: a plan, its targets with unit and yearly path, and hand-entered values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from youpin.core.models import TimeStamped


class Unit(models.TextChoices):
    """What a target counts."""

    CNY = "cny", "元"
    PIECES = "pieces", "件"
    ENTERPRISES = "enterprises", "家"
    STATIONS = "stations", "个"
    CLASSES = "classes", "班次"
    PEOPLE = "people", "人"


#: The unit labels marked for the English catalogue with the context "unit" ("班次" and "个"
#: mean other things elsewhere). The labels stay Chinese (reports and the API carry them);
#: pages show `{% translate t.unit_label context "unit" %}`.
UNIT_LABEL_MESSAGES = (
    pgettext_lazy("unit", "元"),
    pgettext_lazy("unit", "件"),
    pgettext_lazy("unit", "家"),
    pgettext_lazy("unit", "个"),
    pgettext_lazy("unit", "班次"),
    pgettext_lazy("unit", "人"),
)


class Trajectory(models.TextChoices):
    """How a target's yearly values are laid out between the base year and the target year."""

    COMPOUND = "compound", "按年均增长率复合增长"
    LINEAR = "linear", "由基期值线性推进"
    EACH_YEAR = "each_year", "每年均须达到"
    TARGET_ONLY = "target_only", "仅考核目标年"
    EXPLICIT = "explicit", "逐年指定"


class Plan(TimeStamped):
    """A development plan of a region: its years, its source document, its targets."""

    slug = models.SlugField("标识", max_length=60, unique=True)
    name = models.CharField("名称", max_length=200)
    document = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    region_code = models.CharField("所属地区代码（12位）", max_length=12)
    base_year = models.PositiveSmallIntegerField("基期年")
    target_year = models.PositiveSmallIntegerField("目标年")
    source = models.TextField("出处说明", blank=True)
    is_default = models.BooleanField("默认规划（驾驶舱展示）", default=False)

    class Meta:
        verbose_name = "规划"
        verbose_name_plural = "规划"
        ordering = ["-is_default", "-target_year", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("base_year")),
                name="plan_target_after_base",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """One target of a plan: its value by the target year, unit, path and measure."""

    plan = models.ForeignKey(
        Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="targets"
    )
    code = models.CharField("编号", max_length=12)
    name = models.CharField("指标", max_length=120)
    unit = models.CharField("单位", max_length=12, choices=Unit.choices)
    target_value = models.DecimalField("目标值", max_digits=18, decimal_places=2)
    base_value = models.DecimalField(
        "基期值", max_digits=18, decimal_places=2, null=True, blank=True
    )
    annual_growth_pct = models.DecimalField(
        "年均增长率（%）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    trajectory = models.CharField(
        "逐年路径", max_length=12, choices=Trajectory.choices, default=Trajectory.COMPOUND
    )
    measure = models.CharField("度量（注册的计算函数）", max_length=40)
    at_least = models.BooleanField("不少于（超过即达标）", default=True)
    note = models.TextField("说明与出处", blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["plan", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TargetYear(models.Model):
    """An explicit value of a target for one year (trajectory "explicit")."""

    target = models.ForeignKey(
        Target, verbose_name="目标", on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField("年份")
    value = models.DecimalField("目标值", max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = "逐年目标值"
        verbose_name_plural = "逐年目标值"
        ordering = ["target", "year"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="target_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year} {self.value}"


class ManualValue(TimeStamped):
    """A figure the platform holds no data for, entered by an official for a year and region."""

    measure = models.CharField("度量", max_length=40)
    region_code = models.CharField("地区代码（12位）", max_length=12)
    year = models.PositiveSmallIntegerField("年份")
    value = models.DecimalField("数值", max_digits=18, decimal_places=2)
    note = models.CharField("依据（文件、名单等）", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "手工录入值"
        verbose_name_plural = "手工录入值"
        ordering = ["measure", "region_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "region_code", "year"], name="manual_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.region_code} {self.year} {self.value}"

    def clean(self) -> None:
        """Only measures without a data source take hand-entered values (checked in forms)."""
        from django.core.exceptions import ValidationError

        from youpin.plans.measures import MANUAL, REGISTRY_OF_MEASURES

        spec = REGISTRY_OF_MEASURES.get(self.measure)
        if spec is None or spec.source != MANUAL:
            manual = sorted(k for k, v in REGISTRY_OF_MEASURES.items() if v.source == MANUAL)
            raise ValidationError({"measure": f"只能录入这些度量：{', '.join(manual)}"})
        if len(self.region_code) != 12 or not self.region_code.isdigit():
            raise ValidationError({"region_code": "地区代码应为12位数字"})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": "数值不能为负"})
