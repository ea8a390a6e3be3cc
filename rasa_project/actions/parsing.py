"""Pure text parsing for the actions: digits, phone numbers, categories, places, times, emergencies.

Works on normalised ASR text in both languages (Mandarin without spaces between Hanzi, English lower case).
No Rasa imports: unit-tested directly.
"""

from __future__ import annotations

import re

CATEGORIES = ("noise", "sanitation", "traffic", "property", "utilities", "consumer", "labor", "safety_hazard", "other")

# Keywords per category (12345 practice). The category with the most keyword hits wins; ties go to the earlier one
# (traffic and consumer words are often only where it happened: "the sidewalk", "the restaurant"), so they come last.
CATEGORY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("labor", ("工资", "欠薪", "讨薪", "工钱", "劳动", "社保", "五险一金", "加班", "辞退", "开除", "劳务", "工伤", "包工头", "劳动合同", "试用期", "拖欠",
        "不给钱", "wage", "salary", "labor", "labour", "overtime", "fired me", "social insurance", "employer", "unpaid",
        "my boss", "not paid", "owed me", "contract", "pension", "劳动纠纷", "labour dispute", "labor dispute",
        "compensation", "wages", "人工", "工钱", "结账", "owes me", "owe me")),
    ("property", ("物业", "电梯", "业委会", "楼道", "门禁", "保安", "维修基金", "房东", "押金", "中介", "楼上漏水", "渗水", "property",
        "elevator", "lift", "building management", "landlord", "deposit", "management company",
        "leaking from upstairs", "stairwell", "物业费", "停车费", "小区设施", "维修", "playground", "property fee",
        "upstairs flat", "ceiling")),
    ("noise", ("噪音", "噪声", "吵", "装修", "施工", "广场舞", "喇叭", "鸣笛", "音响", "电钻", "砸墙", "咚咚", "跑跳", "蹦迪", "唱歌", "noise",
        "noisy", "loud", "renovation", "construction", "music", "barking", "dancing", "drilling", "speaker", "party",
        "banging", "警笛", "嗡嗡", "震", "siren", "bark", "rattl", "humming", "karaoke", "sing", "air conditioner",
        "鞭炮", "烟花", "放炮", "咣当", "拖椅子", "狗叫", "firecracker", "fireworks at night")),
    ("sanitation", ("垃圾", "卫生", "脏", "臭", "下水道", "污水", "油烟", "老鼠", "蟑螂", "异味", "烧烤", "狗屎", "粪便", "焚烧", "烧垃圾", "苍蝇",
        "排污", "garbage", "trash", "rubbish", "sanitation", "dirty", "smell", "stink", "smoke", "sewer", "sewage",
        "litter", "rats", "cockroach", "bins", "dog poo", "fumes", "环境卫生", "杀鱼", "血水", "腥", "厕所", "drain",
        "cooking oil", "pouring", "blood", "barbecue", "toilet", "filthy", "waste", "dumped", "dumping")),
    ("utilities", ("停水", "停电", "停气", "水电", "暖气", "供暖", "路灯", "自来水", "没水", "没电", "水压", "热水", "燃气", "电费", "水费", "水管",
        "water", "power", "electricity", "heating", "street light", "streetlight", "outage", "utilities", "radiator",
        "hot water", "blackout", "water pressure", "pipe", "水电气", "电欠费", "欠费", "gas bill", "water bill", "no water",
        "no power", "断电", "跳闸", "停了电", "没暖气", "gas company", "water main", "water has been off")),
    ("safety_hazard", ("隐患", "井盖", "危险", "电线", "消防通道", "塌", "裂缝", "脱落", "倾斜", "漏电", "飞线充电", "私拉", "高空", "坠物", "护栏",
        "大坑", "广告牌", "松动", "松了", "松掉", "摇摇欲坠", "hazard", "manhole", "dangerous", "wire", "fire exit", "collapse",
        "crack", "falling", "loose", "railing", "pothole", "exposed cable", "fire door", "安全隐患", "围挡", "砸", "倒了",
        "充电", "电动车进楼", "着火", "易燃", "fireworks", "fire danger", "fire risk", "gas cylinder", "branch", "hanging",
        "safety hazard", "broken glass", "illegal building", "illegal construction")),
    ("traffic", ("交通", "停车", "乱停", "占道", "堵车", "堵路", "出租车", "网约车", "红绿灯", "信号灯", "公交", "违章", "绕路", "拒载", "共享单车",
        "逆行", "斑马线", "人行道", "车位", "僵尸车", "摆摊", "三轮车", "电动车乱", "traffic", "parking", "parked", "taxi", "bus", "jam",
        "crosswalk", "sidewalk", "pavement", "bike lane", "scooter", "double park", "blocking the road",
        "street vendor", "stall", "黑车", "拉客", "马路", "路面", "压坏", "货车", "truck", "shortcut", "black cab",
        "illegal taxi", "speeding", "zebra crossing", "crossing", "pedestrian", "green light", "traffic light")),
    ("consumer", ("假货", "退款", "退货", "退钱", "商家", "消费", "饭店", "餐馆", "黑作坊", "欺诈", "缺斤少两", "过期", "变质", "质量", "售后", "乱收费",
        "宰客", "预付卡", "办卡", "健身房", "培训机构", "二手车", "泡水", "车行", "超市", "外卖", "商场", "店家", "老板娘", "发票", "fake", "refund",
        "shop", "store", "consumer", "overcharg", "restaurant", "workshop", "scam", "expired", "receipt", "warranty",
        "gym", "membership", "prepaid", "supermarket", "seller", "merchant", "rip off", "ripped off", "收钱", "驿站",
        "快递", "乱涨价", "押金不退", "illegal workshop", "菜单", "多收", "馆子")),
)

