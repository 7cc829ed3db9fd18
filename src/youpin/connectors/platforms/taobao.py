"""Taobao / Tmall 已卖出的宝贝 exports: the order sheet and the Tmall sub-order sheet.

Order sheet `ExportOrderList<yyyyMMddHHmm>.csv` (GBK, one row per order, 订单编号
as `="…"`, 联系手机 as `'…`):

=================  =====================  ===========================================
canonical          column                 note
=================  =====================  ===========================================
platform_order_id  订单编号
goods_amount       买家应付货款            also the amount of the one summary line
shipping_amount    买家应付邮费
paid_amount        买家实际支付金额        what the buyer really paid (after points,
                                          vouchers); 总金额 = 货款 + 邮费 is not kept
status             订单状态                see STATUSES
address            修改后的收货地址, 收货地址  the modified address wins when filled
buyer_phone        联系手机, 联系电话      the mobile wins when filled
title/quantity     宝贝标题/宝贝总数量     one summary line per order (宝贝种类 may be
                                          > 1); the sub-order sheet has the real lines
=================  =====================  ===========================================

Discounts are not split in this sheet (天猫卡券抵扣/集分宝抵扣 are payment means), so
the discount fields stay empty.

Tmall sub-order sheet (one row per line; kind "order_lines": lines to merge onto the
orders of the order sheet): 子订单编号 → line id, 主订单编号 → order id, 价格 → unit
price, 购买数量 → quantity, 买家应付货款 → line amount (summed into goods_amount),
买家实际支付金额 → summed into paid_amount, 退款金额 → line refund (summed into
refunded_amount), 退款状态 → line refund status. 订单状态 is per line there; the order
takes its first line's status (the order sheet's status is authoritative).
"""

from __future__ import annotations

from youpin.connectors.platforms.base import Layout, col, status_table
from youpin.connectors.records import OrderState

STATUSES = status_table(
    {
        "等待买家付款": OrderState.PENDING_PAYMENT,
        "买家已付款，等待卖家发货": OrderState.PAID,
        "卖家部分发货": OrderState.SHIPPED,
        "卖家已发货，等待买家确认": OrderState.SHIPPED,
        "交易成功": OrderState.COMPLETED,
        "交易关闭": OrderState.CLOSED,
        "付款以后用户退款成功，交易自动关闭": OrderState.CLOSED,
    }
)

ORDER_SHEET = Layout(
    name="taobao_orders",
    platform="taobao",
    label="淘宝/天猫 订单报表（ExportOrderList）",
    kind="orders",
    one_row_per="order",
    columns=(
        col("platform_order_id", "订单编号"),
        col("buyer_account", "买家会员名"),
        col("goods_amount", "买家应付货款"),
        col("shipping_amount", "买家应付邮费"),
        col("paid_amount", "买家实际支付金额"),
        col("status", "订单状态"),
        col("buyer_name", "收货人姓名"),
        col("address", "修改后的收货地址", "收货地址"),
        col("buyer_phone", "联系手机", "联系电话"),
        col("created_at", "订单创建时间"),
        col("paid_at", "订单付款时间"),
        col("title", "宝贝标题"),
        col("line_amount", "买家应付货款"),
        col("quantity", "宝贝总数量"),
        col("waybill_no", "物流单号"),
        col("carrier_name", "物流公司"),
        col("shop_id", "店铺Id"),
        col("shop_name", "店铺名称"),
        col("sku_text", "修改后的sku"),
    ),
    statuses=STATUSES,
    signatures=(
        frozenset({"订单编号", "买家会员名", "买家实际支付金额"}),
        frozenset({"订单编号", "宝贝标题", "买家应付货款"}),
    ),
    known=frozenset(
        {
            "买家支付宝账号",
            "买家支付积分",
            "总金额",
            "返点积分",
            "买家实际支付积分",
            "买家留言",
            "运送方式",
            "宝贝种类",
            "订单备注",
            "订单关闭原因",
            "卖家服务费",
            "买家服务费",
            "发票抬头",
            "是否手机订单",
            "分阶段订单信息",
            "特权订金订单id",
            "定金排名",
            "异常信息",
            "天猫卡券抵扣",
            "集分宝抵扣",
            "是否是O2O交易",
            "打款商家金额",
        }
    ),
)

SUB_ORDER_SHEET = Layout(
    name="tmall_suborders",
    platform="taobao",
    label="天猫/淘宝 子订单报表",
    kind="order_lines",
    one_row_per="line",
    columns=(
        col("platform_order_id", "主订单编号"),
        col("platform_line_id", "子订单编号"),
        col("title", "标题"),
        col("unit_price", "价格"),
        col("quantity", "购买数量"),
        col("merchant_sku", "商家编码", "外部系统编号"),
        col("sku_text", "商品属性"),
        col("status", "订单状态"),
        col("line_amount", "买家应付货款"),
        col("paid_amount", "买家实际支付金额", summed=True),
        col("refund_status", "退款状态"),
        col("line_refunded_amount", "退款金额"),
        col("created_at", "订单创建时间"),
        col("paid_at", "订单付款时间"),
    ),
    statuses=STATUSES,
    signatures=(frozenset({"子订单编号", "主订单编号", "标题", "购买数量"}),),
    known=frozenset({"套餐信息", "备注", "支付单号"}),
)

LAYOUTS = (ORDER_SHEET, SUB_ORDER_SHEET)
