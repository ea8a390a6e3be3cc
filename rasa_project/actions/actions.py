"""Custom actions: complaint form, ticket status, handoff, emergencies, fallback, repeat, silence, goodbye.

Directives for the bot travel as ``custom`` payloads (``json_message``): see dialogue/base.py.
Spoken texts are responses in domain/<lang>.yml; the actions only choose them and fill their variables.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import complaint_logic, parsing, texts

COMPLAINT_SLOTS = ("complaint_category", "location", "incident_time", "description", "callback_phone", "confidential")
HANDOFF_SLOTS = (*COMPLAINT_SLOTS, "ticket_number")
RESET_SLOTS = (*COMPLAINT_SLOTS, "complaint_confirmed", "correction_pending")


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
    """Return the slots filled so far that an agent needs (for a handoff ticket)."""
    return {name: tracker.get_slot(name) for name in HANDOFF_SLOTS if tracker.get_slot(name) is not None}


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


class ValidateComplaintForm(FormValidationAction):
    """Fill the complaint form's slots from each utterance (several at once, corrections on read-back)."""

    def name(self) -> str:
        return "validate_complaint_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message
        slots = {name: tracker.get_slot(name) for name in (*COMPLAINT_SLOTS, "correction_pending")}
        result = complaint_logic.extract(
            message.get("text") or "", intent_of(tracker), list(message.get("entities") or []),
            tracker.get_slot("requested_slot"), slots,
        )
        for response in result.responses:
            dispatcher.utter_message(response=response)
        return [SlotSet(name, value) for name, value in result.slots.items()]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Extraction already validated; return the slots set this turn so the form sees them.
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]


class AskComplaintConfirmed(Action):
    """Read the complaint back (phone digit by digit, one-sentence summary) and ask for confirmation."""

    def name(self) -> str:
        return "action_ask_complaint_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = lang(tracker)
        if tracker.get_slot("correction_pending"):
            dispatcher.utter_message(response="utter_ask_correction")
            return []
        slots = {name: tracker.get_slot(name) for name in COMPLAINT_SLOTS}
        dispatcher.utter_message(
            response="utter_complaint_readback",
            summary=texts.summary(slots, language),
            phone=texts.phone_readback(slots["callback_phone"], language),
            confidential=texts.confidential_text(slots["confidential"], language),
        )
        dispatcher.utter_message(json_message={"expect": "yes_no"})
        return []


class SubmitComplaint(Action):
    """Emit the ticket directive for a confirmed complaint (the bot stores it and speaks its number)."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = {name: tracker.get_slot(name) for name in (*COMPLAINT_SLOTS, "lang")}
        dispatcher.utter_message(response="utter_complaint_submitting")
        fields = complaint_logic.ticket_fields(slots, metadata(tracker))
        dispatcher.utter_message(json_message={"directive": "file_ticket", "fields": fields})
        return [SlotSet(name, None) for name in RESET_SLOTS]


class ValidateTicketStatusForm(FormValidationAction):
    """Take the ticket number from the caller's words (spoken digits or DTMF digits)."""

    def name(self) -> str:
        return "validate_ticket_status_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if intent_of(tracker) in complaint_logic.ESCAPE_INTENTS:
            return []
        number = parsing.ticket_number(tracker.latest_message.get("text") or "")
        return [SlotSet("ticket_number", number)] if number else []

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]


class TicketStatus(Action):
    """Ask the bot to look the ticket up and tell the caller its status."""

    def name(self) -> str:
        return "action_ticket_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number = tracker.get_slot("ticket_number") or ""
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
    """Tell the caller at once to hang up and dial 119 (fire, gas), 120 (medical) or 110 (police)."""

    def name(self) -> str:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        kind = parsing.emergency_kind(tracker.latest_message.get("text") or "")
        dispatcher.utter_message(response=f"utter_emergency_{kind}")
        dispatcher.utter_message(json_message={"directive": "hangup"})
        return [SlotSet(name, None) for name in RESET_SLOTS]


def previous_turn_actions(tracker: Tracker) -> list[str]:
    """Return the actions the bot ran in answer to the caller's previous utterance."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return []
    return [e.get("name") for e in tracker.events[users[-2] : users[-1]] if e.get("event") == "action"]


class Fallback(Action):
    """Ask the caller to rephrase; the second misunderstanding in a row goes to a human."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if "action_fallback" in previous_turn_actions(tracker):
            events = handoff(dispatcher, tracker, "misunderstood", "utter_handoff_misunderstood")
            return [*events, FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_please_rephrase")
        return []


class Goodbye(Action):
    """Say goodbye, then ask the bot to hang up."""

    def name(self) -> str:
        return "action_goodbye"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
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


class AffirmDeny(Action):
    """Yes/no outside a form: accept or decline an offered callback, or answer "anything else?"."""

    def name(self) -> str:
        return "action_affirm_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        yes = intent_of(tracker) == "affirm"
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
        dispatcher.utter_message(response="utter_goodbye")
        dispatcher.utter_message(json_message={"directive": "hangup"})
        return []
