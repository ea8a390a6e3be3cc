"""Whether words outside the form are a complaint to take down, whatever intent the classifier gave them.

Callers open with a greeting, a question-like sentence or recognition damage ("喂 同志 你好 我反映一下…厕所脏得没法进了",
"停水了一整天了也没通知", "我投数一下楼下ktv照音太大了"); the classifier may call that greet, faq or
check_ticket_status. A problem (a category keyword, after the sound-alikes are put right) told as a statement, or
with complaint framing, starts the complaint form instead.
"""

from __future__ import annotations

import re

from actions import answers, parsing
from actions.fields import FieldReader
from actions.request_type import request_type

FRAMING = re.compile(
    r"投诉|举报|反映|反应|不给|拖欠|欠我|没人管|不管|帮个忙|帮帮忙|求助|管一哈|管一下|管管|建议|提个意见"
    r"|\b(?:complain|complaint|report|refus|won't pay|never paid|nobody)"
)
# Question words that ask nothing: a line check (能听见吗), a rhetorical question (管不管, 这叫什么事), a count
# (反映多少回了), a denial (不是什么急事). Taken out before looking for a real question.
NOT_A_QUESTION = re.compile(
    r"(?:能|听)(?:听)?(?:得)?(?:见|到|清)(?:吗|么)|喂.{0,2}在吗|管不管|不是什么|叫什么事|什么事啊|"
    r"多少(?:回|次|遍|趟)|怎么回事|(?:怕|万一|说不定)哪(?:天|次|回)"
)
QUESTION = re.compile(
    r"吗|么|怎么|如何|哪|什么|几点|多少|能不能|可不可以|是不是|要不要|请问|咨询|需要|？|\?"
    r"|\b(?:how|what|where|when|which|can i|could i|do i|should i|is there|are there|who|whether)\b"
)
# A problem told as a statement ("停水了一整天了也没通知", "we have no hot water"): a complaint, not a question.
PROBLEM = re.compile(r"了|没有|没人|莫得|没得|冇|坏|不给|拖欠|太|老是|老[停坏断漏吵响堵]|总是|一直|\b(?:no|not|broken|gone off|won't|didn't|hasn't|haven't"
                     r"|stopped|again|overflowing|never|nobody|all day|all night|closed|disappeared|wrong|went up"
                     r"|keeps?|too (?:high|loud|much))\b")
TICKET_WORDS = re.compile(r"工单|单号|编号|进度|查询|查一下|办得怎么样|\b(?:ticket|status|reference|case number|progress)\b")


class ComplaintCheck:
    """Tells a complaint from a question, a greeting or a status check (one per action, holding its reader)."""

    def __init__(self, reader: FieldReader | None = None) -> None:
        self._reader = reader or FieldReader()

    def is_complaint(self, text: str, lang: str, intent: str | None = None, before: str = "") -> bool:
        """Return whether the words state a problem to be handled (see the module's docstring).

        ``before``: what the caller said just before. After "我想提个建议" / "I want to complain" on its own, the
        next words are the matter itself, whatever they sound like ("能不能加几趟车").
        """
        words = self._reader.normalize(text, lang)
        if answers.is_gibberish(words):
            return False
        if before and (FRAMING.search(before.lower()) or request_type(before)) and parsing.category(before) is None:
            return True
        low = words.lower()
        framed = bool(FRAMING.search(low))
        if parsing.category(words) is None and not (intent == "faq" and framed):
            return False  # a problem of a kind not named, asked for help with (你们管一哈嘛), is still one
        if intent == "check_ticket_status" and TICKET_WORDS.search(low):
            return False
        if intent == "faq":
            asks = bool(QUESTION.search(NOT_A_QUESTION.sub(" ", low)))
            return not asks and (framed or bool(PROBLEM.search(low)))
        told = parsing.substantive(words) or (parsing.has_hanzi(words) and parsing.place_words(words) is not None)
        return framed or told
