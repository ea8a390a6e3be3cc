"""An English answer to "where?" cut down to the place: the caller's self-corrections applied, talk around it dropped.

Pure text rules on the lower-case answer after ``address_en.clean_en`` (numbers already digits):

- "unit 2 building 9 no wait building 6 room 402" -> "unit 2 building 6 room 402" (the part said again replaces
  its first saying); "kandan qiao no sorry i mean majiabao jiayuan fengtai district" -> the new place;
- "the training school is at 12 zhichun road", "her address is …", "sure …" -> the place;
- "… i live opposite", "… of my building", "… the bar name is blue moon", a trailing "yes" or the place said
  again -> cut; "he lives at the east end of the village" -> "the east end of the village";
- "rode" heard for "road" after a name.
"""

from __future__ import annotations

import re

CORRECTION = re.compile(r"\b(?:no wait|no sorry i mean|sorry i mean|no sorry|i mean|no no|sorry)\b")
UNIT = re.compile(r"^(building|unit|room|floor|number|block|gate|exit|tower)\s+\S+")
LEAD = re.compile(r"^(?:(?:sure|okay|ok|yes|yeah|so|in)\s+|(?:her|his|my|our|their|the) address is\s+)+")
INNER_LEAD = re.compile(r"(?:^|(?<=district )|(?<=town ))(?:the|our|my|his|her|their) (?:\w+ ){0,3}?(?:is|are)"
                        r" (?:located )?(?:in|at|on)(?: the building (?:at|on|in))?\s+")
THIRD_PERSON = re.compile(r"\b(?:he|she|they) (?:lives?|stays?) (?:at|in|on)\s+")
TALK_AFTER = re.compile(r"\s+(?:(?:i|we) (?:live|lives|am|stay|work|was)\b|(?:of|in) my (?:building|house|flat|home"
                        r"|apartment)\b|the (?:\w+ )?name is\b|it is called\b|called\b).*$")
TRAILING_YES = re.compile(r"(?:\s+(?:yes|yeah|right|ok|okay|that is it|that's it))+$")
ROAD = re.compile(r"(?<=[a-z]) rode\b")


def _self_corrected(words: str) -> str:
    cues = list(CORRECTION.finditer(words))
    if not cues:
        return words
    cue = cues[-1]
    before, after = words[: cue.start()].strip(), words[cue.end() :].strip()
    if not before or not after:
        return after or before
    unit = UNIT.match(after)
    if unit:
        earlier = list(re.finditer(rf"\b{unit.group(1)}\s+\S+", before))
        if earlier:
            return f"{before[: earlier[-1].start()]}{after}".strip()
    if re.search(r"\bdistrict\b", after):
        return after  # a whole new place
    division = re.match(r"^.*?\bdistrict\b", before)
    return f"{division.group(0)} {after}" if division else after


def _without_repeats(words: str) -> str:
    """Drop a district said twice ("chaoyang district yes chaoyang district …") and the place said again at the end."""
    words = re.sub(r"\b((?:\w+ ){1,3}district) (?:yes |yeah |i said )?\1\b", r"\1", words)
    tokens = words.split()
    for size in range(len(tokens) // 2, 2, -1):
        tail = " ".join(tokens[-size:])
        if f" {tail} " in f" {' '.join(tokens[:-size])} ":
            return " ".join(tokens[:-size])
    return words


def clean_place_en(words: str) -> str:
    """Return the place in a lower-case English answer to "where?" (see the module's rules)."""
    out = ROAD.sub(" road", words)
    out = _self_corrected(out)
    out = LEAD.sub("", out)
    out = INNER_LEAD.sub("", out)
    out = THIRD_PERSON.sub("", out)
    out = TALK_AFTER.sub("", out)
    out = TRAILING_YES.sub("", out)
    return _without_repeats(" ".join(out.split()))
