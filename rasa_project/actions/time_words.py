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


def time_words(libs: NlpLibs, text: str, lang: str, cleaned: str, answer: bool) -> str | None:
    """Return the caller's time words in ``text`` (``cleaned``: the parser's cleaned words; ``answer``: the words
    answer "when?"), or None when a sentence about something else holds no time."""
    if lang.startswith("zh"):
        if answer and len(cleaned) <= SHORT_TIME_ANSWER:
            return clean_time_zh(text, written=False)  # a short answer is all time words ("从七月到现在五个月了")
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
        tail = re.match(r"(?:以后|以来|之后|开始|左右|多|起|了|都有|那会儿)+", flat[end:])
        end += tail.end() if tail else 0
        if answer and len(flat) - end <= 4:
            end = len(flat)  # a short remainder of the answer belongs to it ("…就开始停的")
        return flat[start:end].rstrip("吧啊呢呀")
    if answer:
        return aw.english_answer(text)  # kept whole, in the caller's words ("since six this morning")
    return parsing.incident_time(text)
