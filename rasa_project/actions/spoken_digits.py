"""Digits and numbers as callers say them, in Mandarin and English.

- :func:`read_digits`: a digit answer (phone, ticket, ID number) in every spoken form: 零〇洞 幺一 两二 拐(7),
  "oh", "double five", "triple seven", Arabic digits mixed in, spaces and fillers between groups, and
  self-corrections inside the answer ("幺三八 不对 幺三九 ...", "one three eight no sorry one three nine ...").
- :func:`apply_correction`: a correction said later about a number already given ("最后四位是五六七九").
- :func:`zh_house_numbers`: Chinese numerals in house numbers through cn2an (二十八号 -> 28号, 三百零二室 -> 302室)
  while words like 一些 / 一下 / 一直 stay as they are.
- :func:`en_number_words`: English number words to digits ("twenty eight" -> 28, "three oh two" -> 302).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from actions.nlp_libs import NlpLibs

ZH_DIGIT = {"零": "0", "〇": "0", "洞": "0", "幺": "1", "腰": "1", "妖": "1", "一": "1", "二": "2", "两": "2",
            "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "拐": "7", "八": "8", "九": "9"}
EN_DIGIT = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
            "six": "6", "seven": "7", "eight": "8", "nine": "9"}
# ASR homophones, read as digits only inside a run of digits ("one two for five").
EN_HOMOPHONE = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8"}
EN_REPEAT = {"double": 2, "triple": 3}
ZH_REPEAT = {"两": 2, "俩": 2, "三": 3}
"""Mandarin "两个八", "三个六": a digit said so many times (before 个)."""
# Fillers that do not end a run of digits ("幺三八 嗯 幺二三四", "one three eight um one two").
ZH_FILLERS = ("那个", "就是", "然后", "嗯", "呃", "额", "啊", "哦", "对", "是", "呢")
EN_FILLERS = frozenset({"um", "uh", "er", "ah", "erm", "hmm", "and", "then", "its", "it's", "is", "dash"})
# Words that take back what was just said.
CORRECTION = re.compile(
    r"不对|不是|错了|说错了|说错|应该是|重说|更正|改一下"
    r"|\b(?:no sorry|sorry|no wait|wait|i mean|no no|correction|wrong|actually|let me say that again|scratch that|no)\b"
)
COUNT = r"(\d|[一二两三四五六七八九十]|one|two|three|four|five|six|seven|eight|nine|ten)"
TAIL_CUE = re.compile(rf"(?:最后|最後|后|末|尾号?)\s*{COUNT}\s*位(?:数)?(?:是|应该是|改成)?"
                      rf"|\bthe last {COUNT}(?: digits?| numbers?)?(?: is| are| should be)?\b|\blast {COUNT}\b")
HEAD_CUE = re.compile(rf"(?:前|头)\s*{COUNT}\s*位(?:数)?(?:是|应该是|改成)?"
                      rf"|\bthe first {COUNT}(?: digits?| numbers?)?(?: is| are| should be)?\b|\bfirst {COUNT}\b")
CUE = re.compile(f"{TAIL_CUE.pattern}|{HEAD_CUE.pattern}")

ZH_NUMERAL = "零〇一二两三四五六七八九十百千幺洞拐"
# Units after which a Chinese numeral is a house/building/room number.
HOUSE_UNIT = re.compile(rf"([{ZH_NUMERAL}]+)(?=号楼|号院|号门|号|室|栋|幢|楼|层|单元|排|弄|座|户|期|门洞|区|巷)")
# A room number said digit by digit after the building unit ("五号楼三单元二零一").
ROOM_AFTER_UNIT = re.compile(rf"(?:单元|号楼|[栋幢楼])([{ZH_NUMERAL}]{{3,4}})(?![{ZH_NUMERAL}])")
ZH_ASR_DIGIT = str.maketrans({"幺": "一", "洞": "零", "拐": "七"})

EN_UNITS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9}
EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
            "seventeen": 17, "eighteen": 18, "nineteen": 19}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90}


@dataclass(frozen=True)
class DigitAnswer:
    """The digits in one answer, after the caller's self-corrections."""

    digits: str
    """The digits the caller finally meant ('' when the words hold none)."""
    words: str
    """The caller's own words, as heard."""
    corrected: bool
    """True when a correction in the words changed the digits."""


def digit_runs(text: str) -> tuple[str, ...]:
    """Return every run of spoken or written digits in the text; fillers and spaces do not end a run."""
    low = text.lower()
    runs: list[str] = []
    current: list[str] = []
    tokens = re.findall(r"[\u4e00-\u9fff]|[a-z']+|\d|\S", low)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token.isdigit():
            current.append(token)
        elif token in ZH_REPEAT and nxt == "个" and i + 2 < len(tokens) and tokens[i + 2] in ZH_DIGIT:
            current.append(ZH_DIGIT[tokens[i + 2]] * ZH_REPEAT[token])  # "两个八" -> 88, "三个六" -> 666
            i += 3
            continue
        elif token in ZH_DIGIT:
            current.append(ZH_DIGIT[token])
        elif token in ("oh", "o") and not current:
            if nxt in EN_DIGIT or nxt.isdigit():
                current.append("0")
            else:
                _flush(runs, current)
        elif token in EN_DIGIT:
            current.append(EN_DIGIT[token])
        elif token in EN_TEENS and (current or nxt in EN_DIGIT or nxt in EN_TENS or nxt in EN_TEENS):
            current.append(str(EN_TEENS[token]))  # "one five eight eleven twenty...": digits said in pairs
        elif token in EN_TENS and (current or nxt in EN_DIGIT or nxt in EN_TENS or nxt in EN_TEENS):
            if nxt in EN_UNITS and nxt not in ("zero", "oh"):
                current.append(str(EN_TENS[token] + EN_UNITS[nxt]))
                i += 1
            else:
                current.append(str(EN_TENS[token]))
        elif token in EN_HOMOPHONE and current:
            current.append(EN_HOMOPHONE[token])
        elif token in EN_REPEAT and (nxt in EN_DIGIT or nxt.isdigit()):
            current.append((EN_DIGIT.get(nxt) or nxt) * EN_REPEAT[token])
            i += 1
        elif current and (token in EN_FILLERS or _zh_filler_at(tokens, i) or not token.strip("-,.，。、")):
            i += _zh_filler_at(tokens, i) or 1
            continue
        else:
            _flush(runs, current)
        i += 1
    _flush(runs, current)
    return tuple(runs)


