"""Douyin shop (抖店) order export: one row per sub-order, IDs behind a `'` or a TAB.

==================  =========================  ========================================
canonical           column                     level
==================  =========================  ========================================
platform_order_id   主订单编号                  order (rows of one order are grouped)
platform_line_id    子订单编号                  line
title               选购商品                    line
platform_product_id 商品ID                      line
merchant_sku        商家编码                    line
sku_text            商品规格                    line
quantity            商品数量                    line
unit_price          商品单价                    line (amount = price × qty if no 商品金额)
line_amount         商品金额                    line, summed into goods_amount
paid_amount         订单应付金额                order: repeated on each line, taken once
shipping_amount     运费                        order, taken once
discount_platform   平台优惠                    order, taken once
discount_merchant   商家优惠                    order, taken once
discount_host       达人优惠                    order, taken once
created_at          订单提交时间                order
paid_at             支付完成时间                order
shipped_at          发货时间                    order
completed_at        订单完成时间                order
status              订单状态                    order (first row); see STATUSES
refund_status       售后状态                    line, raw
host_id / nickname  达人ID / 达人昵称           order (the livestream host who sold it)
traffic_source      流量来源                    order
traffic_type        流量类型                    order
traffic_channel     流量渠道                    order
address             收件地址, or 省/市/区/街道/详细地址 joined
==================  =========================  ========================================

The discounts are treated as order-level like 订单应付金额 and 运费 (*unconfirmed*:
should an export carry them per sub-order, the rows of one order differ and a
warning says so once). 流量体裁 and 广告渠道 are recognised but OrderRecord has no
field for them yet; 优惠总金额 is the sum of the three discounts and not kept.
"""

from __future__ import annotations

from youpin.connectors.platforms.base import Layout, col, status_table
from youpin.connectors.records import OrderState

STATUSES = status_table(
    {
        "待支付": OrderState.PENDING_PAYMENT,
        "待付款": OrderState.PENDING_PAYMENT,
        "备货中": OrderState.PAID,
        "待发货": OrderState.PAID,
        "部分发货": OrderState.SHIPPED,
        "已发货": OrderState.SHIPPED,
        "待收货": OrderState.SHIPPED,
        "已完成": OrderState.COMPLETED,
        "已收货": OrderState.COMPLETED,
        "已关闭": OrderState.CLOSED,
        "已取消": OrderState.CLOSED,
        "交易关闭": OrderState.CLOSED,
        # after-sales states: raw text kept, refunds come from refund columns or files
        "售后中": None,
        "退款中": None,
        "退货退款中": None,
        "已退款": None,
    }
)

ORDERS = Layout(
    name="douyin_orders",
    platform="douyin",
    label="抖店 订单导出",
    kind="orders",
    one_row_per="line",
    columns=(
        col("platform_order_id", "主订单编号"),
        col("platform_line_id", "子订单编号"),
        col("title", "选购商品"),
        col("platform_product_id", "商品ID"),
        col("merchant_sku", "商家编码"),
        col("sku_text", "商品规格"),
        col("quantity", "商品数量"),
        col("unit_price", "商品单价"),
        col("line_amount", "商品金额"),
        col("paid_amount", "订单应付金额"),
        col("shipping_amount", "运费"),
        col("discount_platform", "平台优惠"),
        col("discount_merchant", "商家优惠"),
        col("discount_host", "达人优惠"),
        col("created_at", "订单提交时间"),
        col("paid_at", "支付完成时间"),
        col("shipped_at", "发货时间"),
        col("completed_at", "订单完成时间"),
        col("status", "订单状态"),
        col("refund_status", "售后状态"),
        col("waybill_no", "快递单号"),
        col("carrier_name", "快递公司"),
        col("buyer_name", "收件人"),
        col("buyer_phone", "收件人手机号"),
        col("address", "收件地址"),
        col("province", "省"),
        col("city", "市"),
        col("district", "区"),
        col("street", "街道"),
        col("address_detail", "详细地址"),
        col("host_id", "达人ID"),
        col("host_nickname", "达人昵称"),
        col("traffic_source", "流量来源"),
        col("traffic_type", "流量类型"),
        col("traffic_channel", "流量渠道"),
        col("shop_id", "店铺ID"),
        col("shop_name", "店铺名称"),
    ),
    statuses=STATUSES,
    signatures=(
        frozenset({"主订单编号", "子订单编号", "选购商品"}),
        frozenset({"主订单编号", "子订单编号", "达人ID"}),
        frozenset({"主订单编号", "子订单编号", "订单应付金额"}),
    ),
    known=frozenset(
        {
            "优惠总金额",
            "支付方式",
            "取消原因",
            "订单类型",
            "旗帜颜色",
            "商家备注",
            "买家留言",
            "流量体裁",
            "广告渠道",
        }
    ),
    check_balance=True,
)

LAYOUTS = (ORDERS,)
