"""The complaint form's slot logic as a pure function (unit-tested without Rasa).

One caller utterance can fill several slots ("朝阳区建国路工地每天晚上施工太吵"). Each answer is checked for its type
before it is stored; a failed answer is asked again once in other words, then kept as free text with a flag for the
agent. Corrections work at any moment ("不对 最后几位是…", "地址说错了 是…", "no wait, it's Elm Road"): the named slot,
or the one filled last, is corrected and the caller hears the new value. Noise is never "yes": it is a
misunderstanding, and two in a row reach a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from actions import answers, parsing
from actions.fields import FieldReader, Value, vague_time
from actions.form_state import FormState, flagged

# Intents that leave the form (handled by rules after the form rejects the utterance).
ESCAPE_INTENTS = frozenset({"request_human", "goodbye", "repeat", "silence"})
# Intents that cannot be an answer to "where?" or "when?" when nothing of that type is in the words.
NOT_AN_ANSWER = frozenset({"faq", "check_ticket_status", "out_of_scope", "greet", "thank"})
TYPED_SLOTS = ("location", "incident_time", "callback_phone")
# "Anything to add?" answered with nothing.
NOTHING_MORE = re.compile(r"^(?:没有?了?|没别的|没有别的|就这些|就这样|没什么|nothing|no|that's all|that is all|nothing else)"
                          r"(?:了|吧|啊|的|谢谢|thanks|thank you|\s)*$")
YES_NO_SLOTS = ("confidential", "complaint_confirmed")


@dataclass
class Extraction:
    """What one utterance changes in the complaint form."""

    slots: dict[str, Any] = field(default_factory=dict)
    """Slot updates (a ``None`` value clears a slot so the form asks again)."""
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Responses to utter first, with their template variables (e.g. ``("utter_corrected", {...})``)."""
    handoff: bool = False
    """The second misunderstanding in a row: hand the call to a person with what was collected."""


