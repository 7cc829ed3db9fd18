"""Roles, what each user is attached to, and API tokens for machines."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    """The six kinds of user the plan names."""

    OFFICIAL = "official", "政府官员"
    OPERATOR = "operator", "平台运营方"
    MERCHANT = "merchant", "商户"
    STATION_KEEPER = "station_keeper", "站点管理员"
    CARRIER = "carrier", "快递公司"
    CONSUMER = "consumer", "消费者"


class Profile(models.Model):
    """A user's role and the one thing that role is attached to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="profile",
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    display_name = models.CharField("显示名称", max_length=60, blank=True)
    region = models.ForeignKey(
        "geo.Place",
        verbose_name="管辖区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        verbose_name="商户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="members",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="keepers",
    )
    carrier = models.ForeignKey(
        "logistics.Carrier",
        verbose_name="快递公司",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="members",
    )
    phone = models.CharField("手机", max_length=20, blank=True)

    class Meta:
        verbose_name = "角色档案"
        verbose_name_plural = "角色档案"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        """Each role must be attached to what it is scoped by."""
        required = {
            Role.OFFICIAL: ("region", self.region_id),
            Role.MERCHANT: ("merchant", self.merchant_id),
            Role.STATION_KEEPER: ("station", self.station_id),
            Role.CARRIER: ("carrier", self.carrier_id),
        }
        if self.role in required:
            field, value = required[Role(self.role)]
            if value is None:
                raise ValidationError({field: "该角色必须指定此项"})


def hash_token(key: str) -> str:
    """Hash an API token key for storage; the key itself is shown once and never kept."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token a machine (carrier, platform integration) uses to call the API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
