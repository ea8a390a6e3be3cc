"""Mandarin text to numbered pinyin for espeak-ng's ``cmn-latn-pinyin`` voice.

espeak-ng 1.51's ``cmn`` voice turns Hanzi into pinyin and then reads the
Latin letters as English ("ni three hao three"); ``cmn-latn-pinyin`` reads
Hanzi with single-character readings (重庆 -> zhong4 qing4, 银行 -> yin2 xing2,
了解 -> le5 jie3). So Hanzi are converted here with pypinyin's phrase dictionary
(TONE3 style: ``chong2 qing4``) and espeak-ng gets only pinyin it reads well.
Latin letters are spelled with their usual Mandarin names, punctuation becomes
a comma (short pause) or a full stop (sentence pause).
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_LETTERS = {
    "A": "ei1",
    "B": "bi4",
    "C": "xi1",
    "D": "di4",
    "E": "yi4",
    "F": "ai2 fu5",
    "G": "ji4",
    "H": "ai2 qi1",
    "I": "ai4",
    "J": "jie4",
    "K": "kai4",
    "L": "ai2 le5",
    "M": "ai2 mu5",
    "N": "en1",
    "O": "ou1",
    "P": "pi4",
    "Q": "kiu1",
    "R": "a4",
    "S": "ai2 si5",
    "T": "ti4",
    "U": "you1",
    "V": "wei1",
    "W": "da2 bu5 liu5",
    "X": "ai2 ke4 si5",
    "Y": "wai1",
    "Z": "zei4",
}
"""How Mandarin speakers name Latin letters (ticket ids, "App", "OK")."""

_DIGITS = ("ling2", "yao1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
"""Digits left over after normalisation (there should be none) are read like a phone number."""

_STOP = frozenset(".。!！?？…")
_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PIECE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z]|\d|[,，、;；:：.。!！?？…]+")


def to_pinyin(text: str) -> str:
    """Return Mandarin ``text`` as space-separated numbered pinyin with ``,``/``.`` pauses."""
    words: list[str] = []
    for piece in _PIECE.findall(text):
        if _HANZI.fullmatch(piece):
            words.extend(lazy_pinyin(piece, style=Style.TONE3, neutral_tone_with_five=True))
        elif piece.isascii() and piece.isalpha():
            words.append(_LETTERS[piece.upper()])
        elif piece.isdigit():
            words.append(_DIGITS[int(piece)])
        elif words and words[-1] not in (",", "."):
            words.append("." if any(ch in _STOP for ch in piece) else ",")
    while words and words[0] in (",", "."):
        words.pop(0)
    return re.sub(r" ([,.])", r"\1", " ".join(words)).strip()


def is_speakable(text: str) -> bool:
    """Return whether ``text`` has anything to say (letters, digits or Hanzi), not just pauses."""
    return any(ch.isalnum() for ch in text)