class ComplaintForm:
    """Turns one caller utterance into slot updates for the complaint form."""

    def __init__(self, reader: FieldReader) -> None:
        self._read = reader

    def extract(self, text: str, intent: str | None, state: FormState) -> Extraction:
        """Return the slot updates for one caller utterance while the complaint form runs."""
        out = Extraction()
        if not text.strip() or text.startswith("/"):
            return out
        text = self._read.normalize(text, state.lang)
        if intent in ESCAPE_INTENTS and not self._answer_despite_intent(text, intent, state):
            return out
        if answers.is_gibberish(text):
            return self._misunderstood(state)
        out.slots["misunderstood_last"] = False
        found = self._read.all_fields(text, state.lang, state.base_time, state.requested)
        requested = state.requested
        if requested == "complaint_confirmed":
            self._confirmation(text, intent, found, state, out)
            return out
        corrected = self._correction(text, found, state, out)
        if corrected:
            return out
        self._fill_volunteered(found, state, out, requested)
        if requested is None:
            self._opener(text, intent, state, out)
        elif requested in TYPED_SLOTS:
            self._typed_answer(requested, text, intent, found, state, out)
        elif requested == "description":
            if state.extra.get("opening") and ("callback_phone" in out.slots or "id_number" in out.slots):
                out.slots["description"] = state.extra["opening"]  # the answer was another field: nothing added
            else:
                self._description_answer(text, state, out)
        elif requested == "confidential":
            self._confidential_answer(text, found, state, out)
        if out.slots.get("callback_phone") == "anonymous" and state.slots.get("confidential") is None:
            out.slots.setdefault("confidential", True)
        return out

    def _answer_despite_intent(self, text: str, intent: str | None, state: FormState) -> bool:
        """Return whether words classified as goodbye are the answer ("对 就这样" at the read-back, a long account)."""
        if state.requested == "description" and state.extra.get("opening") and intent in ("goodbye", "repeat"):
            return True  # "没有了 谢谢" to "anything to add?": nothing to add, not the end of the call
        if intent != "goodbye" or state.requested is None:
            return False
        if state.requested in TYPED_SLOTS and not answers.farewell(text):
            return True  # "俩礼拜了" when asked when: no word ends the call; the answer is read (or asked again)
        if state.requested in YES_NO_SLOTS:
            return answers.yes_no(text).value is not None
        if state.requested in TYPED_SLOTS and self._read.answers(state.requested, text, state.lang, state.base_time):
            return True  # "上礼拜三就坏了" when asked when: the answer, though it sounds like a goodbye
        return len(answers.compact(text).replace(" ", "")) >= 10

    # -- misunderstandings -------------------------------------------------------------------------------------
    def _misunderstood(self, state: FormState) -> Extraction:
        if state.misunderstood_last:
            return Extraction({"misunderstood_last": False}, handoff=True)
        return Extraction({"misunderstood_last": True}, [("utter_not_understood", {})])

    # -- the opener and volunteered details -------------------------------------------------------------------
    def _fill_volunteered(self, found: dict[str, Value], state: FormState, out: Extraction, requested: str | None) -> None:
        """Several details in one breath: fill every empty slot the utterance states unambiguously."""
        for name, value in found.items():
            if name == "id_number" and state.extra.get("id_number") is None:
                out.slots["id_number"] = value.value  # only ever stored when the caller volunteers it
                continue
            if name == requested or name not in state.slots or state.slots.get(name) is not None:
                continue
            if name == "incident_time" and vague_time(value):
                continue  # "天天晚上", "at night" said in passing: the form asks when, and the answer is exact
            self._store(name, value, state, out)

    def _opener(self, text: str, intent: str | None, state: FormState, out: Extraction) -> None:
        kind = self._read.request_type(text)
        if kind and state.extra.get("request_type") in (None, "complaint"):
            out.slots["request_type"] = kind
        if state.extra.get("opening") is None and parsing.substantive(text):
            # The caller's first account is kept whole; the form still asks whether there is more to note.
            out.slots["opening"] = parsing.clean(answers.compact(text))
            out.slots["has_opening"] = True

    # -- answers to the question asked ----------------------------------------------------------------------
    def _typed_answer(
        self, requested: str, text: str, intent: str | None, found: dict[str, Value], state: FormState, out: Extraction
    ) -> None:
        value = found.get(requested)
        if value is None and requested == "callback_phone" and self._read.wants_anonymous(text):
            value = Value("anonymous", text)
        if value is not None:
            self._store(requested, value, state, out)
            return
        if requested in ("location", "incident_time") and answers.says_unknown(text):
            self._store(requested, Value(answers.compact(text), text), state, out)
            return
        misplaced = [name for name in found if name != requested and name in out.slots]
        if intent in NOT_AN_ANSWER and not misplaced and state.tries == 0:
            # A question instead of an answer: the rules answer it, then the form asks again. Only once: the same
            # words again are an answer the NLU misread ("九月份开始啦" as office hours), not a loop of answers.
            out.slots.pop("misunderstood_last", None)
            return
        if misplaced:
            # The answer to another question (a time when asked where): stored there; ask this one again.
            out.slots["reasked"] = requested
            return
        if state.reasked == requested and answers.yes_no(text).value is not None and len(answers.compact(text)) <= 6:
            return  # "对的", "no need": not an answer to where or when; the form asks once more
        if state.reasked == requested:
            # Asked twice: keep the caller's own words for the agent, flagged as unchecked.
            words = parsing.clean(answers.compact(text))
            if requested == "callback_phone":
                digits = parsing.digit_string(text)
                words = digits if len(digits) >= 5 else words  # the agent reads what was said, flagged
            if words:
                out.slots[requested] = words
                self._remember_words(out, state, requested, text)
                out.slots["flags"] = flagged(state, out, requested, "unverified")
                out.slots["reasked"] = None
            return
        # Not an answer of the right type (a number when asked "when?", a refusal when asked "where?"): ask once more.
        out.slots["reasked"] = requested
        out.slots[requested] = None
        if requested == "callback_phone" and parsing.partial_digits(text):
            out.responses.append(("utter_invalid_phone", {}))

    def _description_answer(self, text: str, state: FormState, out: Extraction) -> None:
        opening = state.extra.get("opening")
        if opening and (answers.yes_no(text).value is False or NOTHING_MORE.search(answers.compact(text))):
            out.slots["description"] = opening  # nothing to add: the first account is the description
            return
        words = parsing.clean(answers.compact(text))
        if words:
            out.slots["description"] = words
            self._remember_words(out, state, "description", text)

    def _confidential_answer(self, text: str, found: dict[str, Value], state: FormState, out: Extraction) -> None:
        if "confidential" in out.slots:
            return
        if "confidential" in found:  # "保密 保密", "一定保密", "不用保密"
            out.slots["confidential"] = found["confidential"].value
            return
        said = answers.yes_no(text)
        if said.value is None:
            if state.reasked == "confidential":
                out.slots["confidential"] = False  # asked twice without an answer: not confidential, flagged
                out.slots["flags"] = flagged(state, out, "confidential", "unverified")
                return
            out.slots["reasked"] = "confidential"
            return
        out.slots["confidential"] = said.value

    # -- the read-back -----------------------------------------------------------------------------------------
    def _confirmation(
        self, text: str, intent: str | None, found: dict[str, Value], state: FormState, out: Extraction
    ) -> None:
        named = self._read.named_field(text, state.lang)
        plain_yes = answers.yes_no(text).value is True and named is None
        if not plain_yes and self._correction(text, found, state, out, readback=True):
            out.slots["complaint_confirmed"] = None
            out.slots["correction_pending"] = False
            return
        said = answers.yes_no(text)
        if said.value is True:  # "yes and please actually do something this time" is a yes
            out.slots["complaint_confirmed"] = True
            out.slots["correction_pending"] = False
        elif said.value is False or answers.correction_cue(text) is not None:
            out.slots["complaint_confirmed"] = None
            out.slots["correction_pending"] = True
        elif state.correction_pending and parsing.clean(answers.compact(text)):
            # "Which part is wrong?" answered with new words and no field: they replace the description.
            out.slots["description"] = parsing.clean(answers.compact(text))
            self._remember_words(out, state, "description", text)
            out.slots["complaint_confirmed"] = None
            out.slots["correction_pending"] = False
        else:
            out.slots["complaint_confirmed"] = None

    # -- corrections at any moment ---------------------------------------------------------------------------
    def _correction(
        self, text: str, found: dict[str, Value], state: FormState, out: Extraction, readback: bool = False
    ) -> bool:
        """Apply "不对 …是…" / "no wait, it's …" to the named slot (or the one filled last); True if applied."""
        cue = answers.correction_cue(text)
        target = self._read.named_field(text, state.lang)
        if cue is None and not (readback and target and target in found):
            return False
        if not readback and state.requested == "description":
            return False  # "…i mean nobody could sleep": the caller's account, not a correction
        if cue is not None and target is None and not answers.is_zh(text) and len(
                answers.after_correction(text).split()) > 10:
            return False  # "sorry"/"actually" inside a long English sentence is talk, not a correction
        rest = answers.after_correction(text) if cue else text
        if target is None and not readback and state.requested in TYPED_SLOTS and self._read.answers(
                state.requested, text, state.lang, state.base_time):
            return False  # "裕华路二十六号 不对 是二十八号": a self-correction inside the answer to the question asked
        target = target or self._read.field_of(rest, state.lang) or state.last_filled
        if target is None or target not in state.slots:
            return False
        if target == state.requested and not readback:
            return False  # a self-correction inside the answer itself: the answer's own reading handles it
        value = self._read.corrected(target, rest, state.slots.get(target), state.lang, state.base_time)
        if value is None or state.slots.get(target) is None or value.value == state.slots.get(target):
            return False  # nothing new ("不对" alone): the read-back asks what to correct
        self._store(target, value, state, out)
        out.slots["flags"] = flagged(state, out, target, "corrected")
        if not readback:
            out.responses.append(("utter_corrected", {"field_label": self._read.label(target, state.lang),
                                                      "value": self._read.spoken(target, value, state.lang)}))
        return True

    # -- storing ---------------------------------------------------------------------------------------------
    def _store(self, name: str, value: Value, state: FormState, out: Extraction) -> None:
        out.slots[name] = value.value
        self._remember_words(out, state, name, value.words)
        for key, extra in value.extra.items():
            out.slots[key] = extra
        out.slots["last_filled"] = name
        if state.reasked == name:
            out.slots["reasked"] = None

    @staticmethod
    def _remember_words(out: Extraction, state: FormState, name: str, words: str) -> None:
        merged = dict(state.words)
        merged.update(out.slots.get("field_words") or {})
        merged[name] = words.strip()
        out.slots["field_words"] = merged
