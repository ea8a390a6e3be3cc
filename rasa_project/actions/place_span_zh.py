"""Where a place starts and ends inside a Mandarin sentence, from jieba's part-of-speech tags.

A caller says the place in the middle of everything else ("我要投诉朝阳区建国路那边工地每天晚上施工太吵") or adds
commentary after it ("…十五号楼你记清楚了"). jieba (the tokenizer the Mandarin Rasa model already uses, with the
project's place dictionary) tags place names ``ns``/``s``; nouns ending in a place word (小区, 号楼, 门口) and
numbers before a unit (十二 号楼) continue a place. The span runs from the first named place to the last place word
before other talk; the fillers inside it (那个, 那边, 嗯) and a spoken 儿 are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from actions.nlp_libs import NlpLibs

DICTIONARY = Path(__file__).resolve().parent.parent / "knowledge" / "jieba" / "userdict.txt"
PLACE_END = re.compile(
    r"(?:区|县|镇|乡|街道|大街|路口|路|街|大道|巷|胡同|条|里|弄|小区|花园|家园|公寓|苑|村|庄|屯|社区|广场|公园|大厦|"
    r"中心|商场|超市|市场|学校|小学|中学|幼儿园|大学|医院|车站|地铁站|站|桥|号楼|号院|院|楼|栋|幢|座|单元|层|室|号|"
    r"门口|门|口|工地|饭店|餐馆|酒店|宾馆|园区|园|厂|店|馆|北里|南里|东里|西里|西区|东区|南区|北区|期|组|排|底商|"
    r"对面|旁边|附近|边上|楼下|后面|前面|里面|路边|路南|路北|路东|路西)$"
)
# Place words that say nothing on their own about where ("小区" alone): they continue a place, never start one.
GENERIC = frozenset({"小区", "楼", "楼上", "楼下", "单元", "街道", "路口", "门口", "广场", "公园", "市场", "工地", "门", "口",
                     "附近", "对面", "旁边", "边上", "里面", "后面", "前面", "这里", "那里", "这边", "那边", "院", "号",
                     "层", "室", "区", "路边", "中心", "店", "楼道", "小广场", "胡同", "胡同口", "园", "里"})
NUMERAL = re.compile(r"^[\d零〇一二三四五六七八九十百两幺]+$")
UNIT_AFTER_NUMBER = re.compile(r"^(?:号楼|号院|号|楼|栋|幢|座|单元|层|室|区|条|期|组|排|门|巷|弄|里|号门)")
# Small words that may sit inside a place ("建国路那边的工地"); dropped from the value.
INSIDE = frozenset({"的", "那边", "这边", "那", "这", "那个", "这个", "就是", "嗯", "呃", "啊", "儿"})
DROP = frozenset({"那边", "这边", "那", "这", "那个", "这个", "就是", "嗯", "呃", "啊", "儿"})
# Words jieba tags as places that are times or people here.
NOT_PLACES = frozenset({"礼拜", "星期", "周末", "晚上", "早上", "中午", "半夜", "白天", "夜里", "凌晨", "傍晚"})


@dataclass(frozen=True, slots=True)
class PlaceSpan:
    """A place found in a sentence."""

    text: str
    """The place, fillers inside it dropped (numerals still as spoken)."""
    named: bool
    """True when it starts with a named place (a district, a road, a compound), not just 小区 or 门口."""


class PlaceSpans:
    """Finds place spans with jieba's POS tagger (one tokenizer per process, with the project dictionary)."""

    def __init__(self, libs: NlpLibs) -> None:
        self._libs = libs
        self._tagger: object | None = None

    def _tokens(self, text: str) -> list[tuple[str, str]]:
        if self._tagger is None:
            jieba = self._libs.load("jieba")
            posseg = self._libs.load("jieba.posseg")
            tokenizer = jieba.Tokenizer()
            if DICTIONARY.exists():
                tokenizer.load_userdict(str(DICTIONARY))
            self._tagger = posseg.POSTokenizer(tokenizer)
        return [(pair.word, pair.flag) for pair in self._tagger.cut(text)]  # type: ignore[attr-defined]

    def find(self, text: str, require_name: bool = True) -> PlaceSpan | None:
        """Return the first place span in the text (``require_name``: it must start at a named place)."""
        flat = re.sub(r"\s+", "", text)
        tokens = self._tokens(flat)
        for start, (word, flag) in enumerate(tokens):
            if not self._is_place(tokens, start):
                continue
            named = self._is_named(word, flag)
            if require_name and not named:
                continue
            end = self._extend(tokens, start)
            words = [w for w, _ in tokens[start:end] if w not in DROP]
            return PlaceSpan("".join(words), named)
        return None

    def trim(self, text: str) -> str:
        """Return the text cut after its last place word that comes before other talk ("…15号楼你记清楚了")."""
        flat = re.sub(r"\s+", "", text)
        tokens = self._tokens(flat)
        first = next((i for i in range(len(tokens)) if self._is_place(tokens, i)), None)
        if first is None:
            return flat
        end = self._extend(tokens, first)
        head = [w for w, _ in tokens[:first]]
        body = [w for w, _ in tokens[first:end] if w not in DROP]
        return "".join(head + body)

    def _extend(self, tokens: list[tuple[str, str]], start: int) -> int:
        end = start + 1
        i = end
        while i < len(tokens):
            if self._is_place(tokens, i):
                end = i = i + 1
                continue
            if tokens[i][0] in INSIDE or NUMERAL.match(tokens[i][0]) or tokens[i][1] in ("nr", "nz", "n", "ns", "m"):
                # A filler or a name part: part of the place only if a place word follows soon.
                ahead = next((j for j in range(i + 1, min(i + 3, len(tokens))) if self._is_place(tokens, j)), None)
                if ahead is not None and not (tokens[i][1] == "n" and not NUMERAL.match(tokens[i][0]) and
                                              tokens[i][0] not in INSIDE and len(tokens[i][0]) > 2):
                    end = i = ahead + 1
                    continue
            break
        return end

    @staticmethod
    def _is_named(word: str, flag: str) -> bool:
        if flag.startswith("r") or word in GENERIC:
            return False
        if flag in ("ns",):
            return True
        return bool(PLACE_END.search(word)) and len(word) >= 3 and not NUMERAL.match(word[:-1] or "x")

    def _is_place(self, tokens: list[tuple[str, str]], i: int) -> bool:
        word, flag = tokens[i]
        if flag.startswith("r") or flag == "t" or word in INSIDE or word in NOT_PLACES:
            return False
        if flag in ("ns", "s") or PLACE_END.search(word):
            return True
        if NUMERAL.match(word) and i + 1 < len(tokens):
            return bool(UNIT_AFTER_NUMBER.match(tokens[i + 1][0]))
        return bool(re.match(r"^[\d零〇一二三四五六七八九十百两幺]+(?:号楼|号院|号|楼|栋|层|单元|室|区|条)", word))
