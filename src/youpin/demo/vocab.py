"""Words the demo generator builds synthetic names, products and addresses from. Pure data.

Every person, firm, shop and host built from these lists is invented; any likeness to a
real one is chance. Phone numbers all carry the block 9555 (13x9555xxxx) to look synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of a text."""
    return tuple(text.split())


SURNAMES = (
    "马王李张刘杨田海丁白周赵陈黄吴孙郭何罗余苏锁拜虎冯韩曹徐高雍俞金万沙穆纳米蒋孟魏汪邵朱谢"
)
GIVEN_NAMES = _words(
    "建军 海燕 小梅 国强 文华 志刚 秀兰 玉珍 红霞 宏伟 丽娟 晓东 春花 "
    "少华 金花 德福 学军 俊 芳 娟 静 涛 磊 勇 婷 鹏 霞 燕 明 军 艳 "
    "斌 慧 强 瑞 晨 凯 宇轩 梓涵 浩然 欣怡 子豪 雨桐 思远 佳琪 永福 "
    "成林 彩霞 玉兰 志强 桂英 福海 占林 有才 耀武 晓燕 丽萍 小军 万福 "
    "建华 秀英 兴旺 国栋 "
)

BRAND_FIRST = "沙杞塞河香金红禾丰瑞润鑫汇恒盛兴源康泰宝鸿嘉天利众荣"
BRAND_SECOND = "泽源丰康瑞盛禾和润悦达邦坤晟宇川农园谷田"

STREETS = _words(
    "人民路 解放路 建设路 中山路 和平路 学府路 科技路 长江路 文化路 花园路 "
    "新华路 光明路 幸福路 东风路 胜利路 朝阳路 迎宾大道 滨江路 团结路 "
    "育才路 青年路 振兴路 友谊路 复兴路 "
)
COMPOUNDS = _words(
    "阳光 锦绣 金色 翡翠 滨河 御景 香樟 世纪 东方 海棠 紫荆 华府 时代 书香 玉泉 湖畔 "
)
COMPOUND_SUFFIXES = ("小区", "花园", "家园", "苑", "雅居")

