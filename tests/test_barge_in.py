"""The barge-in decision (keep / duck / stop), the backchannel table, the voiced meter and where a cut resumes."""

from __future__ import annotations

import pytest

from dialogue.rasa_client import parse_messages
from voicebot.call.backchannels import BACKCHANNELS, is_backchannel
from voicebot.call.barge_in import BargeAction, BargeInRule, Overlap, VoicedMeter, decide, is_nothing
from voicebot.call.prompts import NOT_INTERRUPTIBLE, PROMPTS, interruptible
from voicebot.call.resume import resume_text, sentences

KEEP, DUCK, STOP = BargeAction.KEEP, BargeAction.DUCK, BargeAction.STOP


@pytest.mark.parametrize(
    ("voiced", "partial", "may_cut", "action"),
    [
        (0, "", True, KEEP),  # nothing voiced yet
        (120, "", True, DUCK),  # a sound starts: turn down, wait
        (300, "我要 投诉", True, DUCK),  # 300 ms or less never stops, whatever the words
        (320, "", True, DUCK),  # long enough, but no words yet
        (320, "嗯", True, DUCK),  # a backchannel
        (800, "嗯 对 对", True, DUCK),
        (320, "我要", True, STOP),  # real speech
        (320, "我要", False, KEEP),  # ...over a read-back: it plays on
        (2000, "不对 地址 错了", False, KEEP),
    ],
)
def test_decision(voiced: int, partial: str, may_cut: bool, action: BargeAction) -> None:
    assert decide(Overlap(voiced, partial, may_cut, "zh-CN")) is action


def test_without_ducking_undecided_sound_keeps_the_volume() -> None:
    assert decide(Overlap(200, "", True, "zh-CN"), BargeInRule(duck=False)) is KEEP
    assert decide(Overlap(400, "wait", True, "en-US"), BargeInRule(duck=False)) is STOP


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("嗯", "zh-CN", True), ("对对对", "zh-CN", True), ("嗯 好的", "zh-CN", True), ("是的。", "zh-CN", True),
        ("对 我要投诉", "zh-CN", False), ("不对", "zh-CN", False), ("", "zh-CN", False),
        ("uh-huh", "en-US", True), ("Okay, yeah.", "en-US", True), ("uh huh right", "en-US", True),
        ("okay but wait", "en-US", False), ("no", "en-US", False), ("yeah", "en-GB", True),
    ],
)  # fmt: skip
def test_backchannels(text: str, lang: str, expected: bool) -> None:
    assert is_backchannel(text, lang) is expected


def test_the_table_has_the_issues_words_in_both_languages() -> None:
    assert {"嗯", "对", "好", "是"} <= set(BACKCHANNELS["zh-CN"])
    assert {"uh-huh", "okay", "yeah"} <= set(BACKCHANNELS["en-US"])
    assert is_nothing("", "zh-CN") and is_nothing("嗯嗯", "zh-CN") and not is_nothing("喂 你好", "zh-CN")


def test_the_voiced_meter_counts_one_stretch_of_sound_well_over_the_noise_floor() -> None:
    meter = VoicedMeter(margin_db=12.0, frame_ms=20, gap_ms=100)
    meter.frame(True, 6.0)  # speech-like but only 6 dB over the line's noise: not voiced
    meter.frame(True, 20.0)  # 20 dB up: voiced
    meter.start()
    assert meter.voiced_ms == 20 == meter.peak_ms
    meter.frame(False, 20.0)
    meter.frame(True, None)  # a short gap is bridged; a VAD that tracks no floor: no gate
    assert meter.voiced_ms == 40 == meter.peak_ms
    for _ in range(5):
        meter.frame(False, 0.0)  # 100 ms unvoiced: the stretch is over
    meter.frame(True, 20.0)
    assert meter.voiced_ms == 20 and meter.peak_ms == 40


GREETING = PROMPTS["greeting"]["zh-CN"]


def test_a_cut_resumes_at_the_start_of_the_sentence_that_was_playing() -> None:
    first, second = sentences(GREETING)
    assert first.endswith("。") and second.startswith("请直接说出")
    assert resume_text(GREETING, played_ms=500, total_ms=10_000) == GREETING  # still in the first sentence
    assert resume_text(GREETING, played_ms=7_000, total_ms=10_000) == second
    # Just past the boundary the margin replays the first sentence rather than risk skipping its end.
    boundary = round(10_000 * len([c for c in first if c.isalnum()]) / len([c for c in GREETING if c.isalnum()]))
    assert resume_text(GREETING, played_ms=boundary + 100, total_ms=10_000) == GREETING
    assert resume_text("Ticket 12.5 is ready. Please hold.", 9_000, 10_000) == "Please hold."


def test_every_ticket_number_read_back_is_not_interruptible() -> None:
    with_numbers = {key for key, texts in PROMPTS.items() if "{number}" in texts["zh-CN"]}
    assert with_numbers <= NOT_INTERRUPTIBLE <= set(PROMPTS)
    assert interruptible("greeting") and not interruptible("ticket_filed")


def test_rasa_custom_payload_marks_the_text_before_it_not_interruptible() -> None:
    turn = parse_messages([
        {"text": "好的"}, {"text": "我帮您查一下工单 幺二三"}, {"custom": {"interruptible": False}},
        {"custom": {"expect": "yes_no"}}, {"text": "请问对吗"},
    ])  # fmt: skip
    assert turn.utterances == ("好的", "我帮您查一下工单 幺二三", "请问对吗") and turn.uninterruptible == (1,)
    assert parse_messages([{"text": "a", "custom": {"interruptible": False}}]).uninterruptible == (0,)
    assert parse_messages([{"text": "a"}, {"custom": {"interruptible": True}}]).uninterruptible == ()
