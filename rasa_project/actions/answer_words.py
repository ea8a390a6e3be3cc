"""A caller's answer cut down to the words of its value: remarks, fillers, lead-ins and self-corrections dropped.

Pure text rules on normalised ASR text; the libraries' readings (``fields.FieldReader``) run on what is left.
"""

from __future__ import annotations

import re

from actions import answers

# What a caller adds after the place itself ("…15号楼 你记清楚了", "…7层 就我楼上那家").
COMMENTARY_ZH = re.compile(r"你记|记一下|记清楚|记好|记住|听清|听明白|写上|写清楚|就我|就是我|我跟你说|你们赶紧|你们快|对对|"
                           r"我刚|我不是|不是说了|说了吗|不说了吗|叫什么|叫啥")
# "我家是", "他们公司在", "俺们在": the caller speaking of themselves inside the answer. Followed by more of the
# place ("…16号楼 我家是三门五号") only the phrase goes; followed by talk ("…办公室 俺们在那当保安") the rest goes.
SELF_ZH = re.compile(r"(?:我|俺|咱|他|她)们?(?:家|公司|单位|店)?(?:是在|是|在|住在|住)")
PLACE_AT_END = re.compile(r"(?:区|县|镇|乡|街道|大街|路口|路|街|道|巷|胡同|条|里|小区|花园|家园|苑|村|广场|公园|大厦|中心|商场|超市|"
                          r"市场|学校|医院|站|桥|号楼|号院|院|楼|栋|座|单元|层|室|号|门口|门|口|工地|店|馆|厂|装饰|公司|"
                          r"对面|旁边|附近|后面|前面|里面)$")

INNER_ZH = re.compile(r"那边的|这边的|那边|这边|那个|这个|就在|(?<!最)里头|(?<!最)里边|叫做|(?<=[\u4e00-\u9fff])叫(?=[\u4e00-\u9fff])")
# 的 after a place's name goes (大街的胜芳园); after a direction it is part of the place (旁边的厂子, 南边的那条道).
OF_AFTER_PLACE = re.compile(r"(?<=[街路区园里楼号口道苑村镇])的(?=[\u4e00-\u9fff\d])")


def without_commentary(text: str) -> str:
    """Return a Mandarin answer to "where?" without the remarks after the place and the fillers inside it."""
    flat = re.sub(r"\s+", "", text)
    cue = COMMENTARY_ZH.search(flat)
    if cue and cue.start() >= 3:
        flat = flat[: cue.start()]
    for own in reversed(list(SELF_ZH.finditer(flat))):
        if own.start() < 3:
            continue
        rest = flat[own.end() :]
        flat = flat[: own.start()] + rest if PLACE_AT_END.search(rest) and len(rest) >= 2 else flat[: own.start()]
    flat = OF_AFTER_PLACE.sub("", INNER_ZH.sub("", flat))
    return re.sub(r"儿(?=$|的)", "", flat)


PLACE_NUMBER = r"[\d零〇一二三四五六七八九十百两幺]+(?:号楼|号院|号|楼|栋|幢|单元|层|室|区|条|门)"


def self_corrected_place(text: str) -> str:
    """Return a Mandarin place answer with the caller's own correction applied ("二十六号 不对 是二十八号")."""
    flat = answers.compact(text)
    cue = answers.correction_cue(flat)
    if cue is None or cue.start() == 0:
        return flat
    before, after = flat[: cue.start()], re.sub(r"^(?:是|应该是|改成|改为)", "", flat[cue.end() :])
    number = re.match(PLACE_NUMBER, after)
    if number:
        unit = re.sub(r"^[\d零〇一二三四五六七八九十百两幺]+", "", number.group(0))
        earlier = [m for m in re.finditer(PLACE_NUMBER, before) if m.group(0).endswith(unit)]
        if earlier:
            return before[: earlier[-1].start()] + after
    for size in range(len(after), 1, -1):  # "劲松八区 不对 是劲松九区": the part said again replaces its first saying
        at = before.rfind(after[:size])
        if at >= 0:
            return before[:at] + after
    if re.search(r"区|县", after):
        return after  # a whole new place
    if re.search(r"路|街|胡同|小区|村|镇", after):
        division = ADMIN_PREFIX.match(before)  # "平谷区府前街 不对 是新平北路…": the district stays
        return (division.group(0) if division else "") + after
    return before + after


