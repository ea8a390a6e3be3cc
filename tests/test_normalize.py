"""Text normalisation for speech and the Mandarin pinyin conversion (pure, table-tested)."""

from __future__ import annotations

import pytest

from tts.normalize import normalize, spell_digits, zh_number
from tts.pinyin import is_speakable, to_pinyin

ZH_CASES = [
    # digit runs of 3+ and phone numbers: digit by digit, 幺 for 1
    ("请拨打12345热线", "请拨打幺二三四五热线"),
    ("12345", "幺二三四五"),
    ("110", "幺幺零"),
    ("手机138-1234-5678", "手机幺三八，幺二三四，五六七八"),
    ("电话 +86 10 1234 5678", "电话，加八六，幺零，幺二三四，五六七八"),
    ("13812345678", "幺三八幺二三四五六七八"),
    # ticket ids: letters spelled, dashes dropped
    ("您的工单号是ZH-2024-0001。", "您的工单号是Z H二零二四零零零幺。"),
    ("A1B2", "A幺B二"),
    ("工单 ZH-2024-0001 已受理", "工单Z H二零二四零零零幺，已受理"),
    # short numbers are numbers
    ("8点", "八点"),
    ("2点", "两点"),
    ("15分钟", "十五分钟"),
    ("第10个", "第十个"),
    ("等0分钟", "等零分钟"),
    ("05号", "零五号"),
    ("3.5公里", "三点五公里"),
    # times
    ("我们8:30到17:30上班", "我们八点三十到十七点三十上班"),
    ("9:05", "九点零五"),
    ("12:00", "十二点"),
    ("8：30", "八点三十"),
    # dates and years read with 一, not the telephone 幺
    ("2024年1月15日", "二零二四年一月十五日"),
    ("2021-11-05", "二零二一年十一月五日"),
    # symbols and markup
    ("温度25℃", "温度二十五摄氏度"),
    ("50%", "百分之五十"),
    ("**注意**：请稍等😀", "注意：请稍等"),
    ("# 标题\n- 第一条\n- 第二条", "标题。第一条。第二条"),
    ("`代码`和~~删除~~", "代码和删除"),
    ("详见[官网](https://www.12345.gov.cn)", "详见官网"),
    ("访问 https://www.12345.gov.cn/a_b 查询", "访问https://www.12345.gov.cn/a_b查询"),
    # a space between Hanzi phrases is a pause
    ("您好 这里是热线 请问有什么可以帮您", "您好，这里是热线，请问有什么可以帮您"),
    ("", ""),
]

EN_CASES = [
    ("Call 12345 now", "Call one two three four five now"),
    ("Your ticket is ZH-2024-0001.", "Your ticket is Z H two zero two four zero zero zero one."),
    ("Ticket A1B2", "Ticket A one B two"),
    ("Phone 138-1234-5678", "Phone one three eight, one two three four, five six seven eight"),
    ("Dial +86 10 1234 5678", "Dial plus eight six, one zero, one two three four, five six seven eight"),
    ("Wait 5 minutes", "Wait 5 minutes"),
    ("We open 8:30 to 17:30.", "We open 8 30 to 17 30."),
    ("At 9:05 or 9:00", "At 9 oh 5 or 9 o'clock"),
    ("the 3rd time at 10am", "the 3rd time at 10am"),
    ("COVID-19 rules", "COVID one nine rules"),
    ("50% off", "50 percent off"),
    ("On 2024-01-15", "On January 15, 2024"),
    ("It is 25℃", "It is 25 degrees Celsius"),
    ("**Note**: see [docs](http://x.org/y) 👍", "Note: see docs"),
    ("See https://www.12345.gov.cn/a_b now", "See https://www.12345.gov.cn/a_b now"),
    ("# Title\n* one\n* two", "Title. one. two"),
    ("Thanks! 🙏🏻", "Thanks!"),
]


@pytest.mark.parametrize(("text", "expected"), ZH_CASES)
def test_normalize_zh(text: str, expected: str) -> None:
    assert normalize(text, "zh-CN") == expected


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_normalize_en(text: str, expected: str) -> None:
    assert normalize(text, "en-US") == expected


def test_normalize_is_idempotent() -> None:
    for text, _ in ZH_CASES:
        once = normalize(text, "zh-CN")
        assert normalize(once, "zh-CN") == once
    for text, _ in EN_CASES:
        if "2024-" in text:
            continue  # an English date keeps its year as digits ("January 15, 2024") for espeak
        once = normalize(text, "en-US")
        assert normalize(once, "en-US") == once


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "零"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (21, "二十一"), (99, "九十九")],
)
def test_zh_number(value: int, expected: str) -> None:
    assert zh_number(value) == expected


def test_zh_number_range() -> None:
    with pytest.raises(ValueError):
        zh_number(100)


def test_spell_digits() -> None:
    assert spell_digits("1024", zh=True) == "幺零二四"
    assert spell_digits("1024", zh=False) == "one zero two four"


PINYIN_CASES = [
    ("您好，这里是幺二三四五热线。", "nin2 hao3, zhe4 li3 shi4 yao1 er4 san1 si4 wu3 re4 xian4."),
    # the phrase dictionary picks the right reading of polyphonic characters
    ("重庆", "chong2 qing4"),
    ("银行", "yin2 hang2"),
    ("了解", "liao3 jie3"),
    ("长城", "chang2 cheng2"),
    ("好的吧", "hao3 de5 ba5"),
    ("绿色", "lv4 se4"),
    # Latin letters spelled the Mandarin way, punctuation to pauses
    ("Z H二零", "zei4 ai2 qi1 er4 ling2"),
    ("OK！好……", "ou1 kai4. hao3."),
    ("，、你好", "ni3 hao3"),
    ("1", "yao1"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), PINYIN_CASES)
def test_to_pinyin(text: str, expected: str) -> None:
    assert to_pinyin(text) == expected


def test_is_speakable() -> None:
    assert is_speakable("ni3")
    assert not is_speakable(", .")
    assert not is_speakable("")
