"""The adaptive end-of-turn rule on partial transcripts as vosk writes them (Mandarin with spaces between words)."""

from __future__ import annotations

import pytest

from asr.end_of_turn import Decision, EndOfTurnConfig, decide, digit_runs, number_state
from asr.turn_words import turn_words
from voicebot.errors import ConfigError

CONFIG = EndOfTurnConfig(min_ms=300, neutral_ms=550, hesitant_ms=1200, max_ms=2000)
SHORT, NEUTRAL, HESITANT, CAP = 300, 550, 1200, 2000


@pytest.mark.parametrize(
    ("text", "hold", "reason"),
    [
        # hesitant, elderly callers: the turn trails off into a filler, a conjunction or an opened phrase
        ("我 想 问 一下 那个", HESITANT, "trailing-hesitation"),
        ("我 想 问 一下", HESITANT, "trailing-hesitation"),
        ("喂 你好 我 想 反映 一下 就是", HESITANT, "trailing-hesitation"),
        ("我们 小区 门口 的 路灯 然后", HESITANT, "trailing-hesitation"),
        ("还有 那个 啊", HESITANT, "trailing-hesitation"),  # a particle after the filler does not close it
        ("嗯", HESITANT, "trailing-hesitation"),  # a lone 嗯 in free speech starts a turn
        ("楼上 漏水 因为", HESITANT, "trailing-hesitation"),
        # complete requests
        ("我家 楼下 的 路灯 坏 了", SHORT, "closing-word"),
        ("请问 办 居住证 要 带 什么 材料 呢", SHORT, "closing-word"),
        ("好的 谢谢", SHORT, "closing-word"),
        ("好的", SHORT, "yes-no-answer"),
        # a phone number dictated in free speech, in groups
        ("我 的 手机号 是 一三八", HESITANT, "digits-coming"),
        ("我 的 电话 是 一三八 幺二三四 五六七八", SHORT, "number-complete"),
        # nothing the table knows: the neutral hold
        ("路灯 不 亮", NEUTRAL, "neutral"),
        ("그 사람이 왔어요", NEUTRAL, "neutral"),  # the CI model is Korean: its words tell nothing
        ("", NEUTRAL, "no-words"),
    ],
)
def test_free_speech_in_mandarin(text: str, hold: int, reason: str) -> None:
    assert decide(text, "zh-CN", config=CONFIG) == Decision(hold, reason)


@pytest.mark.parametrize(
    ("text", "hold", "reason"),
    [
        ("i want to report a broken street light and", HESITANT, "trailing-hesitation"),
        ("the light outside my um", HESITANT, "trailing-hesitation"),
        ("i want to ask about the", HESITANT, "trailing-hesitation"),
        ("so", HESITANT, "trailing-hesitation"),
        ("thank you", SHORT, "closing-word"),  # "you" alone would be an opened phrase; "thank you" closes
        ("that's all", SHORT, "closing-word"),
        ("the street light outside my house is broken", NEUTRAL, "neutral"),
        ("okay", SHORT, "yes-no-answer"),
        ("no need", SHORT, "yes-no-answer"),
        ("hi what is this number for", NEUTRAL, "neutral"),  # a stranded preposition ends a question
        ("the address is", HESITANT, "trailing-hesitation"),
        ("one zero zero zero one nine oh two one oh zero one eight zero three", NEUTRAL, "neutral"),  # 15 digits
    ],
)
def test_free_speech_in_english(text: str, hold: int, reason: str) -> None:
    assert decide(text, "en-US", config=CONFIG) == Decision(hold, reason)


