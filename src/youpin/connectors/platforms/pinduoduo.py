"""Pinduoduo merchant back office: the order CSV and the after-sales (refund) XLSX.

Order CSV `<32 hex>orders_export<YYYY-MM-DD>.csv` (UTF-8 with BOM, one row per order;
a Pinduoduo order holds one product, so each row also gives that one line):

=====================  ===========================  ====================================
canonical              column                       note
=====================  ===========================  ====================================
platform_order_id      订单号
goods_amount           商品总价(元)                  also the line amount
discount_merchant      店铺优惠折扣(元)
discount_platform      平台优惠折扣(元)
paid_amount            用户实付金额(元), 商家实收金额(元)  the buyer's payment; the short
                                                    export only has 商家实收 (= 实付 +
                                                    平台优惠), used when 实付 is absent
shipping_amount        运费(元)                      *unconfirmed* spelling
created_at / paid_at   订单成交时间 / 支付时间
shipped_at             发货时间
completed_at           确认收货时间
title / quantity       商品 / 商品数量(件)
sku_text               商品规格
refund_status          售后状态                      kept raw on the line
address                收货地址, or 省/市/区/街道/详细地址 joined
=====================  ===========================  ====================================

Full-width parentheses in headers (`商家实收金额（元）`) match too (see header_key).

Refund XLSX, sheet `售后信息` (one row per after-sales case): 售后编号 → refund_id,
订单编号 → order id, 退款金额 → amount, 售后状态 → status (succeeded when in
REFUND_SUCCEEDED), 退款类型 → kind, 申请时间/同意退款时间 → applied_at/agreed_at.
"""

from __future__ import annotations

from youpin.connectors.platforms.base import (
    Layout,
    RefundLayout,
    col,
    refund_col,
    status_table,
)
from youpin.connectors.records import OrderState

STATUSES = status_table(
    {
        "待支付": OrderState.PENDING_PAYMENT,
        "待付款": OrderState.PENDING_PAYMENT,
        "待成团": OrderState.PAID,
        "待发货": OrderState.PAID,
        "未发货": OrderState.PAID,
        "已发货": OrderState.SHIPPED,
        "已发货，待签收": OrderState.SHIPPED,
        "待收货": OrderState.SHIPPED,
        "已签收": OrderState.COMPLETED,
        "已收货": OrderState.COMPLETED,
        "已完成": OrderState.COMPLETED,
        "交易成功": OrderState.COMPLETED,
        "已取消": OrderState.CLOSED,
        "已关闭": OrderState.CLOSED,
        "交易关闭": OrderState.CLOSED,
        # after-sales states: raw text kept, refunds come from the refund file
        "未发货，退款成功": None,
        "已发货，退款成功": None,
        "已签收，退款成功": None,
        "退款中": None,
        "售后中": None,
    }
)

ORDERS = Layout(
    name="pinduoduo_orders",
    platform="pinduoduo",
    label="拼多多 订单导出",
    kind="orders",
    one_row_per="order",
    columns=(
        col("platform_order_id", "订单号"),
        col("status", "订单状态"),
        col("title", "商品", "商品名称"),
        col("platform_product_id", "商品id"),
        col("sku_text", "商品规格"),
        col("merchant_sku", "商家编码-规格维度", "商家编码-商品维度"),
        col("quantity", "商品数量(件)"),
        col("goods_amount", "商品总价(元)"),
        col("line_amount", "商品总价(元)"),
        col("discount_merchant", "店铺优惠折扣(元)"),
        col("discount_platform", "平台优惠折扣(元)"),
        col("paid_amount", "用户实付金额(元)", "商家实收金额(元)"),
        col("shipping_amount", "运费(元)"),
        col("refund_status", "售后状态"),
        col("created_at", "订单成交时间"),
        col("paid_at", "支付时间"),
        col("shipped_at", "发货时间"),
        col("completed_at", "确认收货时间"),
        col("waybill_no", "快递单号"),
        col("carrier_name", "快递公司"),
        col("buyer_name", "收货人"),
        col("buyer_phone", "手机"),
        col("address", "收货地址"),
        col("province", "省"),
        col("city", "市"),
        col("district", "区"),
        col("street", "街道"),
        col("address_detail", "详细地址"),
    ),
    statuses=STATUSES,
    signatures=(
        frozenset({"订单号", "商家实收金额(元)"}),
        frozenset({"订单号", "商品数量(件)"}),
        frozenset({"订单号", "用户实付金额(元)"}),
    ),
    known=frozenset({"样式ID", "商家备注", "买家留言"}),
    check_balance=True,
)

REFUND_SHEET = "售后信息"

REFUND_SUCCEEDED = frozenset({"退款成功", "退款完成", "已退款"})

REFUNDS = RefundLayout(
    name="pinduoduo_refunds",
    platform="pinduoduo",
    label="拼多多 售后信息",
    columns=(
        refund_col("refund_id", "售后编号"),
        refund_col("platform_order_id", "订单编号"),
        refund_col("amount", "退款金额"),
        refund_col("status", "售后状态"),
        refund_col("kind", "退款类型", "售后类型"),
        refund_col("applied_at", "申请时间"),
        refund_col("agreed_at", "同意退款时间"),
    ),
    succeeded=REFUND_SUCCEEDED,
    signatures=(frozenset({"售后编号", "订单编号", "退款金额"}),),
    known=frozenset({"交易金额", "订单状态"}),
)

LAYOUTS = (ORDERS, REFUNDS)