# (province, city, district, weight): where parcels from Zhongwei go.
DESTINATIONS: tuple[tuple[str, str, str, float], ...] = (
    ("宁夏回族自治区", "银川市", "兴庆区", 4.0),
    ("宁夏回族自治区", "银川市", "金凤区", 4.0),
    ("宁夏回族自治区", "银川市", "西夏区", 2.5),
    ("宁夏回族自治区", "吴忠市", "利通区", 1.5),
    ("宁夏回族自治区", "石嘴山市", "大武口区", 1.0),
    ("宁夏回族自治区", "固原市", "原州区", 1.0),
    ("北京市", "北京市", "朝阳区", 4.0),
    ("北京市", "北京市", "海淀区", 3.0),
    ("上海市", "上海市", "浦东新区", 4.0),
    ("上海市", "上海市", "闵行区", 2.0),
    ("天津市", "天津市", "南开区", 1.5),
    ("重庆市", "重庆市", "渝北区", 2.0),
    ("广东省", "广州市", "天河区", 3.0),
    ("广东省", "广州市", "白云区", 2.0),
    ("广东省", "深圳市", "南山区", 3.0),
    ("广东省", "深圳市", "宝安区", 2.5),
    ("广东省", "佛山市", "南海区", 1.5),
    ("广东省", "东莞市", "南城街道", 1.5),
    ("浙江省", "杭州市", "西湖区", 3.0),
    ("浙江省", "杭州市", "余杭区", 2.5),
    ("浙江省", "宁波市", "鄞州区", 1.5),
    ("浙江省", "温州市", "鹿城区", 1.0),
    ("江苏省", "南京市", "鼓楼区", 2.0),
    ("江苏省", "苏州市", "姑苏区", 2.5),
    ("江苏省", "无锡市", "梁溪区", 1.2),
    ("山东省", "济南市", "历下区", 1.5),
    ("山东省", "青岛市", "黄岛区", 1.5),
    ("河南省", "郑州市", "金水区", 2.0),
    ("四川省", "成都市", "锦江区", 2.5),
    ("湖北省", "武汉市", "洪山区", 2.0),
    ("湖南省", "长沙市", "岳麓区", 1.5),
    ("陕西省", "西安市", "雁塔区", 2.5),
    ("甘肃省", "兰州市", "城关区", 2.0),
    ("甘肃省", "白银市", "白银区", 1.0),
    ("内蒙古自治区", "阿拉善盟", "阿拉善左旗", 0.8),
    ("内蒙古自治区", "呼和浩特市", "赛罕区", 1.0),
    ("福建省", "厦门市", "思明区", 1.2),
    ("福建省", "福州市", "鼓楼区", 1.0),
    ("河北省", "石家庄市", "长安区", 1.2),
    ("安徽省", "合肥市", "蜀山区", 1.2),
    ("江西省", "南昌市", "红谷滩区", 0.8),
    ("辽宁省", "沈阳市", "和平区", 1.0),
    ("辽宁省", "大连市", "甘井子区", 0.8),
    ("黑龙江省", "哈尔滨市", "南岗区", 0.8),
    ("吉林省", "长春市", "朝阳区", 0.6),
    ("云南省", "昆明市", "五华区", 0.8),
    ("广西壮族自治区", "南宁市", "青秀区", 0.8),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", 0.8),
    ("青海省", "西宁市", "城西区", 0.6),
    ("山西省", "太原市", "小店区", 0.8),
    ("贵州省", "贵阳市", "观山湖区", 0.6),
    ("海南省", "海口市", "美兰区", 0.5),
)
# Provinces next to Ningxia: parcels reach them a day sooner.
NEAR_PROVINCES = frozenset({"宁夏回族自治区", "甘肃省", "内蒙古自治区", "陕西省", "青海省"})


@dataclass(frozen=True)
class ProductTemplate:
    """A kind of product: title words, shipping weight in grams, price range in CNY, cold chain."""

    title: str
    weight_g: int
    price_min: int
    price_max: int
    cold_chain: bool = False


