"""What kind of answer an utterance is: noise, yes, no, a correction, a refusal, "I don't know".

Pure word tables per language, applied to normalised ASR text (Mandarin without spaces, English lower case).
Meaningless sounds are never "yes": a yes needs a yes word, and an utterance made only of interjections, coughs or
ASR noise markers is gibberish (a misunderstanding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sounds that carry no answer. "嗯" alone (or doubled) is a real Mandarin yes, so it is not in here on its own.
ZH_NOISE_CHARS = set("呃额啊阿哦噢喔嗷嗯唔哎诶欸咦哼嘿呀哈唉呵咳嘶嘘噗呜哇喂吧嘛呢啦咯")
ZH_YES_SOUNDS = frozenset({"嗯", "嗯嗯", "嗯嗯嗯", "嗯呢", "嗯哪", "嗯对", "嗯是"})
EN_NOISE_WORDS = frozenset({
    "uh", "uhh", "um", "umm", "er", "erm", "hmm", "hm", "hmmm", "ah", "ahh", "oh", "eh", "huh", "mm", "mmm", "ha",
    "haha", "ugh", "the", "a", "unk", "<unk>", "[noise]", "[laughter]", "cough", "pfff", "psst", "shh", "la",
    "blah", "hello", "hey",
})
EN_YES_SOUNDS = frozenset({"uh huh", "mm hmm", "mhm", "uh-huh", "mm-hmm"})
NOISE_MARKER = re.compile(r"\[[a-z_ ]+\]|<[a-z_]+>")

ZH_YES = ("对", "是的", "是啊", "是呀", "没错", "没问题", "好的", "好", "行", "可以", "正确", "确认", "要的", "需要", "对的",
          "嗯", "是", "要")
ZH_NO = ("不对", "不是", "不用", "不要", "不需要", "不必", "没有", "没", "别", "错", "不")
EN_YES = ("yes", "yeah", "yep", "yup", "correct", "right", "sure", "okay", "ok", "fine", "absolutely", "exactly",
          "please do", "that's it", "that is it", "affirmative", "of course", "definitely", "uh huh", "mm hmm", "mhm")
EN_NO = ("no", "nope", "not", "don't", "dont", "do not", "wrong", "incorrect", "nah", "never")

ZH_CORRECTION = re.compile(
    r"不对|说错了?|错了|搞错|弄错|记错|更正|改一下|改成|改为|应该是|我是说|重新说|纠正|不是不是|哦不|啊不|呃不"
)
EN_CORRECTION = re.compile(
    r"\b(?:no wait|wait|sorry|i mean|i meant|actually|correction|scratch that|make that|should be|let me correct"
    r"|i said it wrong|that's wrong|that is wrong|not right|my mistake|oops|no no)\b"
)
# Words that end a call. The NLU's ``goodbye`` on words without them ("俩礼拜了", "没事 人没事 我是想投诉物业")
# is a guess, not a caller hanging up.
ZH_FAREWELL = re.compile(r"再见|拜拜|拜了|挂了|先挂|不说了|算了|不聊了|就这样吧|没事了|没别的了|没有了|没了|谢谢")
EN_FAREWELL = re.compile(r"\b(?:bye|goodbye|good bye|hang up|hanging up|never mind|nevermind|forget it|that'?s all|"
                         r"that is all|nothing else|thank you|thanks|see you)\b")
ZH_UNKNOWN = re.compile(r"不知道|不记得|记不清|说不清|不清楚|忘了|想不起来")
EN_UNKNOWN = re.compile(r"\b(?:don't know|dont know|do not know|not sure|can't remember|cannot remember|no idea"
                        r"|don't remember|forgot)\b")


@dataclass(frozen=True, slots=True)
class YesNo:
    """A yes/no reading of an utterance."""

    value: bool | None
    """True for yes, False for no, None when the utterance says neither."""
    gibberish: bool
    """The utterance is only noise or meaningless sounds."""


def is_zh(text: str) -> bool:
    """Return whether the text contains Chinese characters."""
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def compact(text: str) -> str:
    """Return the text without spaces between Hanzi and without punctuation (English keeps single spaces)."""
    text = NOISE_MARKER.sub(" ", text.lower())
    text = re.sub(r"[，。！？、,.!?;；:：…~\-]+", " ", text)
    if is_zh(text):
        return re.sub(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])", "", text).strip()
    return " ".join(text.split())


def is_gibberish(text: str) -> bool:
    """Return whether the utterance carries no words at all (noise, interjections, coughs, ASR markers)."""
    if NOISE_MARKER.fullmatch(text.strip().lower() or "[noise]"):
        return True
    flat = compact(text)
    if not flat:
        return True
    if is_zh(flat):
        if flat in ZH_YES_SOUNDS:
            return False
        hanzi = re.findall(r"[\u4e00-\u9fff]", flat)
        return all(ch in ZH_NOISE_CHARS for ch in hanzi) and not re.search(r"[a-z0-9]", flat)
    if flat in EN_YES_SOUNDS:
        return False
    words = flat.split()
    return all(word.strip("'") in EN_NOISE_WORDS for word in words)


def _has(words: tuple[str, ...], flat: str, zh: bool) -> bool:
    if zh:
        return any(word in flat for word in words)
    return any(re.search(rf"\b{re.escape(word)}\b", flat) for word in words)


NOT_A_NO = re.compile(r"没错|没问题|不错|没毛病|没差")
"""Yes said with a negative word in it."""
LEADING_HESITATION = re.compile(r"^(?:嗯呐|嗯哪|嗯|呃|额|啊|哦|唔)+(?=.)")


def yes_no(text: str) -> YesNo:
    """Return whether the utterance says yes, no, or neither (noise is neither, and flagged as gibberish)."""
    if is_gibberish(text):
        return YesNo(None, True)
    flat = compact(text)
    zh = is_zh(flat)
    if zh:
        rest = LEADING_HESITATION.sub("", flat)
        if rest != flat and _has(ZH_NO, rest, True) and not NOT_A_NO.search(rest):
            flat = rest  # "嗯 不用": the 嗯 is a hesitation before the no, not a yes
        no = _has(ZH_NO, flat, True) and not NOT_A_NO.search(flat)
        yes = _has(ZH_YES, flat.replace("不是", "").replace("不要", "").replace("不需要", ""), True)
        if re.fullmatch(r"(?:不用|不要|不需要|不必)(?:了|吧|啊)?(?:保密)?(?:了|吧)?", flat):
            return YesNo(False, False)
    else:
        no = _has(EN_NO, flat, False)
        yes = _has(EN_YES, flat, False)
    if no and not yes:
        return YesNo(False, False)
    if yes and not no:
        return YesNo(True, False)
    if yes and no:
        # "no problem", "没问题", "yes, not confidential": the first word decides.
        first_no = min((flat.find(w) for w in (ZH_NO if zh else EN_NO) if w in flat), default=len(flat))
        first_yes = min((flat.find(w) for w in (ZH_YES if zh else EN_YES) if w in flat), default=len(flat))
        return YesNo(first_yes < first_no, False)
    return YesNo(None, False)


def correction_cue(text: str) -> re.Match[str] | None:
    """Return the last correction cue in the utterance ("不对", "说错了", "no wait", "I mean"...), or None."""
    flat = compact(text)
    pattern = ZH_CORRECTION if is_zh(flat) else EN_CORRECTION
    found = list(pattern.finditer(flat))
    return found[-1] if found else None


def after_correction(text: str) -> str:
    """Return what the caller said after their last correction cue (the whole text if there is none)."""
    flat = compact(text)
    cue = correction_cue(flat)
    if cue is None:
        return flat
    rest = flat[cue.end():].strip(" ，,")
    return re.sub(r"^(?:是|应该是|改成|改为|地址是|电话是|号码是|is|it's|it is|the)\s*", "", rest).strip()


def says_unknown(text: str) -> bool:
    """Return whether the caller says they do not know or remember."""
    flat = compact(text)
    return bool((ZH_UNKNOWN if is_zh(flat) else EN_UNKNOWN).search(flat))


def farewell(text: str) -> bool:
    """Return whether the words end the call (再见, 算了, "bye", "never mind"…), not merely sound like it."""
    flat = compact(text)
    return bool((ZH_FAREWELL if is_zh(flat) else EN_FAREWELL).search(flat if is_zh(flat) else flat.lower()))
