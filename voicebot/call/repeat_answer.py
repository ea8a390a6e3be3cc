"""Reading the caller's answer to "you have an open ticket ending in …, are you calling about its progress?"."""

from __future__ import annotations

import re
from typing import Literal

RepeatAnswer = Literal["status", "again", "no", "other"]
"""``status``: tell its progress; ``again``: the same problem again (a 重复件); ``no``: a bare no; ``other``:
something else, for the dialogue."""

_AGAIN = re.compile(
    r"还是(那个|这个|同一个|一样的)|同一个问题|一样的问题|同样的问题|又(出现|来|发生|开始|坏|响|吵|堵|堆|漏|停|有|在)|"
    r"还没(有)?(解决|处理|修|好)|没(有)?解决|再次反映|再反映|补充|重复|"
    r"\bsame (problem|issue|thing|one)\b|\bagain\b|\bstill (not|isn|hasn|happening|there|broken)|\bnot (fixed|solved|"
    r"resolved)\b|\badd (something|more|to)\b|\bfollow[- ]?up\b",
    re.IGNORECASE,
)
_NO = re.compile(r"^(不是|不用|没有|不|没|不要|别的|no|nope|not really|no thanks)\b", re.IGNORECASE)
_STATUS = re.compile(
    r"^(是|对|嗯|好|行|可以|要|需要)|进展|进度|办得?怎么样|查(一下|询|查)|问问|状态|"
    r"^(yes|yeah|yep|yup|sure|right|correct|ok|okay|please)\b|\bprogress\b|\bstatus\b|\bupdate\b|\bhow is it going\b",
    re.IGNORECASE,
)
_FILLER = re.compile(r"^[\s,，。.!！?？呃嗯啊哦噢那个uhm]+|[\s,，。.!！?？的吧呀啊了]+$", re.IGNORECASE)


def read_repeat_answer(text: str) -> RepeatAnswer:
    """Return what the caller's answer asks for (the same problem again wins over a plain yes)."""
    said = " ".join(text.split())
    if _AGAIN.search(said):
        return "again"
    core = _FILLER.sub("", said) if not said.startswith("嗯") else said
    if _NO.match(core):
        rest = _NO.sub("", core, count=1)
        return "no" if not _FILLER.sub("", rest).strip() else "other"
    if _STATUS.search(core):
        return "status"
    return "other"
