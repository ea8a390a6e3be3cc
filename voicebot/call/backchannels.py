"""Backchannels per language: what a caller says over the bot to show they are listening, not to take the turn.

A caller's words are a backchannel when they are nothing but these (repeated or strung together: "嗯嗯 对对",
"uh huh yeah okay"). Mandarin is matched character by character (vosk writes words with spaces, and "对对对" may
come as one word or three); English word by word. Keep each list to words that on their own never answer a
question the bot would want to act on mid-sentence.
"""

from __future__ import annotations

import re

BACKCHANNELS: dict[str, tuple[str, ...]] = {
    "zh-CN": (
        "嗯", "恩", "摁", "唔", "呣", "哦", "噢", "喔", "哦哦", "啊", "呃", "额", "诶", "欸", "哎", "嗯哼",
        "对", "对的", "是", "是的", "好", "好的", "行", "可以", "明白", "知道", "知道了", "懂", "了解",
        "没错", "嗯嗯", "然后呢",
    ),
    "en-US": (
        "uh-huh", "uh huh", "uhhuh", "mm-hmm", "mm hmm", "mhm", "mm", "hmm", "hm", "uh", "um", "ah", "oh",
        "okay", "ok", "yeah", "yes", "yep", "yup", "right", "sure", "alright", "all right", "i see", "got it",
        "go on", "fine", "cool",
    ),
}
"""The backchannel words and phrases of each language (the data table; zh-CN first)."""

_PUNCT = re.compile(r"[^\w\s'-]+")


def _units(text: str, lang: str) -> list[str]:
    """Split text the way the language's table is matched: characters for Mandarin, words for English."""
    clean = _PUNCT.sub(" ", text.lower())
    if lang.startswith("zh"):
        return [ch for ch in clean if not ch.isspace()]
    return clean.replace("-", " ").split()


def _table(lang: str) -> list[list[str]]:
    words = BACKCHANNELS.get(lang) or BACKCHANNELS.get(_base(lang)) or ()
    return [_units(word, lang) for word in words]


def _base(lang: str) -> str:
    prefix = lang.split("-")[0]
    return next((known for known in BACKCHANNELS if known.split("-")[0] == prefix), lang)


def is_backchannel(text: str, lang: str) -> bool:
    """Return True when ``text`` is made only of the language's backchannels (empty text is not one)."""
    units = _units(text, lang)
    if not units:
        return False
    phrases = _table(lang)
    reachable = [True] + [False] * len(units)  # reachable[i]: units[:i] is a string of backchannels
    for start in range(len(units)):
        if not reachable[start]:
            continue
        for phrase in phrases:
            end = start + len(phrase)
            if phrase and units[start:end] == phrase:
                reachable[end] = True
    return reachable[-1]