ZH_DIGITS = {"零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "to": "2", "too": "2", "three": "3",
             "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
ZH_SPOKEN = "零幺二三四五六七八九"

ANONYMOUS_WORDS = ("匿名", "不留", "不想留", "不方便留", "不要留", "anonymous", "no number", "not leave",
                   "not want to leave", "don't want to leave", "rather not give", "not giving my number", "not giving you my number",
                   "won't give my number", "won't give you my number", "not going to give my number",
                   "don't want to give my number", "don't want to give my phone", "不给电话",
                   "不告诉你电话", "电话就不留", "号码就不留", "不想说电话")
NEGATIONS = ("不用", "不需要", "不必", "没必要", "不要", "甭", "没啥", "没什么", "no need", "not ", "don't", "do not",
             "doesn't", "does not")
CONFIDENTIAL_WORDS = ("保密", "confidential", "secret", "private")
FILLERS_ZH = ("嗯", "呃", "啊", "那个", "就是", "这个", "然后", "对了", "不对", "不是", "是的", "是")
FILLERS_EN = ("um", "uh", "er", "so", "well", "like", "okay", "ok", "no", "yes", "yeah", "it is", "it's", "its")

TIME_ZH = re.compile(
    r"(今天|昨天|前天|大前天|明天|上周[一二三四五六日天]?|上个?星期[一二三四五六日天]?|这几天|最近|每天|天天|每晚|刚才|刚刚"
    r"|凌晨|早上|上午|中午|下午|傍晚|晚上|半夜|夜里|深夜|[一二两三四五六七八九十\d]+点(?:半|多|钟)?"
    r"|[一二两三四五六七八九十\d]+(?:天|个月|周|个星期)(?:前|以前|了)|[一二三四五六七八九十\d]+月[一二三四五六七八九十\d]+[号日]"
    r"|以后|左右)"
)
TIME_EN = re.compile(
    r"\b(the day before yesterday|yesterday|today|tonight|last night|this morning|this afternoon|this evening"
    r"|every (?:night|day|morning|evening|weekend)|last (?:week|month|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)|(?:\w+ )?(?:days|weeks|hours) ago|in the (?:morning|afternoon|evening)|at night"
    r"|(?:at|around|after|since) \w+(?: \w+)? (?:am|pm|o'clock|oclock)|(?:at|around|after|since) (?:midnight|noon)"
    r"|(?:at|around|after) (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\b)"
)
PLACE_ZH = re.compile(r"[\u4e00-\u9fff0-9]{1,14}?(?:区|县|路|街|大道|巷|胡同|小区|村|镇|广场|公园|大厦|号楼|楼|号|门口|市场)")
PLACE_LEAD_ZH = re.compile(r"^.*(?:在|是|投诉|举报|反映|我们|咱们|那个|就是|说|家|到)")
LOCATION_CUE_ZH = re.compile(r"(?:地址|地点|位置|地方)(?:是|在)?(.+)")
LOCATION_CUE_EN = re.compile(r"\b(?:the )?(?:address|location|place) (?:is|was) (.+)")
TIME_CUE_ZH = re.compile(r"(?:时间|日期)(?:是|在)?(.+)")
TIME_CUE_EN = re.compile(r"\b(?:the )?(?:time|date) (?:is|was) (.+)")
GENERIC_COMPLAINT = re.compile(
    r"我(?:要|想)(?:投诉|举报|反映|报)(?:一下|个问题|一个问题)?|投诉一下|反映(?:一下|个)?问题|帮我报个问题"
    r"|i (?:want|would like|need) to (?:make|file|log|report|complain)(?: a| about)?(?: complaint| problem)?"
)


def has_hanzi(text: str) -> bool:
    """Return whether the text contains Chinese characters."""
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def digit_string(text: str) -> str:
    """Return the longest run of digits spoken or written in the text (Chinese, English words or numerals)."""
    runs: list[str] = []
    current = ""
    tokens = re.findall(r"[\u4e00-\u9fff]|[a-z']+|\d+|\S", text.lower())
    for i, token in enumerate(tokens):
        if token.isdigit():
            current += token
        elif token in ZH_DIGITS:
            current += ZH_DIGITS[token]
        elif token in EN_DIGITS and (token not in ("o", "to", "too", "for") or current):
            current += EN_DIGITS[token]
        elif token in ("double", "triple") and i + 1 < len(tokens) and tokens[i + 1] in EN_DIGITS:
            current += EN_DIGITS[tokens[i + 1]] * (1 if token == "double" else 2)
        else:
            if current:
                runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return max(runs, key=len, default="")


def phone_number(text: str) -> str | None:
    """Return a phone number (7 to 12 digits) spoken in the text, or None."""
    digits = digit_string(text)
    return digits if 7 <= len(digits) <= 12 else None


def partial_digits(text: str) -> bool:
    """Return whether the text holds digits that are too few or too many for a phone number."""
    digits = digit_string(text)
    return bool(digits) and not 7 <= len(digits) <= 12 and len(digits) >= 3


def ticket_number(text: str) -> str | None:
    """Return a ticket number (at least 3 digits) from the text, or None."""
    digits = digit_string(text)
    return digits if len(digits) >= 3 else None


def wants_anonymous(text: str) -> bool:
    """Return whether the caller declines to leave a number."""
    low = text.lower()
    return any(word in low for word in ANONYMOUS_WORDS)


def confidentiality(text: str) -> bool | None:
    """Return True/False if the caller said whether to keep details confidential, else None."""
    low = text.lower()
    if not any(word in low for word in CONFIDENTIAL_WORDS):
        return None
    return not any(neg in low for neg in NEGATIONS)


def category(text: str) -> str | None:
    """Return the complaint category the text's keywords point to most (each mention counts), or None."""
    low = text.lower().replace(" ", "") if has_hanzi(text) else text.lower()
    best, hits = None, 0
    for name, words in CATEGORY_KEYWORDS:
        count = sum(len(re.findall(rf"\b{re.escape(word)}", low)) if word.isascii() else low.count(word) for word in words)
        if count > hits:
            best, hits = name, count
    return best


def canonical_category(value: str | None) -> str | None:
    """Map an entity value (canonical or raw words) to a category."""
    if not value:
        return None
    low = value.lower().strip()
    if low in CATEGORIES:
        return low
    return category(low)


def _span(pattern: re.Pattern[str], text: str) -> str | None:
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    return text[matches[0].start() : matches[-1].end()].strip()


def incident_time(text: str) -> str | None:
    """Return the time expression in the text, or None."""
    cue = (TIME_CUE_ZH if has_hanzi(text) else TIME_CUE_EN).search(text.lower())
    if cue:
        return clean(cue.group(1)) or None
    return _span(TIME_ZH, text) if has_hanzi(text) else _span(TIME_EN, text.lower())


def location_cue(text: str) -> str | None:
    """Return a place given with an explicit cue ("地址是……", "the address is ..."), or None."""
    cue = (LOCATION_CUE_ZH if has_hanzi(text) else LOCATION_CUE_EN).search(text.lower())
    return (clean(cue.group(1)) or None) if cue else None


def place_words(text: str) -> str | None:
    """Return Mandarin words that look like a place (ending in 区, 路, 小区...), or None."""
    found = [PLACE_LEAD_ZH.sub("", m) for m in PLACE_ZH.findall(clean(text))]
    # "小区", "社区" alone say nothing about where: a place needs a name (three characters or more).
    found = [m.lstrip("的") for m in found if len(m.lstrip("的")) >= 3]
    return "".join(found) if found else None


def clean(text: str) -> str:
    """Strip fillers and leading cue words so the rest can be stored as a free-text answer."""
    out = text.strip()
    fillers = FILLERS_ZH if has_hanzi(out) else FILLERS_EN
    changed = True
    while changed:
        changed = False
        for filler in fillers:
            sep = "" if has_hanzi(filler) else " "
            if out.lower().startswith(filler + sep) or out.lower() == filler:
                out = out[len(filler) :].strip()
                changed = True
    for prefix in ("在", "就在", "发生在", "是在", "at ", "on ", "in ", "near "):
        if out.startswith(prefix) and len(out) > len(prefix) + 1:
            out = out[len(prefix) :].strip()
    return out


def substantive(text: str) -> bool:
    """Return whether a complaint opener says more than "I want to complain" (then it is the description)."""
    rest = clean(GENERIC_COMPLAINT.sub("", text.lower()))
    if has_hanzi(rest):
        return len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 6
    return len(rest.split()) >= 4


def emergency_kind(text: str) -> str:
    """Return which emergency service fits: ``gas``, ``fire``, ``medical`` or ``police``."""
    low = text.lower()
    if any(w in low for w in ("煤气", "燃气", "天然气", "gas")):
        return "gas"
    if any(w in low for w in ("火", "烟", "fire", "smoke", "burning", "flames")):
        return "fire"
    medical = ("晕", "受伤", "血", "心脏", "摔倒", "呼吸", "救护车", "昏迷", "不省人事", "急救", "中毒", "faint", "hurt",
               "bleeding", "heart", "ambulance", "breathe", "collapsed", "injured", "unconscious", "fell", "poison")
    if any(w in low for w in medical):
        return "medical"
    return "police"


def spoken_digits(digits: str, lang: str) -> str:
    """Format a digit string to be read back one digit at a time, grouped (3-4-4 for mobiles)."""
    groups = [digits[:3], digits[3:7], digits[7:]] if len(digits) == 11 else [digits[i : i + 4] for i in range(0, len(digits), 4)]
    groups = [g for g in groups if g]
    if lang.startswith("zh"):
        return " ".join("".join(ZH_SPOKEN[int(d)] for d in g) for g in groups)
    return ", ".join(" ".join(g) for g in groups)
