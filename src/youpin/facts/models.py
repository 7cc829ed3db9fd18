"""Daily fact tables: plain columns, integer measures (fen, counts, seconds).

Each row sums the raw rows of one Shanghai calendar day and one combination of the
dimensions. The tables are rebuilt day by day from the raw tables (`youpin.facts.refresh`),
never edited by hand; every figure read from them can be recomputed from the raw rows.
"""

from __future__ import annotations

from django.db import models

from youpin.catalog.models import Platform


class SalesClass(models.TextChoices):
    """Disjoint classes of an order line's category (farm products are goods too)."""

    FARM = "farm", "农产品"
    GOODS = "goods", "其他实物商品"
    SERVICES = "services", "服务"
    UNCLASSIFIED = "unclassified", "未分类"


class SalesFact(models.Model):
    """Sold orders of one day, seller place, platform, line class, merchant and host.

    An order's paid and refunded amounts are split over its lines' classes exactly as the
    retail statistic splits them (docs/STATISTICS.md). `orders` counts an order in every
    class it has a part in (the statistic's per-class count); `lead_orders` counts it once,
    in the class of its largest line, so `lead_orders` sums to the number of orders. The net
    is also split by the order's verification state at the refresh (`trust`: verified,
    unverified, suspicious; not yet checked is the rest); a change of state marks the order's
    day in the `ChangedDay` ledger (`youpin.facts.apps`).
    """

    day = models.DateField("日期（上海时间）", db_index=True)
    county = models.CharField("卖家区县代码（6位）", max_length=6)
    township = models.CharField("卖家乡镇代码（9位）", max_length=9)
    platform = models.CharField("平台", max_length=12, choices=Platform.choices)
    sales_class = models.CharField("商品类别", max_length=12, choices=SalesClass.choices)
    merchant_id = models.BigIntegerField("商户ID")
    host = models.CharField("达人（ID或“昵称:…”）", max_length=110, blank=True)
    local_seller = models.BooleanField("中卫卖家（本地注册且经营地在区内）")
    orders = models.IntegerField("订单数（按类别）")
    lead_orders = models.IntegerField("订单数（每单计一次）")
    paid_fen = models.BigIntegerField("实付（分）")
    refunded_fen = models.BigIntegerField("退款（分）")
    net_fen = models.BigIntegerField("净额（分）")
    # Net split by the orders' verification state (trust); "not checked" is the rest.
    verified_fen = models.BigIntegerField("其中已核实净额（分）", default=0)
    unverified_fen = models.BigIntegerField("其中未核实净额（分）", default=0)
    suspicious_fen = models.BigIntegerField("其中可疑净额（分）", default=0)
    verified_orders = models.IntegerField("已核实订单数（每单计一次）", default=0)

    class Meta:
        verbose_name = "销售日事实"
        verbose_name_plural = "销售日事实"
        indexes = [models.Index(fields=["county", "day"], name="salesfact_county_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.township} {self.platform} {self.net_fen}"


class SalesPlaceFact(models.Model):
    """`SalesFact` summed over merchants and hosts: what the cockpit reads.

    Its size depends on days × townships × platforms × classes, not on the number of
    merchants or orders, so a year's total stays fast at any scale. Rebuilt from
    `SalesFact` for the same days in the same transaction.
    """

    day = models.DateField("日期（上海时间）", db_index=True)
    county = models.CharField("卖家区县代码（6位）", max_length=6)
    township = models.CharField("卖家乡镇代码（9位）", max_length=9)
    platform = models.CharField("平台", max_length=12, choices=Platform.choices)
    sales_class = models.CharField("商品类别", max_length=12, choices=SalesClass.choices)
    local_seller = models.BooleanField("中卫卖家（本地注册且经营地在区内）")
    orders = models.IntegerField("订单数（按类别）")
    lead_orders = models.IntegerField("订单数（每单计一次）")
    paid_fen = models.BigIntegerField("实付（分）")
    refunded_fen = models.BigIntegerField("退款（分）")
    net_fen = models.BigIntegerField("净额（分）")
    # Net split by the orders' verification state (trust); "not checked" is the rest.
    verified_fen = models.BigIntegerField("其中已核实净额（分）", default=0)
    unverified_fen = models.BigIntegerField("其中未核实净额（分）", default=0)
    suspicious_fen = models.BigIntegerField("其中可疑净额（分）", default=0)
    verified_orders = models.IntegerField("已核实订单数（每单计一次）", default=0)

    class Meta:
        verbose_name = "销售日事实（按地区汇总）"
        verbose_name_plural = "销售日事实（按地区汇总）"
        indexes = [models.Index(fields=["county", "day"], name="salesplacefact_county_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.township} {self.platform} {self.net_fen}"


class ParcelSide(models.TextChoices):
    """Which count a parcel row belongs to: collected (揽收) or delivered (派送) in the region."""

    COLLECTED = "collected", "揽收"
    DELIVERED = "delivered", "派送"


class ParcelDirection(models.TextChoices):
    """Where a parcel crosses the platform's region (see docs/STATISTICS.md)."""

    OUTBOUND = "outbound", "出港"
    INTRA = "intra", "区内互寄"
    INBOUND = "inbound", "进港"


class ParcelFact(models.Model):
    """Parcels collected (by collection day and place) or delivered (by delivery day and place).

    Place codes are the collection place for the collected side and the delivery place for
    the delivered side; the direction is relative to the platform's region
    (`YOUPIN_REGION_CODE`). `timed` parcels have both times (delivered after collected);
    `transit_seconds` sums their collection-to-delivery times.
    """

    day = models.DateField("日期（上海时间）", db_index=True)
    side = models.CharField("口径", max_length=10, choices=ParcelSide.choices)
    county = models.CharField("区县代码（6位）", max_length=6)
    township = models.CharField("乡镇代码（9位）", max_length=9)
    carrier_id = models.BigIntegerField("快递公司ID")
    direction = models.CharField("流向", max_length=10, choices=ParcelDirection.choices)
    parcels = models.IntegerField("件数")
    e_waybill = models.IntegerField("电子面单件数")
    at_station = models.IntegerField("站点/快递柜交付件数")
    at_locker = models.IntegerField("快递柜交付件数")
    timed = models.IntegerField("已签收且有时长的件数")
    transit_seconds = models.BigIntegerField("揽收至签收总秒数")

    class Meta:
        verbose_name = "包裹日事实"
        verbose_name_plural = "包裹日事实"
        indexes = [models.Index(fields=["side", "county", "day"], name="parcelfact_side_county")]

    def __str__(self) -> str:
        return f"{self.day} {self.side} {self.township} {self.parcels}"


class StationFact(models.Model):
    """Station operations of one day: events with source "station" by raw code."""

    day = models.DateField("日期（上海时间）", db_index=True)
    station_id = models.BigIntegerField("站点ID")
    county = models.CharField("区县代码（6位）", max_length=6)
    township = models.CharField("乡镇代码（9位）", max_length=9)
    operation = models.CharField("操作（原始状态码）", max_length=20)
    events = models.IntegerField("操作次数")
    parcels = models.IntegerField("涉及包裹数")

    class Meta:
        verbose_name = "站点日事实"
        verbose_name_plural = "站点日事实"
        indexes = [models.Index(fields=["station_id", "day"], name="stationfact_station_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id} {self.operation} {self.events}"


class FactsState(models.Model):
    """Where the last refresh stopped: the watermarks the next incremental refresh reads from."""

    name = models.CharField("名称", max_length=20, primary_key=True, default="default")
    rows_changed_since = models.DateTimeField("订单与包裹变更起点", null=True, blank=True)
    last_event_id = models.BigIntegerField("已处理的最大轨迹事件ID", default=0)
    refreshed_at = models.DateTimeField("最近刷新时间", null=True, blank=True)
    last_days = models.IntegerField("最近一次刷新的天数", default=0)
    last_seconds = models.FloatField("最近一次刷新用时（秒）", default=0)
    last_mode = models.CharField("最近一次刷新方式", max_length=12, blank=True)

    class Meta:
        verbose_name = "事实表刷新状态"
        verbose_name_plural = "事实表刷新状态"

    def __str__(self) -> str:
        return f"{self.name} {self.refreshed_at}"


class ChangedDay(models.Model):
    """A day of one fact table to recompute at the next refresh, or a change to look for.

    Written by the import hook (`after_import`) and by anyone who changes raw rows outside
    an import (`refresh.mark_days_changed`); read and emptied by `youpin facts refresh`, so
    that finding what changed never scans the raw tables. A row without a day asks the next
    refresh to look for that table's rows updated since `since` (a batch imported without
    its refresh, and whose days nobody counted).
    """

    table = models.CharField("事实表", max_length=10)
    day = models.DateField("日期", null=True, blank=True)
    since = models.DateTimeField("变更起点", null=True, blank=True)
    marked_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "待重算日期"
        verbose_name_plural = "待重算日期"

    def __str__(self) -> str:
        return f"{self.table} {self.day or self.since}"
