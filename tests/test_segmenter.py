"""Segmenter and pre-roll on scripted frame sequences (pure, no audio)."""

from __future__ import annotations

import pytest

from asr.segmenter import Ended, PreRoll, Segmenter, SegmenterConfig, SegmenterEvent, Started, TimedOut
from voicebot.audio import AudioFrame
from voicebot.errors import ConfigError

CONFIG = SegmenterConfig(start_speech_ms=60, end_silence_ms=200, no_input_ms=1000, max_utterance_ms=2000)


def script(spec: str) -> list[bool]:
    """Turn "S" (speech) / "." (silence) characters, one per 20 ms frame, into decisions; spaces ignored."""
    return [c == "S" for c in spec if c in "S."]


def run(spec: str, config: SegmenterConfig = CONFIG, segmenter: Segmenter | None = None) -> list[SegmenterEvent]:
    seg = segmenter or Segmenter(config)
    events: list[SegmenterEvent] = []
    for decision in script(spec):
        event = seg.process(20, decision)
        if event is not None:
            events.append(event)
    return events


@pytest.mark.parametrize(
    ("name", "spec", "expected"),
    [
        ("needs three speech frames to start", "..... SSS", [Started(100)]),
        ("two-frame blips are ignored", "SS. SS. SS. S.S. ", []),
        ("start time is the onset of the triggering run", ".. S.SSS", [Started(80)]),
        (
            "ends after 200 ms of silence, end is the last speech frame",
            "SSSSS ..........",
            [Started(0), Ended(0, 100)],
        ),
        ("a 180 ms pause does not end the utterance", "SSSS ......... SSSS", [Started(0)]),
        (
            "pauses shorter than end_silence keep one utterance",
            "SSSS ......... SSSS ..........",
            [Started(0), Ended(0, 340)],
        ),
        ("timeout after no_input_ms of silence", "." * 50, [TimedOut(1000, 1000)]),
        ("timeout repeats every no_input_ms", "." * 100, [TimedOut(1000, 1000), TimedOut(2000, 1000)]),
        ("blips restart nothing: timeout still fires", "SS." * 17, [TimedOut(1020, 1020)]),
        (
            "utterance cut at max_utterance_ms",
            "S" * 120,
            [Started(0), Ended(0, 2000, truncated=True), Started(2000)],
        ),
        (
            "timer restarts at the end of an utterance",
            "SSS .........." + "." * 50,
            [Started(0), Ended(0, 60), TimedOut(1260, 1000)],
        ),
    ],
)
def test_scripted_sequences(name: str, spec: str, expected: list[SegmenterEvent]) -> None:
    assert run(spec) == expected, name


def test_two_utterances_carry_their_own_times() -> None:
    events = run("..SSSS.......... ....SSSSSS..........")
    assert events == [Started(40), Ended(40, 120), Started(400), Ended(400, 520)]


def test_in_speech_property_tracks_state() -> None:
    seg = Segmenter(CONFIG)
    states = []
    for decision in script("SSS SS ..........  ."):
        seg.process(20, decision)
        states.append(seg.in_speech)
    assert states == [False, False, True, True, True] + [True] * 9 + [False, False]
    assert seg.now_ms == 16 * 20


def test_reset_timeout_counts_from_bot_end() -> None:
    seg = Segmenter(CONFIG)
    assert run("." * 40, segmenter=seg) == []
    seg.reset_timeout()  # the bot just stopped speaking at 800 ms
    assert run("." * 40, segmenter=seg) == []  # 1600 ms: only 800 ms since the reset
    assert run("." * 10, segmenter=seg) == [TimedOut(1800, 1000)]


def test_resetting_every_frame_while_bot_speaks_holds_the_timeout() -> None:
    """The listener resets the timer on each frame the bot talks over: no-input counts from the bot's end."""
    seg = Segmenter(CONFIG)
    for decision in script("." * 200):  # 4 s of bot speech, the caller silent
        seg.reset_timeout()
        assert seg.process(20, decision) is None
    # the last reset came at the start of the bot's last frame (3980 ms): 1000 ms later it fires
    assert run("." * 48, segmenter=seg) == []
    assert run(".", segmenter=seg) == [TimedOut(4980, 1000)]


def test_reconfigure_for_a_phone_number_prompt() -> None:
    seg = Segmenter(CONFIG)
    digits = "SSSS" + "." * 15 + "SSSS" + "." * 15 + "SSSS" + "." * 30
    short = run(digits, segmenter=seg)
    assert [type(e) for e in short] == [Started, Ended, Started, Ended, Started, Ended]
    seg.reconfigure(SegmenterConfig(start_speech_ms=60, end_silence_ms=500, no_input_ms=1000))
    long = run(digits, segmenter=seg)
    assert [type(e) for e in long] == [Started, Ended]
    assert long[1] == Ended(long[0].at_ms, long[0].at_ms + (4 + 15 + 4 + 15 + 4) * 20)  # type: ignore[union-attr]


def test_start_offset_and_frame_sizes() -> None:
    seg = Segmenter(CONFIG, start_ms=5000)
    assert seg.process(30, True) is None
    assert seg.process(30, True) == Started(5000)
    with pytest.raises(ConfigError) as info:
        seg.process(0, True)
    assert info.value.code == "segmenter-bad-frame"


@pytest.mark.parametrize(
    "kwargs", [{"start_speech_ms": 0}, {"end_silence_ms": -1}, {"max_utterance_ms": 0}, {"pre_roll_ms": -20}]
)
def test_bad_config_is_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ConfigError) as info:
        SegmenterConfig(**kwargs)
    assert info.value.code == "segmenter-bad-config"


def test_no_input_zero_disables_timeout() -> None:
    assert run("." * 500, SegmenterConfig(no_input_ms=0)) == []


def _frame(i: int) -> AudioFrame:
    return AudioFrame(bytes([i]) * 320, 8000, i * 20)


def test_pre_roll_keeps_the_newest_frames() -> None:
    roll = PreRoll(100)
    assert roll.capacity == 5
    for i in range(12):
        roll.push(_frame(i))
    assert [f.timestamp_ms for f in roll.drain()] == [140, 160, 180, 200, 220]
    assert len(roll) == 0
    assert roll.drain() == []


def test_pre_roll_rounds_up_to_whole_frames_and_zero() -> None:
    roll = PreRoll(50)  # 2.5 frames -> 3
    assert roll.capacity == 3
    for i in range(20):
        roll.push(_frame(i))
    assert [f.timestamp_ms for f in roll.drain()] == [340, 360, 380]
    none = PreRoll(0)
    none.push(_frame(1))
    assert none.drain() == []


def test_segmenter_with_pre_roll_keeps_the_onset() -> None:
    """The documented call-loop recipe hands the recogniser the triggering run plus lead-in."""
    seg = Segmenter(CONFIG)
    roll = PreRoll(CONFIG.pre_roll_ms)
    fed: list[int] = []
    decisions = script("." * 30 + "SSSSSS" + "." * 12)
    for i, decision in enumerate(decisions):
        frame = _frame(i)
        event = seg.process(20, decision)
        if isinstance(event, Started):
            fed.extend(f.timestamp_ms for f in roll.drain())
        if seg.in_speech or isinstance(event, Ended):
            fed.append(frame.timestamp_ms)
        else:
            roll.push(frame)
    onset = 30 * 20
    assert onset in fed and onset + 20 in fed  # the first two speech frames came from the pre-roll
    assert fed[0] == onset + 40 - 300  # 300 ms of lead-in before the triggering frame
    assert fed == sorted(fed) and len(set(fed)) == len(fed)
