"""The words of a time inside what the caller said: the whole of a short answer to "when?", else the span from the
first time jionlp finds (with the words before it that still say when: 快俩月了, 从七月到) to the last."""

from __future__ import annotations

import re

from actions import answer_words as aw
from actions import answers, parsing
from actions.nlp_libs import NlpLibs
from actions.time_zh import NOT_A_TIME_ZH, clean_time_zh

SHORT_TIME_ANSWER = 22
"""Characters up to which a cleaned Mandarin answer to "when?" is kept whole."""
EN_TIME_LEAD = re.compile(r"^(?:(?:oh|sorry|yes|yeah|well|so|okay|ok|right|sure|hmm)\s+)*(?:when\s+(?:it is|it was|was it"
                          r"|is it|did it start)\s+|(?:the )?time (?:it )?(?:is|was)\s+)?")
EN_TIME_TALK = re.compile(r"\b(?:you know|like(?! this| that))\b")
EN_TIME_FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "uhm"})
EN_SELF_CORRECTION = re.compile(r"\b(?:no wait|no sorry|sorry i mean|i mean|actually no|no no)\b")


def english_time_answer(text: str) -> str:
    """Return an English answer to "when?" in the caller's words ("it's been going on for about half a year"):
    lower case, hesitations and a leading "oh, when? it was" dropped, a self-correction applied."""
    words = re.sub(r"[^\w\s']", " ", text.lower())
    kept = " ".join(w for w in EN_TIME_TALK.sub(" ", words).split() if w not in EN_TIME_FILLERS)
    cues = list(EN_SELF_CORRECTION.finditer(kept))
    if cues and kept[cues[-1].end() :].strip():
        kept = kept[cues[-1].end() :]  # "since sunday no wait since monday morning"
    return EN_TIME_LEAD.sub("", kept.strip()).strip()


INNER_PARTICLE = re.compile(r"吧就?(?=.)")
"""A 吧 inside a Mandarin answer ("一个礼拜了吧 就上周四到现在")."""
TIME_TAIL = re.compile(r"(?:以后|以来|之后|开始|左右|多|起|了|都有|都是|那会儿)+")
REMARK_AFTER = 4
"""Characters after the last time in a short answer that still belong to it ("…又排了")."""


def _without_remark(libs: NlpLibs, words: str) -> str:
    found = [e for e in libs.jionlp().ner.extract_time(words, with_parsing=False) if not NOT_A_TIME_ZH.match(e["text"])]
    if not found:
        return words
    end = found[-1]["offset"][1]
    tail = TIME_TAIL.match(words[end:])
    end += tail.end() if tail else 0
    return words[:end] if len(words) - end > REMARK_AFTER else words


def time_words(libs: NlpLibs, text: str, lang: str, cleaned: str, answer: bool) -> str | None:
    """Return the caller's time words in ``text`` (``cleaned``: the parser's cleaned words; ``answer``: the words
    answer "when?"), or None when a sentence about something else holds no time."""
    if lang.startswith("zh"):
        if answer and len(cleaned) <= SHORT_TIME_ANSWER:
            # A short answer is its time words ("从七月到现在五个月了"), less what the caller adds after the last time
            # ("昨天下午 发现的漏了一地水", "上礼拜五 发现关门的").
            return _without_remark(libs, INNER_PARTICLE.sub("", clean_time_zh(text, written=False)))
        flat = re.sub(r"\s+", "", text)
        found = [e for e in libs.jionlp().ner.extract_time(flat, with_parsing=False)
                 if not re.fullmatch(r"[\d零〇一二三四五六七八九十两幺]+", e["text"]) and not NOT_A_TIME_ZH.match(e["text"])]
        if not found:
            return answers.compact(cleaned) if answer else None
        start, end = found[0]["offset"][0], found[-1]["offset"][1]
        while True:  # words before the first time the library found that still say when ("快俩月了天天晚上")
            lead = aw.TIME_LEAD_ZH.search(flat[:start])
            if not lead:
                break
            start = lead.start()
        tail = TIME_TAIL.match(flat[end:])
        end += tail.end() if tail else 0
        if answer and len(flat) - end <= 4:
            end = len(flat)  # a short remainder of the answer belongs to it ("…就开始停的")
        return flat[start:end].rstrip("吧啊呢呀")
    if answer:
        return english_time_answer(text)  # kept whole, in the caller's words ("since six this morning")
    return parsing.incident_time(text)
