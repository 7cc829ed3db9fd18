"""JD POP merchant order export: GBK CSV, one row per product line (*unconfirmed* shape).

==================  =====================  ==============================================
canonical           column                 note
==================  =====================  ==============================================
platform_order_id   订单号                 rows of one order are grouped
platform_product_id 商品ID                 line
title               商品名称               line
quantity            订购数量               line
unit_price          京东价                 line; line amount = 京东价 × 订购数量, summed
                                           into goods_amount
merchant_sku        货号                   line
paid_amount         应付金额 + 余额支付     order, once: what the buyer pays online plus
                                           what came from the JD balance
shipping_amount     运费金额               order, once
created_at          下单时间
paid_at             付款确认时间
completed_at        订单完成时间
status              订单状态               see STATUSES
buyer_account       下单帐号
buyer_name          客户姓名
buyer_phone         联系电话
address             客户地址
traffic_source      订单来源
traffic_channel     订单渠道
==================  =====================  ==============================================

订单金额 and 结算金额 (order total, settlement) are recognised but not kept: the goods
amount is summed from the lines and JD's own discounts are not split in this file.
"""

from __future__ import annotations

from youpin.connectors.platforms.base import Layout, col, status_table
from youpin.connectors.records import OrderState

STATUSES = status_table(
    {
        "等待付款": OrderState.PENDING_PAYMENT,
        "等待付款确认": OrderState.PENDING_PAYMENT,
        "等待出库": OrderState.PAID,
        "等待发货": OrderState.PAID,
        "等待打印": OrderState.PAID,
        "等待确认收货": OrderState.SHIPPED,
        "已发货": OrderState.SHIPPED,
        "完成": OrderState.COMPLETED,
        "已完成": OrderState.COMPLETED,
        "已取消": OrderState.CLOSED,
        "取消": OrderState.CLOSED,
        "已关闭": OrderState.CLOSED,
        # after-sales or held states: raw text kept
        "锁定": None,
        "暂停": None,
        "退款中": None,
    }
)

ORDERS = Layout(
    name="jd_orders",
    platform="jd",
    label="京东 POP 订单导出",
    kind="orders",
    one_row_per="line",
    columns=(
        col("platform_order_id", "订单号"),
        col("platform_product_id", "商品ID"),
        col("title", "商品名称"),
        col("quantity", "订购数量"),
        col("unit_price", "京东价"),
        col("merchant_sku", "货号"),
        col("paid_amount", "应付金额"),
        col("paid_amount", "余额支付", plus=True),
        col("shipping_amount", "运费金额"),
        col("created_at", "下单时间"),
        col("paid_at", "付款确认时间"),
        col("completed_at", "订单完成时间"),
        col("status", "订单状态"),
        col("buyer_account", "下单帐号", "下单账号"),
        col("buyer_name", "客户姓名"),
        col("buyer_phone", "联系电话"),
        col("address", "客户地址"),
        col("traffic_source", "订单来源"),
        col("traffic_channel", "订单渠道"),
    ),
    statuses=STATUSES,
    signatures=(
        frozenset({"订单号", "商品ID", "订购数量"}),
        frozenset({"订单号", "京东价"}),
    ),
    known=frozenset(
        {
            "支付方式",
            "订单金额",
            "结算金额",
            "订单类型",
            "订单备注",
            "发票类型",
            "发票抬头",
            "发票内容",
            "商家备注",
            "商家备注等级（等级1-5为由高到低）",
            "增值税发票",
            "送装服务",
            "服务费",
            "仓库ID",
            "仓库名称",
            "普通发票纳税编号",
        }
    ),
)

LAYOUTS = (ORDERS,)