ADMIN_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|县)(?:[\u4e00-\u9fff]{1,6}?(?:街道|镇|乡))?")


# The digits of an area code said after the number ("…六九八五幺二三四 前头要加零幺零").
AREA_CODE_AFTER = re.compile(r"(?:区号|前面|前头|前边)(?:是|要|得)?(?:加|加上)?([零〇洞0][幺一1-9二三四五六七八九2-9][零〇洞幺一二三四五六七八九\d]{0,2})")
# The wrong digits a caller names after the right ones ("…五六七九 不是五六七八", "…nine eight five four not …").
NOT_THAT = re.compile(r"(?:\s+not|不是)\s*(?:[零〇洞幺一二两三四五六七八九\d]|\b(?:zero|oh|one|two|three|four|five|six|seven|eight"
                      r"|nine|double|triple)\b|\s)+$")
ID_CUE = re.compile(r"身份证|证件号|\bid\b|identity|identification")


# An English answer to "where?" is kept in the caller's words; what follows the place ("since yesterday it smells")
# is cut, and a place needs a place word.
EN_TAIL = re.compile(r"\b(?:since|every|yesterday|last night|this morning|for the past|and it|it smells|they are|they're"
                     r"|there is|there are|and they)\b")
EN_LEAD = re.compile(r"^(?:(?:oh|sorry|yes|yeah|well|so|okay|ok|right|sure|where|the)\s+)*(?:(?:the )?(?:place|address"
                     r"|location|time|office|construction site|shop|it)(?: is| it's| was| is in| is at| was in| was at)?"
                     r"|it's in|it's at|it's on|it is in|it is at|it is on|it was the|it was|it's the|(?:we|i|she|he|they)"
                     r" lives? (?:in|at)|it's|it is)\s+")
EN_STREET = re.compile(r"\b(?:road|street|avenue|lane|alley|hutong|district)\b")
EN_PRONOUN = re.compile(r"\b(?:i|we|our|my|you|they|it|he|she|me|us)\b")
EN_TIME_WORD = re.compile(r"\b(?:since|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|month|year"
                          r"|morning|afternoon|evening|night|day|days|ago|o'clock|am|pm|noon|midnight|today|yesterday"
                          r"|\d+)\b")
EN_FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "like", "basically", "you know", "i mean"})


def english_answer(text: str) -> str:
    """Return an English answer in the caller's own words: lower case, fillers and lead-ins dropped."""
    words = re.sub(r"[^\w\s']", " ", text.lower())
    words = re.sub(r"\b(?:you know|i mean)\b", " ", words)
    kept = " ".join(w for w in words.split() if w not in EN_FILLERS)
    previous = None
    while previous != kept:
        previous, kept = kept, EN_LEAD.sub("", kept)
    return kept.strip()
EN_PLACE = re.compile(r"\b(?:district|road|street|avenue|lane|alley|hutong|park|gate|square|station|stop|building|tower"
                      r"|floor|apartment|compound|village|town|market|mall|school|hospital|restaurant|shop|store|bar"
                      r"|plaza|garden|gardens|xiaoqu|jiayuan|yuan|villas?|house|courtyard|bridge|exit|entrance|corner"
                      r"|toilet|factory|office|centre|center|salon|gym|hotel|near|opposite|next to|outside|behind)\b")


# A place said in passing is taken only with a detail below the district (a road, a compound, a number).
DETAIL_ZH = re.compile(r"路|街|道|巷|胡同|条|号|楼|小区|村|园|里|大厦|广场|市场|工地|门|口|站|店|馆|院|厂|中心|公园|学校|医院")
TIME_LEAD_ZH = re.compile(
    r"(?:天天|每天|每晚|每周[一二三四五六日天]?|每个(?:周|月|星期|礼拜)[一二三四五六日天]?|平时|一到|自从|打从|从|过了|最近|"
    r"几乎|最|到|至|今年|去年|[一二三四五六七八九十\d]+月份?|"
    r"快|约|大概|差不多|大约|都|这|[一二两三四五六七八九十俩几半]+个?(?:月|礼拜|星期|周|天|年)了?)$"
)

# "最后四位是…", "the last four digits are…": how many digits a correction replaces.
LAST_DIGITS_ZH = re.compile(r"(?:最后|后|尾号)([一二三四五六七八九两几\d])位")
LAST_DIGITS_EN = re.compile(r"\blast (one|two|three|four|five|six|\d) digits?\b")
EN_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
ZH_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
