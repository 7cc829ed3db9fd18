"""The models' choice labels, marked here so `makemessages` puts them in the catalogue.

The models keep their Chinese labels as plain strings; the portal translates them at display
time with `gettext(label)`. A test checks that every label of these enums is listed here and
translated, so a label added to a model without a translation is caught.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

ROLE_LABELS = (
    gettext_noop("政府官员"),
    gettext_noop("平台运营方"),
    gettext_noop("商户"),
    gettext_noop("站点管理员"),
    gettext_noop("快递公司"),
    gettext_noop("消费者"),
)

PLATFORM_LABELS = (
    gettext_noop("中卫优品"),
    gettext_noop("淘宝/天猫"),
    gettext_noop("拼多多"),
    gettext_noop("抖音"),
    gettext_noop("京东"),
    gettext_noop("快手"),
    gettext_noop("其他"),
)

MERCHANT_KIND_LABELS = (
    gettext_noop("企业"),
    gettext_noop("合作社"),
    gettext_noop("农户"),
    gettext_noop("个体商户"),
    gettext_noop("主播"),
)

ORDER_STATUS_LABELS = (
    gettext_noop("待付款"),
    gettext_noop("已付款待发货"),
    gettext_noop("已发货"),
    gettext_noop("已完成"),
    gettext_noop("已关闭"),
    gettext_noop("已退款"),
)

TRACKING_STATUS_LABELS = (
    gettext_noop("待揽收"),
    gettext_noop("已揽收"),
    gettext_noop("运输中"),
    gettext_noop("派送中"),
    gettext_noop("待取件"),
    gettext_noop("已签收"),
    gettext_noop("派送失败"),
    gettext_noop("派送延误"),
    gettext_noop("滞留"),
    gettext_noop("退回"),
    gettext_noop("已取消"),
    gettext_noop("未知"),
)

STATION_KIND_LABELS = (
    gettext_noop("乡镇电商快递兴农超市"),
    gettext_noop("村级服务点"),
    gettext_noop("社区/校园驿站"),
    gettext_noop("智能快递柜"),
    gettext_noop("体验店"),
)

EXCEPTION_KIND_LABELS = (gettext_noop("破损"), gettext_noop("拒收"), gettext_noop("地址错误"))

ALL_LABELS = (
    ROLE_LABELS
    + PLATFORM_LABELS
    + MERCHANT_KIND_LABELS
    + ORDER_STATUS_LABELS
    + TRACKING_STATUS_LABELS
    + STATION_KIND_LABELS
    + EXCEPTION_KIND_LABELS
)
