"""诉求类型 of a caller's request: 投诉 complaint, 举报 report, 求助 assistance, 咨询 consultation, 建议 suggestion.

GB/T 33358 work orders name the kind of request. The caller's framing decides it ("我要举报…", "我想提个建议",
"帮帮忙…"); without a framing word a problem the caller wants handled is a complaint.
"""

from __future__ import annotations

import re

REQUEST_TYPES = ("complaint", "report", "assistance", "consultation", "suggestion")

# Checked in order: the first kind whose cue occurs wins (a 举报 framed as "投诉" stays a report: the cue is stronger).
CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("report", re.compile(
        r"举报|揭发|检举|黑作坊|非法|违法|违规经营|偷排|私自|无证|传销|诈骗|赌博|"
        r"\b(?:tip off|whistle|illegal|unlicen[cs]ed|without a licen[cs]e|report (?:an? )?(?:illegal|unlicensed|fraud|scam)"
        r"|report someone|dumping (?:waste|chemicals)|fraud|scam)\b"
        r"|\b(?:i want to|i'd like to|i would like to|i'm calling to|i am calling to|calling to|i wanna|i need to|want to)"
        r" report\b")),
    ("suggestion", re.compile(
        r"建议|提个意见|提意见|希望(?:政府|你们|能|可以)|能不能(?:增加|多设|多开|加装|建)|要是能|"
        r"\b(?:suggest|suggestion|proposal|propose|it would be (?:nice|good|great)|could you (?:add|install|put)"
        r"|why not (?:add|put|install)|i'd like to recommend|recommendation|idea)\b")),
    ("assistance", re.compile(
        r"求助|救助|帮帮(?:我|我们|老人|他|她)|没人照顾|没人管(?:他|她)|独居|行动不便|困难户|"
        r"\b(?:need help with|assistance|could someone check|check on (?:my|her|him|an|the)|lives alone"
        r"|no one to look after|nobody to look after)\b")),
    ("consultation", re.compile(
        r"咨询|请问一下怎么|怎么办理|如何办理|需要什么材料|去哪里办|"
        r"\b(?:how do i|how can i|where can i|what documents|enquir|inquir|i'd like to ask)\b")),
)


def request_type(text: str) -> str | None:
    """Return the request type the caller's framing names, or None when it names none."""
    low = text.lower()
    for kind, cue in CUES:
        if cue.search(low):
            return kind
    return None
