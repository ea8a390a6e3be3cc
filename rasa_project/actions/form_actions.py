"""The complaint form's actions: slot validation, the read-back, and submitting the confirmed ticket."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing, texts, ticket
from actions.extract import call_time
from actions.actions import RESET_SLOTS, handoff, intent_of, lang, metadata, safety_verdict
from actions.complaint_logic import ComplaintForm
from actions.fields import FieldReader
from actions.form_state import BOOKKEEPING_SLOTS, COMPLAINT_SLOTS, DETAIL_SLOTS, state_from_slots, tries_on


class ValidateComplaintForm(FormValidationAction):
    """Fill the complaint form's slots from each utterance: checked, corrected, several at once."""

    def __init__(self) -> None:
        super().__init__()
        reader = FieldReader()
        reader.warm()  # jionlp's and jieba's data load at the action server's start (about 2 s), not on a call
        self._form = ComplaintForm(reader)

    def name(self) -> str:
        return "validate_complaint_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = intent_of(tracker)
        if intent == "emergency" and safety_verdict(tracker) is None:
            # No verdict from the bot (Rasa used on its own): follow the NLU, give the number, keep the form.
            kind = parsing.emergency_kind(tracker.latest_message.get("text") or "")
            dispatcher.utter_message(response=f"utter_emergency_{kind}")
            return [SlotSet("misunderstood_last", False)]
        names = (*COMPLAINT_SLOTS, *DETAIL_SLOTS, *BOOKKEEPING_SLOTS)
        requested = tracker.get_slot("requested_slot")
        state = state_from_slots({name: tracker.get_slot(name) for name in names}, requested, lang(tracker),
                                 call_time(metadata(tracker)), tries_on(tracker.events, requested))
        result = self._form.extract(tracker.latest_message.get("text") or "", intent, state)
        if result.handoff:
            events = handoff(dispatcher, tracker, "misunderstood", "utter_handoff_misunderstood")
            return [*events, ActiveLoop(None), SlotSet("requested_slot", None)]
        for response, variables in result.responses:
            dispatcher.utter_message(response=response, **variables)
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
        slots = {name: tracker.get_slot(name) for name in (*COMPLAINT_SLOTS, "opening")}
        slots["complaint_category"] = ticket.category_of(slots)[0]
        dispatcher.utter_message(
            response="utter_complaint_readback",
            summary=texts.summary(slots, language),
            phone=texts.phone_readback(slots["callback_phone"], language),
            confidential=texts.confidential_text(slots["confidential"], language),
        )
        dispatcher.utter_message(json_message={"expect": "yes_no", "asked": "complaint_confirmed"})
        return []


class SubmitComplaint(Action):
    """Emit the ticket directive for a confirmed complaint (the bot stores it and speaks its number)."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("complaint_confirmed") is not True:
            return []  # the form ended without a confirmed complaint (a handoff from inside the form)
        names: tuple[str, ...] = (*COMPLAINT_SLOTS, *DETAIL_SLOTS, "lang")
        slots: dict[str, Any] = {name: tracker.get_slot(name) for name in names}
        dispatcher.utter_message(response="utter_complaint_submitting")
        fields = ticket.ticket_fields(slots, metadata(tracker))
        dispatcher.utter_message(json_message={"directive": "file_ticket", "fields": fields})
        return [SlotSet(name, None) for name in RESET_SLOTS]
