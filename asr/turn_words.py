"""Word tables of the end-of-turn rule (``asr/end_of_turn.py``), one entry per language.

Each table lists how callers end a turn that is not over (a hesitation, a conjunction, an opened phrase), how
they end one that is (a sentence-final particle, a closing phrase), the complete answers to a yes/no question, and
how they say digits (the digits themselves come from ``voicebot/spoken_digits.py``, shared with the rest of the
bot). Mandarin entries match the end of the transcript with spaces removed (vosk writes Mandarin with spaces
between words); English entries match whole words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from voicebot.spoken_digits import EN_DIGITS, WRITTEN_DIGITS, ZH_DIGITS


@dataclass(frozen=True, slots=True)
class TurnWords:
    """One language's cues for the end of a caller's turn."""

    joined: bool
    """True when words are matched on the text without spaces (Mandarin), False for whole words (English)."""
    hesitations: frozenset[str]
    """Endings that mean more is coming: fillers (那个, um), conjunctions (然后, and), opened phrases (我想问一下)."""
    closers: frozenset[str]
    """Endings that close a turn: sentence-final particles (吗, 呢) and closing phrases (谢谢, that's all)."""
    yes_no: frozenset[str]
    """Whole answers to a yes/no question (是的, 不对, yes, no); sentence-final particles may follow."""
    particles: frozenset[str]
    """Particles stripped from the end before a yes/no answer is matched (对啊 -> 对)."""
    digits: Mapping[str, str]
    """How a digit is said or written -> the digit (幺 -> 1, oh -> 0: ``voicebot/spoken_digits.py``); ``x`` ends
    an ID number."""
    repeats: dict[str, int]
    """Words that say the next digit several times (double five -> 55)."""
    counters: frozenset[str]
    """What makes a lone digit before it part of a word, not a number (一下, 两个): Mandarin only."""


_ZH_DIGITS = MappingProxyType({**ZH_DIGITS, **WRITTEN_DIGITS, "叉": "x", "x": "x"})  # x ends an ID number

ZH = TurnWords(
    joined=True,
    hesitations=frozenset({
        "那个", "这个", "就是", "就是说", "然后", "还有", "而且", "另外", "嗯", "呃", "额", "唔", "那么", "就",
        "和", "跟", "因为", "所以", "但是", "可是", "不过", "或者", "如果", "的话", "比如", "比如说", "怎么说",
        "我想", "我想问", "我想问一下", "想问一下", "问一下", "请问", "我要", "我要反映", "我想反映", "反映一下",
        "我是", "我们", "我家", "我们家", "把", "对于", "关于", "电话是", "号码是", "地址是", "问题是",
        "手机号是", "身份证号是", "一个", "有个", "有一个",
    }),
    closers=frozenset({
        "吗", "呢", "吧", "了", "啊", "呀", "啦", "嘛", "谢谢", "谢谢你", "谢谢您", "再见", "好的", "没有了", "没了",
        "就这些", "就这样", "就这个", "行了", "可以了", "好了", "处理一下", "帮我处理一下", "管一管", "解决一下",
    }),
    yes_no=frozenset({
        "是", "是的", "是是", "对", "对的", "对对", "对对对", "没错", "好", "好的", "行", "可以", "嗯", "嗯嗯", "要",
        "需要", "保密", "不", "不是", "不对", "不用", "不要", "不需要", "没有", "没", "错了", "不保密",
        "不行", "不可以", "有", "有人", "没人", "没有人",
    }),
    particles=frozenset({"啊", "呀", "吧", "呢", "哦", "的", "了"}),
    digits=_ZH_DIGITS,
    repeats={},
    counters=frozenset("下个些点样起直定般共切会遍次位种天块边"),
)

_EN_DIGITS = MappingProxyType({**EN_DIGITS, **WRITTEN_DIGITS, "x": "x"})

EN = TurnWords(
    joined=False,
    hesitations=frozenset({
        "and", "um", "umm", "uh", "uhm", "er", "erm", "hmm", "the", "a", "an", "so", "because", "but", "or", "my",
        "our", "your", "is", "are", "was", "i", "i'm", "like", "then", "well", "which", "if", "there's", "we",
        "to", "of", "with", "in", "on", "at", "from", "that",
        "i want", "i need", "i want to", "i'd like to", "i need to", "i want to ask", "you know", "i mean",
        "there is", "my name is", "the address is", "my number is", "it is at", "it's at",
    }),
    closers=frozenset({
        "thanks", "thank you", "bye", "goodbye", "that's all", "that is all", "please", "that's it", "nothing else",
    }),
    yes_no=frozenset({
        "yes", "yeah", "yep", "yup", "no", "nope", "right", "correct", "sure", "okay", "ok", "that's right",
        "that is right", "of course", "not really", "no thanks", "no thank you", "yes please", "i do", "i don't",
        "yes it is", "no it isn't", "it is", "it isn't", "no one", "nobody", "yes there is", "no there isn't",
        "no need", "yes that is right", "yes that's right", "that is correct", "no that is wrong",
        "no that's wrong",
    }),
    particles=frozenset(),
    digits=_EN_DIGITS,
    repeats={"double": 2, "triple": 3},
    counters=frozenset(),
)

TABLES = {"zh": ZH, "en": EN}
"""Tables by the language part of a call's language tag (``zh-CN`` -> ``zh``)."""


def turn_words(lang: str) -> TurnWords:
    """Return the table for a call language (``zh-CN``, ``en-US``); unknown languages get the English table."""
    return TABLES.get(lang.split("-")[0].lower(), EN)