PRODUCTS: dict[str, tuple[ProductTemplate, ...]] = {
    "goji": (
        ProductTemplate("中宁枸杞 特优级 500g", 600, 40, 120),
        ProductTemplate("头茬枸杞 礼盒装 250g×2", 700, 88, 168),
        ProductTemplate("中宁枸杞 特级 1000g 家庭装", 1150, 70, 180),
        ProductTemplate("黑枸杞 200g 罐装", 350, 60, 150),
        ProductTemplate("枸杞干 袋装 250g", 300, 25, 50),
        ProductTemplate("鲜枸杞 冷链直发 1kg", 1500, 50, 90, cold_chain=True),
    ),
    "selenium-melon": (
        ProductTemplate("香山硒砂瓜 1个装 约5kg", 5500, 30, 60),
        ProductTemplate("硒砂瓜 2个装 约10kg", 10800, 55, 99),
        ProductTemplate("硒砂瓜 精选大瓜 约7kg", 7600, 45, 79),
    ),
    "apple": (
        ProductTemplate("中卫苹果 5斤装", 2800, 29, 49),
        ProductTemplate("中卫苹果 10斤 精选 果径80mm+", 5500, 49, 89),
        ProductTemplate("苹果 礼盒 12枚", 3800, 69, 128),
    ),
    "jujube": (
        ProductTemplate("宁夏红枣 500g", 600, 15, 35),
        ProductTemplate("骏枣 特级 1000g", 1150, 29, 59),
        ProductTemplate("红枣夹核桃 礼盒 500g", 650, 39, 69),
    ),
    "grains": (
        ProductTemplate("海原荞麦 2.5kg", 2700, 25, 45),
        ProductTemplate("黄小米 2.5kg", 2700, 25, 50),
        ProductTemplate("燕麦米 1kg", 1100, 15, 32),
        ProductTemplate("苦荞茶 300g", 450, 19, 39),
        ProductTemplate("杂粮礼盒 5种×500g", 2800, 59, 99),
    ),
    "tan-lamb": (
        ProductTemplate("宁夏滩羊肉 羊排 2kg 冷链", 2600, 150, 300, cold_chain=True),
        ProductTemplate("滩羊 羊腿 2.5kg 冷链", 3100, 180, 300, cold_chain=True),
        ProductTemplate("手抓羊肉 礼盒 3kg", 3600, 200, 300, cold_chain=True),
        ProductTemplate("滩羊肉卷 1kg", 1300, 100, 150, cold_chain=True),
    ),
    "honey": (
        ProductTemplate("枸杞蜜 500g", 650, 38, 78),
        ProductTemplate("槐花蜜 1kg", 1200, 49, 89),
        ProductTemplate("百花蜜 500g×2", 1250, 45, 85),
    ),
    "processed-food": (
        ProductTemplate("枸杞原浆 30ml×10袋", 500, 68, 168),
        ProductTemplate("胡麻油 5L", 4800, 98, 168),
        ProductTemplate("八宝茶 礼盒 500g", 700, 39, 79),
        ProductTemplate("中卫蒿子面 1kg", 1100, 19, 35),
        ProductTemplate("荞麦面 2kg", 2100, 19, 39),
    ),
    "desert-wine": (
        ProductTemplate("赤霞珠干红葡萄酒 750ml", 1400, 80, 260),
        ProductTemplate("蛇龙珠干红 750ml×2 礼盒", 3000, 198, 400),
        ProductTemplate("霞多丽干白葡萄酒 750ml", 1400, 88, 198),
    ),
    "daily-goods": (
        ProductTemplate("保温杯 500ml", 450, 29, 69),
        ProductTemplate("沙坡头文创帆布袋", 200, 19, 39),
        ProductTemplate("洗衣液 3kg", 3200, 29, 49),
        ProductTemplate("纯棉毛巾 3条装", 400, 19, 39),
    ),
    "clothing": (
        ProductTemplate("羊毛衫 女款", 450, 129, 299),
        ProductTemplate("羊绒围巾", 250, 99, 259),
        ProductTemplate("户外冲锋衣", 1100, 199, 399),
        ProductTemplate("防晒沙漠徒步帽", 150, 29, 59),
    ),
    "handicraft": (
        ProductTemplate("中卫剪纸 装裱作品", 900, 88, 268),
        ProductTemplate("回族刺绣 香包", 100, 29, 69),
        ProductTemplate("麦秆画 装框", 1500, 128, 398),
        ProductTemplate("黄河石 摆件", 1800, 68, 198),
    ),
    "scenic-ticket": (
        ProductTemplate("沙坡头景区 成人门票", 0, 80, 80),
        ProductTemplate("沙坡头景区 门票+滑沙套票", 0, 120, 180),
        ProductTemplate("黄河羊皮筏子体验", 0, 60, 120),
    ),
    "travel-route": (
        ProductTemplate("腾格里沙漠 星空露营 一日游", 0, 298, 598),
        ProductTemplate("沙坡头+通湖草原 二日游", 0, 599, 1299),
        ProductTemplate("中卫 大漠黄河 三日游", 0, 999, 1999),
    ),
}

