"""Chinese place names in English speech: the recogniser writes each syllable apart ("jiu xian qiao road").

Agents and the city's gazetteer write them as words ("Jiuxianqiao Road"). ``PinyinWords.join`` puts runs of two
or more Mandarin syllables back together. The syllable inventory comes from jionlp's pinyin dictionary (tones
dropped); English words that happen to be syllables ("he", "long", "men", "sun") only join a run that already has a
syllable no English caller would say. A run is cut after the generic part of a Chinese place name when another
name follows ("fang zhuang fang xing yuan" -> "fangzhuang fangxingyuan"), except before a direction that belongs
to it ("jian guo men wai" -> "jianguomenwai").
"""

from __future__ import annotations

import re
import unicodedata

from actions.nlp_libs import NlpLibs

ENGLISH = frozenset({
    "a", "an", "he", "she", "me", "men", "long", "fan", "pan", "can", "man", "ban", "hang", "bang", "sang", "ran",
    "sun", "tie", "die", "lie", "pin", "bin", "tan", "pen", "hen", "ben", "yo", "you", "ma", "pa", "ha", "la", "er",
    "ai", "ou", "o", "e", "de", "le", "ne", "me", "ye", "wo", "mo", "bo", "po", "lo", "shun", "gang", "pie", "chin",
    "ting", "ping", "sing", "king", "ding", "ring", "wing", "ming", "lin", "gun", "run", "fun", "bun", "nun", "dun",
    "hun", "pun", "tun", "sue", "zoo", "ten", "den", "gen", "wen", "zen", "shen", "cha", "chi", "ti", "bi", "mi",
    "ni", "pi", "di", "li", "xi", "ka", "ga", "na", "sa", "ta", "za", "ca", "ba", "fa", "da", "en", "ang", "ao",
})
"""Syllables that are also English words (or letters): they join a run only beside a clearly Chinese syllable."""
GENERIC = frozenset({"li", "yuan", "cun", "zhuang", "qiao", "men", "jie", "lu", "xiang", "ying", "dian", "tun",
                     "ju", "zhen", "hu", "qu", "lou", "shan", "he", "hai", "tai", "gong", "guan"})
"""The generic end of a place name (里 园 村 庄 桥 门 街 路 巷 营 店 屯 居 镇 湖 区 楼 山 河 海 台 宫 馆)."""
DIRECTIONS = frozenset({"wai", "nei", "bei", "nan", "dong", "xi", "kou", "li"})
"""What may follow a generic part and still belong to the name (门外, 门内, 桥北, 路口)."""


def _toneless(syllable: str) -> str:
    plain = unicodedata.normalize("NFD", syllable.lower().replace("ü", "v"))
    return "".join(c for c in plain if not unicodedata.combining(c))


class PinyinWords:
    """Joins spelled-out Mandarin syllables into place-name words (one per action server: it holds the set)."""

    def __init__(self, libs: NlpLibs) -> None:
        self._libs = libs
        self._syllables: frozenset[str] | None = None

    def syllables(self) -> frozenset[str]:
        """Return every toneless Mandarin syllable (from jionlp's character pinyin dictionary)."""
        if self._syllables is None:
            loader = self._libs.jionlp().dictionary.dictionary_loader.pinyin_char_loader
            found = {_toneless(p) for readings in loader().values() for p in readings}
            self._syllables = frozenset(s for s in found if re.fullmatch(r"[a-z]+", s))
        return self._syllables

    def join(self, text: str) -> str:
        """Return ``text`` with every run of two or more syllables written as words (lower case kept)."""
        words = text.split()
        out: list[str] = []
        run: list[str] = []
        for word in [*words, ""]:
            if word and word.lower() in self.syllables():
                run.append(word)
                continue
            out.extend(self._words(run))
            run = []
            if word:
                out.append(word)
        return " ".join(out)

    def _words(self, run: list[str]) -> list[str]:
        if len(run) < 2 or all(w.lower() in ENGLISH for w in run):
            return run
        names: list[list[str]] = [[]]
        for index, word in enumerate(run):
            names[-1].append(word)
            rest = run[index + 1:]
            ends_name = word.lower() in GENERIC and len(names[-1]) >= 2
            if ends_name and len(rest) >= 2 and rest[0].lower() not in DIRECTIONS:
                names.append([])
        return ["".join(name).lower() for name in names if name]