@pytest.mark.parametrize(
    ("text", "lang", "hold", "reason"),
    [
        ("嗯", "zh-CN", SHORT, "yes-no-answer"),  # after a yes/no question 嗯 is the answer
        ("是的", "zh-CN", SHORT, "yes-no-answer"),
        ("对 啊", "zh-CN", SHORT, "yes-no-answer"),
        ("不 需要", "zh-CN", SHORT, "yes-no-answer"),
        ("对 但是", "zh-CN", HESITANT, "trailing-hesitation"),  # a yes with more coming
        ("对 还有 一个 问题", "zh-CN", NEUTRAL, "neutral"),
        ("yes", "en-US", SHORT, "yes-no-answer"),
        ("no thank you", "en-US", SHORT, "yes-no-answer"),
        ("yes and", "en-US", HESITANT, "trailing-hesitation"),
    ],
)
def test_after_a_yes_no_question(text: str, lang: str, hold: int, reason: str) -> None:
    assert decide(text, lang, expect="yes_no", config=CONFIG) == Decision(hold, reason)


@pytest.mark.parametrize(
    ("text", "asked", "hold", "reason"),
    [
        # a mobile number in the groups callers use: 3-4-4, with 幺 for 1, and pauses between groups
        ("一三八", "callback_phone", CAP, "digits-coming"),
        ("一三八 幺二三四", "callback_phone", CAP, "digits-coming"),
        ("幺三八 幺二三四 五六七八", "callback_phone", SHORT, "number-complete"),
        ("嗯 我 的 号码 是 一 三 八 零 零 幺 三 八 零 零 零", "callback_phone", SHORT, "number-complete"),
        ("我 想 问 一下 我 的 电话", "callback_phone", CAP, "number-expected"),  # still about to say it
        ("零 三 幺 幺 八 七 六 五 四 三 二", "callback_phone", SHORT, "number-complete"),  # 0311 landline
        ("八 七 六 五 四 三 二 幺", "callback_phone", NEUTRAL, "number-maybe"),  # a local 8-digit landline
        # an ID card number: 18 digits, the last may be X (叉)
        ("一 三 零 一 零 二 一 九 五 二", "id_number", CAP, "digits-coming"),
        ("一三零一 零二一九 五二 零三 一五 三二 七叉", "id_number", SHORT, "number-complete"),
        # a ticket number: 8 digits
        ("三五七二 四六", "ticket_number", CAP, "digits-coming"),
        ("三五七二 四六八一", "ticket_number", SHORT, "number-complete"),
        # an answer that is no number
        ("没有", "callback_phone", NEUTRAL, "not-a-number"),
        ("그 사람이", "callback_phone", CAP, "number-expected"),  # words the tables do not know: wait
        ("", None, CAP, "no-words"),
    ],
)
def test_after_a_number_prompt_in_mandarin(text: str, asked: str | None, hold: int, reason: str) -> None:
    assert decide(text, "zh-CN", expect="number", asked=asked, config=CONFIG) == Decision(hold, reason)


@pytest.mark.parametrize(
    ("text", "hold", "reason"),
    [
        ("one three eight", CAP, "digits-coming"),
        ("one three eight one two three four five six seven eight", SHORT, "number-complete"),
        ("one three eight double five one two three four five six", SHORT, "number-complete"),
        ("my number is", CAP, "number-expected"),
    ],
)
def test_after_a_number_prompt_in_english(text: str, hold: int, reason: str) -> None:
    assert decide(text, "en-US", expect="number", asked="callback_phone", config=CONFIG) == Decision(hold, reason)


def test_digits_are_counted_across_groups_but_not_in_words() -> None:
    zh = turn_words("zh-CN")
    assert digit_runs(list("我想问一下幺三八幺二三四"), zh) == ["1381234"]  # 一下 is a word
    assert digit_runs(list("两个人三八"), zh) == ["38"]
    assert digit_runs("one double oh seven".split(), turn_words("en-US")) == ["1007"]
    assert number_state("13812345678", "callback_phone") == "complete"
    assert number_state("1381234567", "callback_phone") == "incomplete"
    assert number_state("13010219520315327x", "id_number") == "complete"
    assert number_state("13812345678", None) == "complete"


@pytest.mark.parametrize("holds", [(0, 550, 1200, 2000), (600, 550, 1200, 2000), (300, 550, 2100, 2000)])
def test_config_must_be_ordered(holds: tuple[int, int, int, int]) -> None:
    with pytest.raises(ConfigError) as info:
        EndOfTurnConfig(*holds)
    assert info.value.code == "end-of-turn-bad-config"
