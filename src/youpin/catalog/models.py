"""Merchants, their shops on each platform, and their products."""

from __future__ import annotations

from django.db import models

from youpin.core.models import TimeStamped, money


class MerchantKind(models.TextChoices):
    """What sort of seller a merchant is."""

    FIRM = "firm", "企业"
    COOPERATIVE = "cooperative", "合作社"
    FARMER = "farmer", "农户"
    SHOP = "shop", "个体商户"
    HOST = "host", "主播"


class OperatorGroup(TimeStamped):
    """One operator behind several merchants or shops (一户多店, one factory behind many shops).

    Grouping is what officials record when they find that shops registered to different names
    are run by the same household or firm; the statistics and brushing signals read it.
    """

    name = models.CharField("经营主体", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "经营主体组"
        verbose_name_plural = "经营主体组"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Merchant(TimeStamped):
    """A seller: a firm, a cooperative, a farmer, a shop or a livestream host."""

    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=MerchantKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    place = models.ForeignKey(
        "geo.Place", verbose_name="经营地", on_delete=models.PROTECT, related_name="merchants"
    )
    registered_locally = models.BooleanField("在本地注册纳税", default=True)
    operator_group = models.ForeignKey(
        OperatorGroup,
        verbose_name="经营主体组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merchants",
    )
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "商户"
        verbose_name_plural = "商户"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Platform(models.TextChoices):
    """Sales channels whose orders Youpin gathers."""

    YOUPIN = "youpin", "中卫优品"
    TAOBAO = "taobao", "淘宝/天猫"
    PINDUODUO = "pinduoduo", "拼多多"
    DOUYIN = "douyin", "抖音"
    JD = "jd", "京东"
    KUAISHOU = "kuaishou", "快手"
    OTHER = "other", "其他"


class Shop(TimeStamped):
    """A merchant's shop on one platform."""

    merchant = models.ForeignKey(
        Merchant, verbose_name="商户", on_delete=models.CASCADE, related_name="shops"
    )
    platform = models.CharField("平台", max_length=12, choices=Platform.choices)
    platform_shop_id = models.CharField("平台店铺ID", max_length=64)
    name = models.CharField("店铺名称", max_length=120)
    # The three places of a shop (NBS divisions); empty when not known. The retail statistic
    # falls back to the merchant's place (docs/STATISTICS.md, "basis").
    registered_place = models.ForeignKey(
        "geo.Place",
        verbose_name="注册地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    operating_place = models.ForeignKey(
        "geo.Place",
        verbose_name="实际经营地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shipping_origin = models.ForeignKey(
        "geo.Place",
        verbose_name="发货地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator_group = models.ForeignKey(
        OperatorGroup,
        verbose_name="经营主体组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shops",
    )
    declared_revenue = models.DecimalField(
        "申报年营业收入", max_digits=16, decimal_places=2, null=True, blank=True
    )
    declared_revenue_year = models.PositiveSmallIntegerField("申报年度", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "店铺"
        verbose_name_plural = "店铺"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_shop_id"], name="shop_unique_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_platform_display()}）"


class Category(models.Model):
    """A product category; farm-product and service categories are flagged for the statistics."""

    slug = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    is_farm_product = models.BooleanField("农产品", default=False)
    is_service = models.BooleanField("服务类", default=False)

    class Meta:
        verbose_name = "品类"
        verbose_name_plural = "品类"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class ItemClass(models.TextChoices):
    """What an order line sells, for the statistics: physical goods, a service, or unknown."""

    GOODS = "goods", "实物商品"
    SERVICE = "service", "服务"
    UNKNOWN = "unknown", "未知"


class TitleRule(models.Model):
    """A rule classing an order line by words in its title, when no catalogue category does.

    Rules are data (tunable in the back office): the first enabled rule by `priority` whose
    word occurs in the title decides (see `catalog.classify`).
    """

    word = models.CharField("标题关键词", max_length=40)
    item_class = models.CharField("归类", max_length=8, choices=ItemClass.choices)
    priority = models.PositiveSmallIntegerField("优先级（小者先）", default=100)
    enabled = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "标题归类规则"
        verbose_name_plural = "标题归类规则"
        ordering = ["priority", "word"]
        constraints = [models.UniqueConstraint(fields=["word"], name="title_rule_unique_word")]

    def __str__(self) -> str:
        return f"{self.word} → {self.get_item_class_display()}"


class Product(TimeStamped):
    """A product a merchant sells."""

    merchant = models.ForeignKey(
        Merchant, verbose_name="商户", on_delete=models.CASCADE, related_name="products"
    )
    category = models.ForeignKey(
        Category, verbose_name="品类", on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField("商品名称", max_length=200)
    sku = models.CharField("商家编码", max_length=64, blank=True)
    unit_price = money("单价")
    weight_g = models.PositiveIntegerField("重量（克）", default=0)
    origin = models.ForeignKey(
        "geo.Place",
        verbose_name="产地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    needs_cold_chain = models.BooleanField("需冷链", default=False)
    brand_licensed = models.BooleanField("中卫优品品牌授权", default=False)
    is_demo = models.BooleanField("演示数据", default=False, db_index=True)

    class Meta:
        verbose_name = "商品"
        verbose_name_plural = "商品"
        ordering = ["merchant", "name"]

    def __str__(self) -> str:
        return self.name
