"""A deterministic Douyin-shaped (抖店) order export of N rows, for the import benchmark.

Rows look like the shop back office's 订单导出: one row per sub-order, IDs behind
a `'`, order-level amounts repeated on every line row, 1–3 lines per order (1.5 on
average), a third of the addresses in Zhongwei (real township and village names
from the shipped NBS table), the rest spread over other provinces.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from youpin.geo.divisions import shipped_table

HEADER = [
    "主订单编号", "子订单编号", "选购商品", "商品ID", "商家编码", "商品规格", "商品数量",
    "商品金额", "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠",
    "支付方式", "订单提交时间", "支付完成时间", "订单完成时间", "发货时间", "订单状态",
    "售后状态", "取消原因", "订单类型", "旗帜颜色", "商家备注", "快递单号", "快递公司",
    "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "达人ID", "达人昵称",
    "流量来源", "流量类型", "流量体裁", "流量渠道", "广告渠道",
]  # fmt: skip

PRODUCTS = [
    ("中宁枸杞 特级 500g", "GQ-500", "500g", 6990),
    ("枸杞原浆 30ml*10袋", "YJ-10", "30ml*10袋", 5900),
    ("硒砂瓜 1个装", "XSG-1", "1个装", 3990),
    ("沙坡头大米 5kg", "DM-5", "5kg", 4990),
    ("香山压砂瓜 2个", "YSG-2", "2个", 5900),
    ("枸杞芽茶 100g", "YC-100", "100g", 2990),
    ("海原小茴香 250g", "XHX-250", "250g", 1880),
    ("中卫苹果 5kg", "PG-5", "5kg", 4590),
]
OTHER_PLACES = [
    ("广东省", "广州市", "天河区", "林和街道"),
    ("浙江省", "杭州市", "西湖区", "文新街道"),
    ("北京市", "北京市", "朝阳区", "望京街道"),
    ("上海市", "上海市", "浦东新区", "张江镇"),
    ("四川省", "成都市", "武侯区", "玉林街道"),
    ("陕西省", "西安市", "雁塔区", "小寨路街道"),
    ("甘肃省", "兰州市", "城关区", "东岗西路街道"),
    ("宁夏回族自治区", "银川市", "兴庆区", "富宁街街道"),
    ("江苏省", "南京市", "鼓楼区", "湖南路街道"),
    ("山东省", "济南市", "历下区", "泉城路街道"),
]
STATUSES = [("已完成", 60), ("已发货", 20), ("待发货", 12), ("已关闭", 6), ("售后中", 2)]
CARRIERS = ["极兔速递", "圆通速递", "中通快递", "韵达快递", "顺丰速运"]
SURNAMES = "王李张刘陈杨赵黄周吴马"
GIVEN = "小明丽华伟芳娜强磊军洋勇艳杰娟涛"


def _zhongwei_places() -> list[tuple[str, str, str, str, str]]:
    """(province, city, county, township, village) names of every village in the table."""
    table = shipped_table()
    places = []
    for division in table:
        if division.level == "village":
            chain = {d.level: d.name for d in table.ancestors(division.code)}
            places.append(
                (
                    chain["province"],
                    chain["city"],
                    chain["county"],
                    chain["township"],
                    division.name,
                )
            )
    return places


def _cents(value: int) -> str:
    """Integer cents as a two-place amount."""
    return f"{value // 100}.{value % 100:02d}"


def write_douyin_csv(path: Path, rows: int, seed: int = 20251111) -> dict[str, int]:
    """Write `rows` data rows to `path`; return counts (orders, rows, cents paid/goods)."""
    rng = random.Random(seed)
    local = _zhongwei_places()
    status_names = [s for s, _ in STATUSES]
    status_weights = [w for _, w in STATUSES]
    start = datetime(2025, 1, 1, 8, 0, 0)
    written = orders = paid_total = goods_total = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(HEADER)
        while written < rows:
            orders += 1
            n_lines = min(rng.choices((1, 2, 3), weights=(60, 30, 10))[0], rows - written)
            order_id = 6_900_000_000_000_000_000 + orders * 7
            lines = []
            for _ in range(n_lines):
                product = rng.randrange(len(PRODUCTS))
                title, sku, spec, price = PRODUCTS[product]
                quantity = rng.choice((1, 1, 1, 2, 3))
                lines.append((product, title, sku, spec, price, quantity, price * quantity))
            goods = sum(line[6] for line in lines)
            shipping = rng.choice((0, 0, 0, 800))
            d_platform = rng.choice((0, 0, 300, 500))
            d_merchant = rng.choice((0, 0, 0, 1000))
            d_host = rng.choice((0, 0, 280))
            discounts = min(d_platform + d_merchant + d_host, goods // 2)
            d_platform, d_merchant, d_host = (
                (d_platform, d_merchant, d_host) if discounts < goods // 2 else (discounts, 0, 0)
            )
            paid = goods + shipping - d_platform - d_merchant - d_host
            created = start + timedelta(seconds=orders * 37 + rng.randrange(30))
            status = rng.choices(status_names, weights=status_weights)[0]
            shipped = created + timedelta(hours=rng.randrange(2, 40))
            completed = shipped + timedelta(days=rng.randrange(2, 6))
            if rng.random() < 0.3:
                province, city, county, town, village = local[rng.randrange(len(local))]
                detail = f"{village}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号"
            else:
                province, city, county, town = OTHER_PLACES[rng.randrange(len(OTHER_PLACES))]
                detail = f"幸福路{rng.randrange(1, 999)}号{rng.randrange(1, 30)}栋"
            live = rng.random() < 0.4
            host = [f"'7{rng.randrange(10**9, 10**10)}", f"主播{rng.randrange(1, 200)}"]
            traffic = ["达人直播", "直播", "直播", "精选联盟", "千川"] if live else [
                "商品卡", "自然流量", "商品卡", "搜索", ""]  # fmt: skip
            waybill = f"'JT{rng.randrange(10**12, 10**13)}" if status != "待发货" else ""
            carrier = rng.choice(CARRIERS) if waybill else ""
            buyer = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            phone = f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"
            for number, (product, title, sku, spec, _, quantity, amount) in enumerate(lines, 1):
                out.writerow(
                    [
                        f"'{order_id}",
                        f"'{order_id + number}",
                        title,
                        f"'3612{product:015d}",
                        sku,
                        spec,
                        quantity,
                        _cents(amount),
                        _cents(paid),
                        _cents(shipping),
                        _cents(d_platform + d_merchant + d_host),
                        _cents(d_platform),
                        _cents(d_merchant),
                        _cents(d_host),
                        "抖音支付",
                        created.strftime("%Y-%m-%d %H:%M:%S"),
                        (created + timedelta(seconds=20)).strftime("%Y-%m-%d %H:%M:%S"),
                        completed.strftime("%Y-%m-%d %H:%M:%S") if status == "已完成" else "",
                        shipped.strftime("%Y-%m-%d %H:%M:%S")
                        if status in ("已完成", "已发货")
                        else "",
                        status,
                        "",
                        "",
                        "普通订单",
                        "",
                        "",
                        waybill,
                        carrier,
                        buyer,
                        phone,
                        province,
                        city,
                        county,
                        town,
                        detail,
                        *(host if live else ["", ""]),
                        *traffic,
                    ]
                )
                written += 1
            paid_total += paid
            goods_total += goods
    return {"rows": written, "orders": orders, "paid_cents": paid_total, "goods_cents": goods_total}
