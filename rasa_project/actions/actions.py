"""Custom actions: complaint form, ticket status, handoff, emergencies, fallback, repeat, silence, goodbye.

Directives for the bot travel as ``custom`` payloads (``json_message``): see dialogue/base.py.
Spoken texts are responses in domain/<lang>.yml; the actions only choose them and fill their variables.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, complaint_logic, parsing, texts, ticket
from actions.routing import ComplaintCheck
from actions.form_state import BOOKKEEPING_SLOTS, COMPLAINT_SLOTS, DETAIL_SLOTS

HANDOFF_SLOTS = (*COMPLAINT_SLOTS, *DETAIL_SLOTS, "ticket_number")
RESET_SLOTS = (*COMPLAINT_SLOTS, *DETAIL_SLOTS, *BOOKKEEPING_SLOTS)


def metadata(tracker: Tracker) -> dict[str, Any]:
    """Return the metadata the bot sent with the latest caller message."""
    return dict(tracker.latest_message.get("metadata") or {})


def lang(tracker: Tracker) -> str:
    """Return the call language (the model's lang slot, else the message metadata)."""
    return texts.lang_of(tracker.get_slot("lang") or metadata(tracker).get("lang"))


def intent_of(tracker: Tracker) -> str | None:
    """Return the latest caller intent name."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def filled_slots(tracker: Tracker) -> dict[str, Any]:
    """Return the slots filled so far that an agent needs (for a handoff ticket), in the ticket's field names."""
    slots = {name: tracker.get_slot(name) for name in HANDOFF_SLOTS if tracker.get_slot(name) is not None}
    return ticket.partial_fields(slots)


def safety_verdict(tracker: Tracker) -> str | None:
    """Return the bot's safety verdict for the latest utterance (``emergency``/``unsure``/``none``), if it sent one."""
    value = metadata(tracker).get("safety")
    return str(value) if value else None


def agents_available(tracker: Tracker) -> bool:
    """Return whether human agents are working now (metadata ``agents_available``; absent means yes)."""
    value = metadata(tracker).get("agents_available", True)
    return value not in (False, "false", "False", 0, "0")


def handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, response: str) -> list[EventType]:
    """Hand the call to an agent, or outside agents' hours offer a callback ticket instead."""
    events: list[EventType] = []
    if tracker.active_loop.get("name"):
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    if not agents_available(tracker):
        back = metadata(tracker).get("agents_back") or texts.AFTER_HOURS_DEFAULT[lang(tracker)]
        dispatcher.utter_message(response="utter_handoff_after_hours", agents_back=back)
        dispatcher.utter_message(json_message={"expect": "yes_no"})
        return [*events, SlotSet("callback_offered", True)]
    dispatcher.utter_message(response=response)
    dispatcher.utter_message(json_message={"directive": "handoff", "reason": reason, "slots": filled_slots(tracker)})
    return events


class ValidateTicketStatusForm(FormValidationAction):
    """Take the ticket number from the caller's words (spoken digits or DTMF digits).

    A complaint the classifier took for a status check ("我投数一下楼下ktv照音太大了") goes to the complaint form.
    """

    def __init__(self) -> None:
        super().__init__()
        self._check = ComplaintCheck()

    def name(self) -> str:
        return "validate_ticket_status_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if intent_of(tracker) in complaint_logic.ESCAPE_INTENTS:
            return []
        text = tracker.latest_message.get("text") or ""
        number = parsing.ticket_number(text)
        if number:
            return [SlotSet("ticket_number", number)]
        if not tracker.active_loop.get("name") and self._check.is_complaint(text, lang(tracker), intent_of(tracker)):
            # Ends the status form at once; action_ticket_status then hands the words to the complaint form.
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return []

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]


class TicketStatus(Action):
    """Ask the bot to look the ticket up and tell the caller its status."""

    def __init__(self) -> None:
        self._check = ComplaintCheck()

    def name(self) -> str:
        return "action_ticket_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number = tracker.get_slot("ticket_number") or ""
        text = tracker.latest_message.get("text") or ""
        if self._check.is_complaint(text, lang(tracker), "check_ticket_status"):
            # The words were a complaint, not a status check; digits in them are the callback number said first
            # ("我先留个电话 幺三五… 我要说的是…"), not a ticket's.
            return [SlotSet("ticket_number", None), FollowupAction("complaint_form")]
        if not number:
            dispatcher.utter_message(response="utter_ask_ticket_number")
            return [ActiveLoop("ticket_status_form"), SlotSet("requested_slot", "ticket_number")]
        dispatcher.utter_message(response="utter_ticket_status_lookup",
                                 ticket_number=parsing.spoken_digits(number, lang(tracker)))
        dispatcher.utter_message(json_message={"directive": "ticket_status", "ticket_number": number})
        return [SlotSet("ticket_number", None)]


