"""Actions that greet or answer a question, unless the words are a complaint (then the complaint form takes them)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import lang
from actions.routing import ComplaintCheck


def previous_words(tracker: Tracker) -> str:
    """Return what the caller said before the latest message ("" at the start of the call)."""
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return said[-2] if len(said) >= 2 else ""


class FaqAnswer(Action):
    """Answer a knowledge-base question; a complaint that only sounds like one (停水了一整天) starts the form."""

    def __init__(self) -> None:
        self._check = ComplaintCheck()

    def name(self) -> str:
        return "action_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if self._check.is_complaint(text, lang(tracker), "faq", before=previous_words(tracker)):
            return [FollowupAction("complaint_form")]
        selected = ((tracker.latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        dispatcher.utter_message(response=selected.get("utter_action") or "utter_faq")
        return []


class Greet(Action):
    """Greet back; a greeting followed by a complaint in the same breath starts the complaint form."""

    def __init__(self) -> None:
        self._check = ComplaintCheck()

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if self._check.is_complaint(tracker.latest_message.get("text") or "", lang(tracker), "greet"):
            return [FollowupAction("complaint_form")]
        dispatcher.utter_message(response="utter_greet")
        return []