# Trades per category: (cooperative trade, firm trade).
TRADES: dict[str, tuple[str, str]] = {
    "goji": ("枸杞种植专业合作社", "枸杞科技有限公司"),
    "selenium-melon": ("硒砂瓜种植专业合作社", "硒砂瓜产销有限公司"),
    "apple": ("苹果种植专业合作社", "果业有限公司"),
    "jujube": ("红枣种植专业合作社", "枣业有限公司"),
    "grains": ("小杂粮种植专业合作社", "粮油有限公司"),
    "tan-lamb": ("滩羊养殖专业合作社", "清真肉食品有限公司"),
    "honey": ("养蜂专业合作社", "蜂业有限公司"),
    "processed-food": ("农产品加工专业合作社", "食品有限公司"),
    "desert-wine": ("酿酒葡萄种植专业合作社", "葡萄酒庄有限公司"),
    "daily-goods": ("日用品专业合作社", "商贸有限公司"),
    "clothing": ("服装加工专业合作社", "服饰有限公司"),
    "handicraft": ("刺绣剪纸专业合作社", "手工艺品有限公司"),
    "scenic-ticket": ("乡村旅游专业合作社", "旅游服务有限公司"),
    "travel-route": ("乡村旅游专业合作社", "国际旅行社有限公司"),
}

# Which categories a merchant of a main category also sells.
COMPANIONS: dict[str, tuple[str, ...]] = {
    "goji": ("jujube", "honey", "processed-food"),
    "selenium-melon": ("apple", "grains"),
    "apple": ("jujube", "selenium-melon"),
    "jujube": ("goji", "grains"),
    "grains": ("processed-food", "honey"),
    "tan-lamb": ("grains", "processed-food"),
    "honey": ("goji", "jujube"),
    "processed-food": ("goji", "grains"),
    "desert-wine": ("goji",),
    "daily-goods": ("clothing", "processed-food"),
    "clothing": ("daily-goods",),
    "handicraft": ("daily-goods",),
    "scenic-ticket": ("travel-route",),
    "travel-route": ("scenic-ticket",),
}

# Main category weights per county (6-digit prefix).
COUNTY_CATEGORIES: dict[str, dict[str, float]] = {
    "640502": {
        "goji": 10,
        "selenium-melon": 18,
        "apple": 14,
        "desert-wine": 8,
        "jujube": 3,
        "grains": 3,
        "tan-lamb": 5,
        "honey": 4,
        "processed-food": 8,
        "daily-goods": 6,
        "clothing": 4,
        "handicraft": 5,
        "scenic-ticket": 4,
        "travel-route": 4,
    },
    "640521": {
        "goji": 45,
        "jujube": 8,
        "apple": 6,
        "grains": 4,
        "tan-lamb": 4,
        "honey": 5,
        "processed-food": 12,
        "selenium-melon": 4,
        "desert-wine": 3,
        "daily-goods": 4,
        "clothing": 3,
        "handicraft": 2,
    },
    "640522": {
        "tan-lamb": 30,
        "grains": 25,
        "selenium-melon": 8,
        "honey": 6,
        "processed-food": 8,
        "handicraft": 8,
        "daily-goods": 6,
        "clothing": 5,
        "apple": 2,
        "goji": 2,
    },
}
# Townships where a category is grown (by name); elsewhere in the county when not listed.
CATEGORY_TOWNSHIPS: dict[str, tuple[str, ...]] = {
    "selenium-melon": ("香山乡", "兴仁镇", "常乐镇", "永康镇", "喊叫水乡", "徐套乡", "西安镇"),
    "desert-wine": ("宣和镇", "镇罗镇", "常乐镇", "永康镇", "石空镇"),
    "apple": ("宣和镇", "永康镇", "镇罗镇", "柔远镇", "东园镇", "舟塔乡", "白马乡"),
    "scenic-ticket": ("迎水桥镇", "滨河镇", "文昌镇"),
    "travel-route": ("迎水桥镇", "滨河镇", "文昌镇"),
}
# County seats and business towns, where firms and shops sit.
SEAT_TOWNSHIPS = ("滨河镇", "文昌镇", "宁安镇", "海城镇", "中卫工业园区", "石空镇")

