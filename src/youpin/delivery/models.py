"""Joint delivery: county hubs, the fleet and drivers, bus and freight lines, daily plans."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from youpin.core.models import TimeStamped, money
from youpin.geo.models import CoordSource

DAYS_HELP = "运行的星期几，1=周一 … 7=周日，如 12345 表示工作日"


def days_clean(text: str) -> str:
    """Weekdays as sorted distinct digits 1–7; a clear error otherwise."""
    digits = sorted(set(text.replace(",", "").replace(" ", "")))
    if not digits or any(d not in "1234567" for d in digits):
        raise ValidationError("星期须写成 1–7 的数字，如 12345（周一至周五）或 1234567（每天）")
    return "".join(digits)


def departures_clean(text: str) -> str:
    """Departure times as sorted "HH:MM" separated by commas; a clear error otherwise."""
    out = []
    for part in text.replace("，", ",").split(","):
        piece = part.strip()
        if not piece:
            continue
        try:
            hh, mm = piece.split(":")
            out.append(time(int(hh), int(mm)))
        except ValueError as exc:
            raise ValidationError(f"发车时刻“{piece}”无效，应写成 HH:MM，多个用逗号分隔") from exc
    if not out:
        raise ValidationError("请至少填写一个发车时刻，如 08:30")
    return ",".join(f"{t:%H:%M}" for t in sorted(set(out)))


class Hub(TimeStamped):
    """A county sorting hub (共配中心): where every carrier's parcels for the county meet."""

    name = models.CharField("名称", max_length=120)
    county = models.ForeignKey(
        "geo.Place", verbose_name="县区", on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "geo.Place",
        verbose_name="所在地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    coord_source = models.CharField(
        "坐标来源", max_length=10, choices=CoordSource.choices, default=CoordSource.SURVEYED
    )
    opening_time = models.TimeField("开门时间", default=time(7, 0))
    closing_time = models.TimeField("关门时间", default=time(20, 0))
    is_active = models.BooleanField("运营中", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "县级共配中心"
        verbose_name_plural = "县级共配中心"
        ordering = ["county", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The county is a county; the day ends after it starts."""
        if self.county_id and self.county.level != "county":
            raise ValidationError({"county": "请选择县（区）级区划"})
        if self.closing_time <= self.opening_time:
            raise ValidationError({"closing_time": "关门时间须晚于开门时间"})


class Vehicle(TimeStamped):
    """A van or truck of the joint fleet, based at a hub."""

    plate = models.CharField("车牌号", max_length=16, unique=True)
    hub = models.ForeignKey(
        Hub, verbose_name="所属中心", on_delete=models.CASCADE, related_name="vehicles"
    )
    capacity_kg = models.PositiveIntegerField("载重（千克）")
    capacity_m3 = models.DecimalField("容积（立方米）", max_digits=6, decimal_places=2)
    fixed_cost = money("每日固定成本（元）")
    cost_per_km = models.DecimalField("每公里成本（元）", max_digits=8, decimal_places=2)
    cost_per_hour = models.DecimalField(
        "每小时成本（元，司机工资等）", max_digits=8, decimal_places=2, default=0
    )
    speed_kmh = models.PositiveSmallIntegerField("平均车速（公里/小时）", default=40)
    shift_hours = models.DecimalField("最长班次（小时）", max_digits=4, decimal_places=1, default=9)
    electric_range_km = models.PositiveIntegerField(
        "续航里程（公里，电动车填写）", null=True, blank=True
    )
    consumption_per_100km = models.DecimalField(
        "百公里能耗（燃油车：升柴油；电动车：千瓦时）", max_digits=6, decimal_places=1, default=10
    )
    cold_chain = models.BooleanField("冷链车", default=False)
    is_active = models.BooleanField("可用", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "车辆"
        verbose_name_plural = "车辆"
        ordering = ["hub", "plate"]
        constraints = [
            models.CheckConstraint(condition=Q(speed_kmh__gt=0), name="vehicle_speed_positive"),
        ]

    def __str__(self) -> str:
        return self.plate

    @property
    def is_electric(self) -> bool:
        """An electric vehicle is one with a range."""
        return self.electric_range_km is not None


class Driver(TimeStamped):
    """A driver of the joint fleet; the phone is masked wherever it is shown."""

    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机号", max_length=20, blank=True)
    hub = models.ForeignKey(
        Hub, verbose_name="所属中心", on_delete=models.CASCADE, related_name="drivers"
    )
    vehicle = models.OneToOneField(
        Vehicle,
        verbose_name="常驾车辆",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="driver",
    )
    is_active = models.BooleanField("在岗", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "司机"
        verbose_name_plural = "司机"
        ordering = ["hub", "name"]

    def __str__(self) -> str:
        return self.name


class Timetable(models.Model):
    """Days of the week and departure times of a line."""

    days_of_week = models.CharField("运行日", max_length=7, default="1234567", help_text=DAYS_HELP)
    departures = models.CharField(
        "发车时刻", max_length=200, default="08:30", help_text="HH:MM，多个用逗号分隔"
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        """Normalise the weekdays and departure times."""
        errors = {}
        try:
            self.days_of_week = days_clean(self.days_of_week)
        except ValidationError as exc:
            errors["days_of_week"] = exc.messages
        try:
            self.departures = departures_clean(self.departures)
        except ValidationError as exc:
            errors["departures"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def runs_on(self, isoweekday: int) -> bool:
        """Whether the line runs on that day of the week (1 = Monday)."""
        return str(isoweekday) in self.days_of_week

    def departure_times(self) -> list[time]:
        """The departure times in order."""
        return [time.fromisoformat(t) for t in departures_clean(self.departures).split(",")]


class BusLine(Timetable):
    """A passenger bus line (城乡客运) that carries parcels in its hold (客货邮融合)."""

    name = models.CharField("线路名称", max_length=120)
    operator_name = models.CharField("客运企业", max_length=120, blank=True)
    hub = models.ForeignKey(
        Hub, verbose_name="始发中心", on_delete=models.CASCADE, related_name="bus_lines"
    )
    parcel_capacity_kg = models.PositiveIntegerField("每班次带货载重（千克）")
    parcel_capacity_m3 = models.DecimalField(
        "每班次带货容积（立方米）", max_digits=6, decimal_places=2
    )
    is_active = models.BooleanField("运营中", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "客运班线（带货）"
        verbose_name_plural = "客运班线（带货）"
        ordering = ["hub", "name"]

    def __str__(self) -> str:
        return self.name


class LineStop(models.Model):
    """A station on a line (bus or freight), minutes after each departure; `line` is the
    subclass's own foreign key."""

    seq = models.PositiveSmallIntegerField("顺序")
    station = models.ForeignKey(
        "stations.Station", verbose_name="站点", on_delete=models.CASCADE, related_name="+"
    )
    minutes_after_departure = models.PositiveSmallIntegerField("发车后分钟")

    class Meta:
        abstract = True
        verbose_name = "班线停靠站"
        verbose_name_plural = "班线停靠站"
        ordering = ["line", "seq"]

    def __str__(self) -> str:
        return f"{self.line_id}#{self.seq}"  # type: ignore[attr-defined]


class BusLineStop(LineStop):
    """A stop of a bus line, minutes after each departure."""

    line = models.ForeignKey(
        BusLine, verbose_name="班线", on_delete=models.CASCADE, related_name="stops"
    )

    class Meta(LineStop.Meta):
        constraints = [
            models.UniqueConstraint(fields=["line", "seq"], name="bus_stop_unique_seq"),
        ]


class FreightLine(Timetable):
    """A rural freight line (定时、定点、定线): stations in order, run by a vehicle or a bus.

    Parcels for a station on a line running that day ride the line, up to its capacity per
    departure (the vehicle's, or the bus line's parcel capacity); the rest go to the vans.
    A vehicle that runs a line that day is not available to the vans.
    """

    name = models.CharField("线路名称", max_length=120)
    hub = models.ForeignKey(
        Hub, verbose_name="始发中心", on_delete=models.CASCADE, related_name="freight_lines"
    )
    vehicle = models.ForeignKey(
        Vehicle,
        verbose_name="执行车辆",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="freight_lines",
    )
    bus_line = models.ForeignKey(
        BusLine,
        verbose_name="搭载客运班线",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="freight_lines",
    )
    is_active = models.BooleanField("运营中", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "农村物流班线"
        verbose_name_plural = "农村物流班线"
        ordering = ["hub", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Weekdays and times readable; exactly one of a vehicle and a bus line."""
        super().clean()
        if (self.vehicle_id is None) == (self.bus_line_id is None):
            raise ValidationError("请选择执行车辆或搭载的客运班线（二选一）")


class FreightLineStop(LineStop):
    """A station on a freight line, minutes after each departure."""

    line = models.ForeignKey(
        FreightLine, verbose_name="班线", on_delete=models.CASCADE, related_name="stops"
    )

    class Meta(LineStop.Meta):
        constraints = [
            models.UniqueConstraint(fields=["line", "seq"], name="freight_stop_unique_seq"),
        ]


class DeliveryPlan(TimeStamped):
    """One hub's joint-delivery plan for one day (re-planning the day replaces it)."""

    hub = models.ForeignKey(
        Hub, verbose_name="共配中心", on_delete=models.CASCADE, related_name="plans"
    )
    day = models.DateField("日期")
    cutoff = models.DateTimeField("截单时间")
    seconds = models.FloatField("求解时限（秒）")
    seed = models.IntegerField("随机种子")
    solver = models.CharField("求解器", max_length=40)
    distance_source = models.CharField("距离来源", max_length=40)
    parcels_total = models.PositiveIntegerField("包裹总数", default=0)
    parcels_routed = models.PositiveIntegerField("车辆配送/揽收", default=0)
    parcels_on_lines = models.PositiveIntegerField("班线搭载", default=0)
    parcels_unplanned = models.PositiveIntegerField("未能计划", default=0)
    vehicles_used = models.PositiveSmallIntegerField("用车数", default=0)
    distance_m = models.PositiveIntegerField("总里程（米）", default=0)
    duration_s = models.PositiveIntegerField("总时长（秒）", default=0)
    cost = money("成本（元）")
    #: The joint plan and the per-carrier plans compared (youpin.delivery.savings.Comparison).
    comparison = models.JSONField("联合与各自配送对比", default=dict)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "共同配送计划"
        verbose_name_plural = "共同配送计划"
        ordering = ["-day", "hub"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "day"], name="delivery_plan_one_per_hub_day"),
        ]

    def __str__(self) -> str:
        return f"{self.hub} {self.day:%Y-%m-%d}"


class PlanRoute(models.Model):
    """One vehicle's tour in a plan."""

    plan = models.ForeignKey(
        DeliveryPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="routes"
    )
    seq = models.PositiveSmallIntegerField("序号")
    vehicle = models.ForeignKey(
        Vehicle, verbose_name="车辆", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    plate = models.CharField("车牌号", max_length=16)
    cold_chain = models.BooleanField("冷链车", default=False)
    driver = models.ForeignKey(
        Driver, verbose_name="司机", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    driver_name = models.CharField("司机姓名", max_length=60, blank=True)
    start_at = models.DateTimeField("出发时间")
    end_at = models.DateTimeField("返回时间")
    distance_m = models.PositiveIntegerField("里程（米）")
    duration_s = models.PositiveIntegerField("时长（秒）")
    load_kg = models.PositiveIntegerField("出车装载（千克）")
    load_dm3 = models.PositiveIntegerField("出车装载（立方分米）")
    capacity_kg = models.PositiveIntegerField("载重（千克）")
    capacity_dm3 = models.PositiveIntegerField("容积（立方分米）")

    class Meta:
        verbose_name = "车辆路线"
        verbose_name_plural = "车辆路线"
        ordering = ["plan", "seq"]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.seq} {self.plate}"


class StopKind(models.TextChoices):
    """What a vehicle does at a stop."""

    DELIVERY = "delivery", "送件"
    PICKUP = "pickup", "揽收"


class PlanStop(models.Model):
    """A stop of a route: a station or a village, with its times and parcels."""

    route = models.ForeignKey(
        PlanRoute, verbose_name="路线", on_delete=models.CASCADE, related_name="stops"
    )
    seq = models.PositiveSmallIntegerField("顺序")
    kind = models.CharField("类型", max_length=10, choices=StopKind.choices)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.ForeignKey(
        "geo.Place", verbose_name="村", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("名称", max_length=160)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    arrival_at = models.DateTimeField("到达时间")
    start_at = models.DateTimeField("开始服务")
    departure_at = models.DateTimeField("离开时间")
    parcels = models.PositiveIntegerField("件数")
    weight_kg = models.PositiveIntegerField("重量（千克）")
    volume_dm3 = models.PositiveIntegerField("体积（立方分米）")
    cold_chain = models.BooleanField("冷链", default=False)
    opening_hours = models.CharField("营业时间", max_length=60, blank=True)

    class Meta:
        verbose_name = "停靠点"
        verbose_name_plural = "停靠点"
        ordering = ["route", "seq"]

    def __str__(self) -> str:
        return f"{self.route_id}#{self.seq} {self.name}"


class PlanParcel(models.Model):
    """A parcel in a plan: on a route's stop, on a freight line, or unplanned with the reason."""

    plan = models.ForeignKey(
        DeliveryPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="parcels"
    )
    parcel = models.ForeignKey(
        "logistics.Parcel", verbose_name="包裹", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=10, choices=StopKind.choices)
    carrier = models.ForeignKey(
        "logistics.Carrier", verbose_name="快递公司", on_delete=models.CASCADE, related_name="+"
    )
    stop = models.ForeignKey(
        PlanStop,
        verbose_name="停靠点",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parcel_rows",
    )
    line = models.ForeignKey(
        FreightLine,
        verbose_name="班线",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    line_departure = models.TimeField("班次", null=True, blank=True)
    destination = models.CharField("目的地", max_length=160, blank=True)
    pickup_code = models.CharField("取件码", max_length=12, blank=True)
    unplanned_reason = models.CharField("未计划原因", max_length=20, blank=True)
    unplanned_message = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "计划包裹"
        verbose_name_plural = "计划包裹"
        ordering = ["plan", "stop", "parcel"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "parcel"], name="plan_parcel_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.parcel_id}"