def _zh_filler_at(tokens: list[str], i: int) -> int:
    for filler in ZH_FILLERS:
        if "".join(tokens[i : i + len(filler)]) == filler:
            return len(filler)
    return 0


def _flush(runs: list[str], current: list[str]) -> None:
    if current:
        runs.append("".join(current))
        current.clear()


def longest_digits(text: str) -> str:
    """Return the longest run of digits in the text ('' when none)."""
    return max(digit_runs(text), key=len, default="")


def read_digits(text: str) -> DigitAnswer:
    """Return the digits of an answer, applying self-corrections said inside it."""
    segments = _segments(text)
    digits = longest_digits(segments[0])
    corrected = False
    for segment in segments[1:]:
        new = _fold(digits, segment)
        corrected = corrected or (bool(digits) and new != digits)
        digits = new
    return DigitAnswer(digits=digits, words=text.strip(), corrected=corrected)


def apply_correction(old: str, text: str) -> DigitAnswer:
    """Return ``old`` changed by a correction said later ("最后四位是五六七九", "the last four are 5 6 7 9")."""
    segments = _segments(text)
    digits = old
    for segment in segments:
        digits = _fold(digits, segment)
    return DigitAnswer(digits=digits, words=text.strip(), corrected=digits != old)


def _segments(text: str) -> list[str]:
    """Split an answer where the caller takes something back ("不对", "no sorry") or names digits ("最后四位")."""
    marked = CUE.sub("|\\g<0>", text.lower())
    return [part for piece in marked.split("|") for part in CORRECTION.split(piece)]


def _fold(old: str, segment: str) -> str:
    """Apply one correction segment to the digits said before it."""
    tail, head = TAIL_CUE.search(segment), HEAD_CUE.search(segment)
    cue = tail or head
    new = longest_digits(segment[cue.end() :] if cue else segment)
    if not new:
        return old
    if len(new) >= len(old):
        return new  # the whole number said again
    if head and not tail:
        return new + old[len(new) :]  # "前三位是幺三九"
    return old[: len(old) - len(new)] + new  # "最后四位是五六七九", or the last group said again


def zh_house_numbers(libs: NlpLibs, text: str) -> str:
    """Return the text with Chinese numerals of house, building and room numbers as Arabic digits (via cn2an)."""
    cn2an = libs.cn2an()
    out = text
    for pattern in (HOUSE_UNIT, ROOM_AFTER_UNIT):
        pieces: list[str] = []
        last = 0
        for match in pattern.finditer(out):
            pieces.append(out[last : match.start(1)])
            pieces.append(_zh_numeral(cn2an, match.group(1)))
            last = match.end(1)
        pieces.append(out[last:])
        out = "".join(pieces)
    return out


def _zh_numeral(cn2an: ModuleType, numeral: str) -> str:
    plain = numeral.translate(ZH_ASR_DIGIT)
    if not any(c in plain for c in "十百千"):
        return "".join(ZH_DIGIT[c] for c in numeral)  # digit by digit ("二零一", "零五"): keep every digit
    try:
        return str(int(cn2an.cn2an(plain, "smart")))
    except (ValueError, KeyError):
        return numeral


def en_number_words(text: str) -> str:
    """Return the text with English number words as digits ("twenty eight jianguo road" -> "28 jianguo road")."""
    words = text.split()
    out: list[str] = []
    run: list[str] = []
    for word in words:
        key = word.lower().strip(",.")
        if key in EN_UNITS or key in EN_TEENS or key in EN_TENS or key in ("hundred", "thousand") or (
            key == "and" and run and run[-1] in ("hundred", "thousand")
        ) or (key == "o" and run):
            run.append(key)
            continue
        _flush_number(out, run)
        out.append(word)
    _flush_number(out, run)
    return " ".join(out)


def _flush_number(out: list[str], run: list[str]) -> None:
    if not run:
        return
    if run in (["oh"], ["o"]):
        out.append(run[0])
    else:
        out.append(_number_value(run))
    run.clear()


def _number_value(run: list[str]) -> str:
    """Return the digits of a run of number words: cardinals ("one hundred and five") or digit strings."""
    parts: list[str] = []
    value: int | None = None
    last = ""
    for word in (w for w in run if w != "and"):
        if word in ("hundred", "thousand"):
            value = (value or 1) * (100 if word == "hundred" else 1000)
            last = word
            continue
        n = EN_UNITS.get(word, EN_TEENS.get(word, EN_TENS.get(word, 0)))
        kind = "tens" if word in EN_TENS else "teen" if word in EN_TEENS else "unit"
        joins = value is not None and (
            (last == "tens" and kind == "unit" and n > 0)
            or (last in ("hundred", "thousand") and value % 100 == 0)
        )
        if joins and value is not None:
            value += n
        else:
            if value is not None:
                parts.append(str(value))
            value = n
        last = kind
    if value is not None:
        parts.append(str(value))
    return "".join(parts)