# Sales by month (January first) per category, relative to the year's mean.
SEASONS: dict[str, tuple[float, ...]] = {
    "goji": (0.8, 0.9, 0.7, 0.7, 0.8, 1.4, 1.6, 1.4, 1.2, 1.0, 1.2, 1.0),
    "selenium-melon": (0.05, 0.05, 0.05, 0.05, 0.2, 0.6, 3.5, 3.5, 1.2, 0.1, 0.05, 0.05),
    "apple": (1.0, 1.1, 0.6, 0.4, 0.3, 0.3, 0.3, 0.5, 1.3, 2.2, 2.2, 1.8),
    "jujube": (1.3, 1.3, 0.8, 0.6, 0.6, 0.6, 0.6, 0.7, 1.0, 1.5, 1.5, 1.4),
    "grains": (1.2, 1.1, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.1, 1.2),
    "tan-lamb": (1.8, 1.6, 0.9, 0.6, 0.5, 0.4, 0.4, 0.5, 0.8, 1.2, 1.6, 2.0),
    "honey": (1.1, 1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 1.0, 1.0, 1.1, 1.1),
    "processed-food": (1.3, 1.3, 1.0, 0.9, 0.9, 1.0, 0.9, 0.9, 1.0, 1.0, 1.1, 1.2),
    "desert-wine": (1.5, 1.4, 0.8, 0.7, 0.7, 0.8, 0.7, 0.8, 1.3, 1.1, 1.2, 1.6),
    "daily-goods": (1.0,) * 12,
    "clothing": (1.1, 0.9, 1.0, 1.0, 0.9, 1.0, 0.8, 0.8, 1.0, 1.2, 1.4, 1.2),
    "handicraft": (0.8, 1.0, 0.8, 0.9, 1.0, 1.1, 1.3, 1.3, 1.0, 1.0, 0.9, 0.9),
    "scenic-ticket": (0.2, 0.5, 0.4, 0.9, 1.5, 1.2, 2.4, 2.6, 1.3, 1.6, 0.4, 0.2),
    "travel-route": (0.2, 0.4, 0.4, 0.9, 1.5, 1.2, 2.5, 2.6, 1.3, 1.6, 0.4, 0.2),
}

SERVICE_CATEGORIES = frozenset({"scenic-ticket", "travel-route"})

HOST_NICKNAMES = _words(
    "杞乡小马哥 沙坡头阿梅 中宁枸杞妹 海原滩羊哥 香山瓜农老杨 黄河边的小丁 "
    "宁夏二丫 大漠葡萄姐 西北农货小白 中卫乡村日记 枸杞姑娘小海 塞上小厨 "
    "沙漠里的果园 老马家滩羊 腾格里阿强 中卫吃货团 宁夏好物推荐官 乡村振兴小雍 "
    "红枣妹妹 黄河农人 "
)

# Station, outlet and hub nouns in each carrier's own wording.
CARRIER_NOUNS: dict[str, tuple[str, str]] = {
    "post": ("邮政营业所", "邮件处理中心"),
    "ems": ("EMS营业部", "邮件处理中心"),
    "sf": ("营业点", "中转场"),
    "zto": ("网点", "转运中心"),
    "yto": ("网点", "转运中心"),
    "sto": ("网点", "转运中心"),
    "yunda": ("网点", "分拨中心"),
    "jtexpress": ("网点", "转运中心"),
    "jd": ("营业部", "分拣中心"),
}
# Shares of parcels per carrier, for parcels into Zhongwei (national market shares, rounded).
CARRIER_SHARES: dict[str, float] = {
    "zto": 20,
    "yto": 16,
    "yunda": 14,
    "jtexpress": 13,
    "sto": 11,
    "sf": 8,
    "jd": 6,
    "post": 8,
    "ems": 4,
}
# (prefix, digits after it) of the demo's waybill numbers: shapes the carrier patterns accept.
WAYBILL_SHAPES: dict[str, tuple[str, int]] = {
    "post": ("98", 11),
    "ems": ("11", 11),
    "sf": ("SF14", 11),
    "zto": ("78", 12),
    "yto": ("YT7", 12),
    "sto": ("773", 12),
    "yunda": ("43", 11),
    "jtexpress": ("JT5", 12),
    "jd": ("JDVA", 11),
}
