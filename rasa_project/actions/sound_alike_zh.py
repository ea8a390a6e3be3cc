"""Words speech recognition wrote as sound-alikes (投数 for 投诉, 照音 for 噪音, 无业 for 物业), put back.

Mandarin recognisers confuse syllables that regional speakers merge (模糊音: zh/z, ch/c, sh/s, n/l, in/ing, en/eng,
an/ang). The hotline's key words are few: the framing (投诉, 举报, 反映) and the category keywords. A run of
characters whose fuzzy toneless pinyin (jionlp's ``pinyin``) equals a key word's, and that is not already that word,
is replaced by it, so that categories and framing read right. Only a curated list of distinctive words.
"""

from __future__ import annotations

import re

from actions.nlp_libs import NlpLibs

# Distinctive key words only: a word with a common sound-alike (接到/街道, 国企/过期, 站到/占道) is left out.
KEY_WORDS = ("投诉", "举报", "反映", "噪音", "污染", "污水", "物业", "井盖", "停电", "停水", "暖气", "垃圾", "施工", "油烟",
             "拖欠", "欠薪", "工资", "漏水", "电梯", "违章", "装修", "广场舞", "下水道", "物业费", "消防通道", "黑作坊", "楼道")
# l/n is left out: it would turn 那几 into 垃圾.
FUZZY = ((r"zh", "z"), (r"ch", "c"), (r"sh", "s"), (r"ing$", "in"), (r"eng$", "en"), (r"ang$", "an"))


class SoundAlikes:
    """Replaces sound-alike key words in Mandarin text (one per process; the word list is built once)."""

    def __init__(self, libs: NlpLibs) -> None:
        self._libs = libs
        self._keys: dict[tuple[str, ...], str] | None = None

    def _fuzzy(self, text: str) -> tuple[str, ...]:
        out = []
        for syllable in self._libs.jionlp().pinyin(text, formater="simple"):
            plain = re.sub(r"\d", "", syllable)
            for pattern, replacement in FUZZY:
                plain = re.sub(pattern, replacement, plain)
            out.append(plain)
        return tuple(out)

    def _table(self) -> dict[tuple[str, ...], str]:
        if self._keys is None:
            self._keys = {self._fuzzy(word): word for word in KEY_WORDS}
        return self._keys

    def _word_bounds(self, text: str) -> set[int]:
        """Return where jieba's words start and end in ``text``."""
        bounds, at = {0}, 0
        for token in self._libs.load("jieba").lcut(text):
            at += len(token)
            bounds.add(at)
        return bounds

    def repair(self, text: str) -> str:
        """Return the text with sound-alike key words replaced (spaces between Hanzi dropped)."""
        flat = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)
        if not re.search(r"[\u4e00-\u9fff]", flat):
            return flat
        table = self._table()
        chars = list(flat)
        sounds = self._fuzzy(flat) if len(self._libs.jionlp().pinyin(flat, formater="simple")) == len(flat) else None
        if sounds is None:
            return flat
        bounds = self._word_bounds(flat)
        i = 0
        while i < len(chars):
            for size in (3, 2):
                key = tuple(sounds[i : i + size])
                word = table.get(key) if len(key) == size else None
                heard = "".join(chars[i : i + size])
                if word and heard != word and re.fullmatch(r"[\u4e00-\u9fff]+", heard) and i in bounds \
                        and i + size in bounds:  # not across words: 开始供暖 holds no 施工
                    chars[i : i + size] = list(word)
                    i += size - 1
                    break
            i += 1
        return "".join(chars)
