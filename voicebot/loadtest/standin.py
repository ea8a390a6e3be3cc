"""A STAND-IN dialogue engine for load tests when no Rasa answers: fixed replies, no understanding at all.

Every number a load test reports says which dialogue engine it used; with this one, dialogue time is ~0 and
the replies are the same three sentences (their audio is rendered once and then cached, as most real
replies are). It exists so that ASR, TTS, pacing, tickets and the event loop can be loaded without the
1.3 GB Rasa servers; real dialogue time must be added from a run against Rasa.
"""

from __future__ import annotations

from typing import Any

from dialogue.base import BotTurn

NAME = "stand-in (voicebot.loadtest.standin: fixed replies, not Rasa)"
"""How reports name this engine."""

REPLIES = {
    "zh-CN": (
        "好的，请问事情发生在什么地方？",
        "明白了，我们会把您反映的情况记录下来，转给相关部门尽快核实处理，处理结果会通过短信通知您，请问还有其他问题吗？",
        "好的，感谢您的来电，再见。",
    ),
    "en-US": (
        "All right, where did it happen?",
        "Understood. We will record what you told us and pass it to the department in charge, who will look into"
        " it soon and send you the result by text message. Is there anything else?",
        "Thank you for calling, goodbye.",
    ),
}
"""Replies by language, in turn order (the second is long: callers barge in on it)."""


class StandInDialogue:
    """A ``DialogueEngine`` answering turn k of every call with ``REPLIES[lang][k]`` (the last one repeats)."""

    def __init__(self) -> None:
        self._turns: dict[str, int] = {}

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Return the call's next fixed reply."""
        replies = REPLIES.get(lang) or REPLIES["zh-CN"]
        turn = self._turns.get(call_id, 0)
        self._turns[call_id] = turn + 1
        if len(self._turns) > 10_000:  # forget old calls: a long soak must not grow this dict
            self._turns = {call_id: turn + 1}
        return BotTurn((replies[min(turn, len(replies) - 1)],), intent="stand_in")

    async def aclose(self) -> None:
        """Nothing to release."""


def all_replies() -> list[tuple[str, str]]:
    """Return ``(text, lang)`` of every reply, to pre-render them."""
    return [(text, lang) for lang, texts in REPLIES.items() for text in texts]
