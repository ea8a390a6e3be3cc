"""WER/CER on known strings, and the latency percentiles the reports print."""

from __future__ import annotations

import pytest

from voicebot.qa.metrics import ErrorCount, edit_distance, error_count, metric_for, tokens
from voicebot.runtime.stats import percentile


def test_wer_counts_substitutions_deletions_and_insertions() -> None:
    # ref: the cat sat on the mat (6 words); hyp: one substitution (cat->bat), one deletion (on), one insertion (down)
    count = error_count("The cat sat on the mat.", "the bat sat the mat down", "en-US")
    assert count == ErrorCount("wer", 3, 6)
    assert count.rate == pytest.approx(0.5)


def test_wer_ignores_case_and_punctuation_and_apostrophes() -> None:
    assert error_count("It's nine o'clock, OK?", "its nine oclock ok", "en-US").errors == 0


def test_cer_compares_characters_and_ignores_vosk_spaces() -> None:
    # vosk writes Mandarin with spaces between words: they are not errors
    assert error_count("广州市房地产中介协会分析", "广州 市 房地产 中介 协会 分析", "zh-CN") == ErrorCount("cer", 0, 12)
    count = error_count("我要投诉噪音", "我要头诉噪声啊", "zh-CN")  # 2 substitutions + 1 insertion
    assert count == ErrorCount("cer", 3, 6)
    assert count.rate == pytest.approx(0.5)


def test_empty_cases() -> None:
    assert error_count("", "", "en-US").rate == 0.0
    assert error_count("", "noise", "en-US").rate == 1.0
    assert error_count("hello world", "", "en-US") == ErrorCount("wer", 2, 2)


def test_sums_over_turns() -> None:
    total = error_count("a b c d", "a x c d", "en-US") + error_count("e f", "e f g h", "en-US")
    assert total == ErrorCount("wer", 3, 6)


def test_helpers() -> None:
    assert metric_for("zh-CN") == "cer" and metric_for("en-US") == "wer"
    assert tokens("Hello, World!", "en-US") == ["hello", "world"]
    assert tokens("你好，世界", "zh-CN") == ["你", "好", "世", "界"]
    assert edit_distance("kitten", "sitting") == 3


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([100], 95) == 100
    assert percentile([100, 200, 300, 400], 50) == pytest.approx(250)
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