class Handoff(Action):
    """Transfer to a human (caller request or out-of-scope), with every slot filled so far."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if intent_of(tracker) == "out_of_scope":
            return handoff(dispatcher, tracker, "out-of-scope", "utter_handoff_out_of_scope")
        return handoff(dispatcher, tracker, "caller-request", "utter_handoff")


class Emergency(Action):
    """Tell the caller at once to dial 119 (fire, gas), 120 (medical) or 110 (police); keep the call and the form.

    The bot's own pre-check (voicebot/call/safety/) decides what is an emergency and sends its verdict as message
    metadata ``safety``: when it says ``none`` (a complaint that merely mentions an ambulance, a fire exit, the police),
    the words are a complaint, and the complaint form takes them.
    """

    def name(self) -> str:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if safety_verdict(tracker) == "none":
            return [FollowupAction("complaint_form")]
        kind = parsing.emergency_kind(tracker.latest_message.get("text") or "")
        dispatcher.utter_message(response=f"utter_emergency_{kind}")
        dispatcher.utter_message(response="utter_emergency_continue")
        return []


def previous_turn_actions(tracker: Tracker) -> list[str]:
    """Return the actions the bot ran in answer to the caller's previous utterance."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return []
    return [e.get("name") for e in tracker.events[users[-2] : users[-1]] if e.get("event") == "action"]


def previous_turn_misunderstood(tracker: Tracker) -> bool:
    """Return whether the caller's previous utterance was not understood (fallback, or noise inside the form)."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return False
    turn = tracker.events[users[-2] : users[-1]]
    return any(e.get("event") == "action" and e.get("name") == "action_fallback" for e in turn) or any(
        e.get("event") == "slot" and e.get("name") == "misunderstood_last" and e.get("value") for e in turn
    )


class Fallback(Action):
    """Ask the caller to rephrase; the second misunderstanding in a row goes to a human."""

    def __init__(self) -> None:
        self._check = ComplaintCheck()

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if not tracker.active_loop.get("name") and self._check.is_complaint(text, lang(tracker)):
            # A complaint told in one breath (problem + place + time) that the classifier could not place.
            return [FollowupAction("complaint_form")]
        return misunderstood(dispatcher, tracker)


def misunderstood(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Ask the caller to rephrase; the second misunderstanding in a row goes to a human."""
    if previous_turn_misunderstood(tracker):
        events = handoff(dispatcher, tracker, "misunderstood", "utter_handoff_misunderstood")
        return [*events, FollowupAction("action_listen")]
    dispatcher.utter_message(response="utter_please_rephrase")
    return [SlotSet("misunderstood_last", True)]


class Goodbye(Action):
    """Say goodbye, then ask the bot to hang up."""

    def name(self) -> str:
        return "action_goodbye"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if not answers.farewell(text) and parsing.category(text) is not None and parsing.substantive(text):
            return [FollowupAction("complaint_form")]  # "没事 人没事 我是想投诉物业不扫冰": a complaint, no goodbye
        dispatcher.utter_message(response="utter_goodbye")
        dispatcher.utter_message(json_message={"directive": "hangup"})
        return []


class Repeat(Action):
    """Say the bot's previous turn again (inside a form, the form itself asks its question again)."""

    def name(self) -> str:
        return "action_repeat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.active_loop.get("name"):
            return []
        users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
        start = users[-2] if len(users) >= 2 else 0
        end = users[-1] if users else len(tracker.events)
        said = [e.get("text") for e in tracker.events[start:end] if e.get("event") == "bot" and e.get("text")]
        for text in said:
            dispatcher.utter_message(text=text)
        if not said:
            dispatcher.utter_message(response="utter_anything_else")
        return []


class Silence(Action):
    """Answer the bot's ``/silence`` message: check the caller is still there."""

    def name(self) -> str:
        return "action_silence"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        in_form = bool(tracker.active_loop.get("name"))
        dispatcher.utter_message(response="utter_still_there_form" if in_form else "utter_still_there")
        return []


def complaint_misread_as_no(tracker: Tracker) -> bool:
    """Return whether a "no" is a complaint that merely says no/not: the call's opener, or a long account, naming a
    kind of problem ("property fee went up no notice", "没人管 垃圾堆了一个礼拜")."""
    text = tracker.latest_message.get("text") or ""
    if parsing.category(text) is None or not parsing.substantive(text):
        return False
    opener = sum(1 for e in tracker.events if e.get("event") == "user") <= 1
    words = answers.compact(text)
    if opener:
        return True
    if re.match(r"(?:(?:no|nope|nah|not really)\b|没有了|没了|没别的|不用|不要了)", words.lower()):
        return False  # "no thanks, that's all, the noise is gone": the answer to "anything else?"
    return len(words) >= 16 if lang(tracker) == "zh-CN" else len(words.split()) >= 8


class AffirmDeny(Action):
    """Yes/no outside a form: accept or decline an offered callback, or answer "anything else?"."""

    def name(self) -> str:
        return "action_affirm_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        said = answers.yes_no(tracker.latest_message.get("text") or "")
        if said.gibberish:
            return misunderstood(dispatcher, tracker)  # noise is never a yes (nor a no that hangs up)
        yes = said.value if said.value is not None else intent_of(tracker) == "affirm"
        if tracker.get_slot("callback_offered"):
            if yes:
                fields = {**filled_slots(tracker), "kind": "callback", "lang": lang(tracker)}
                fields.setdefault("callback_phone", metadata(tracker).get("calling_number") or None)
                dispatcher.utter_message(response="utter_callback_filed")
                dispatcher.utter_message(json_message={"directive": "file_ticket", "fields": fields})
            else:
                dispatcher.utter_message(response="utter_callback_declined")
            return [SlotSet("callback_offered", False)]
        if yes:
            dispatcher.utter_message(response="utter_go_ahead")
            return []
        if complaint_misread_as_no(tracker):
            return [FollowupAction("complaint_form")]  # "property fee went up no notice": a complaint, not a no
        dispatcher.utter_message(response="utter_goodbye")
        dispatcher.utter_message(json_message={"directive": "hangup"})
        return []
