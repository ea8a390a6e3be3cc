"""Rules the bot applies itself, before and regardless of the dialogue engine.

The caller can always reach a human ("转人工", "agent"); emergencies are recognised by meaning (a hazard
happening now to someone, not a complaint that mentions 救护车 or police) and sent to 119/110/120 at once, even
when Rasa is down or misunderstands. See docs/workorder.md, "Safety verdict".
"""

from __future__ import annotations

from voicebot.call.safety.answer import Answer, read_answer
from voicebot.call.safety.human import wants_human
from voicebot.call.safety.scoring import classify, normalise
from voicebot.call.safety.verdict import Kind, Level, SafetyVerdict

__all__ = ["Answer", "Kind", "Level", "SafetyVerdict", "classify", "normalise", "read_answer", "wants_human"]
