"""The safety classifier on its development table (tuned on it: every sentence must be judged right)."""

from __future__ import annotations

import pytest

from voicebot.call.safety import classify, normalise, read_answer, wants_human

from .safety_tables import rows, score

DEV = rows("safety_dev")


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_the_development_table_is_judged_right(lang: str) -> None:
    result = score(DEV, lang)
    print(result.line(lang))
    assert result.total >= 60
    assert {r.level for r in DEV if r.lang == lang} == {"emergency", "unsure", "none"}
    assert {r.kind for r in DEV if r.lang == lang and r.level == "emergency"} == {"fire", "gas", "medical", "police"}
    assert not result.wrong, "\n".join(result.wrong)


@pytest.mark.parametrize(
    ("text", "level", "kind"),
    [
        ("救护车每天半夜鸣笛太吵", "none", None),
        ("救护车 每天 半夜 鸣笛 太 吵", "none", None),  # ASR spaces between Hanzi
        ("fire exit blocked", "none", None),
        ("the police never come", "none", None),
        ("rats in the garbage room", "none", None),
        ("消防通道被堵了", "none", None),
        ("楼道里有股煤气味", "unsure", "gas"),
        ("there's smoke from the neighbour's flat", "unsure", "fire"),
        ("我家着火了", "emergency", "fire"),
        ("THE KITCHEN IS ON FIRE!", "emergency", "fire"),
        ("my son can’t breathe", "emergency", "medical"),  # curly apostrophe
        ("my son cant breathe", "emergency", "medical"),  # ASR drops it
        ("救命", "emergency", None),  # a bare cry for help: every number
        ("闻到很浓的煤气味 人都晕了", "emergency", "gas"),  # gas wins over the symptom
        ("没有人受伤 就是消防通道被占了", "none", None),
        # a fire years ago, and one that could come: not one now (corpus dev2)
        ("我们这个楼前年着过一回火 现在楼道里又堆满了纸箱子 再着火跑都跑不出去", "none", None),
        ("有人冒充燃气公司上门 说不换燃气表就会漏气着火 收了我妈三百八", "none", None),
        ("厨房着火了 火越来越大", "emergency", "fire"),
        # crimes told without the word (corpus dev3), and a service said not to be needed
        ("有人正在撬我家的门 我一个人在家", "emergency", "police"),
        ("一个男的把小孩往车里塞 孩子一直在哭", "emergency", "police"),
        ("two men kicked the back door in and they are grabbing stuff", "emergency", "police"),
        ("不用叫救护车 就是膝盖磕青了 物业不修井盖", "none", None),
        ("i do not need an ambulance it is just a bruise", "none", None),
    ],
)
def test_meaning_not_keywords(text: str, level: str, kind: str | None) -> None:
    verdict = classify(text)
    assert (verdict.level, verdict.kind) == (level, kind), verdict


def test_the_cues_say_why() -> None:
    verdict = classify("快 快 厨房 着火 了")
    assert "着火" in verdict.cues and "快" in verdict.cues
    assert classify("投诉 楼下 烧烤 油烟 太大").level == "none"


def test_text_is_normalised_for_the_cue_tables() -> None:
    assert normalise("救 护 车，每天！") == "救护车每天"
    assert normalise("He's NOT breathing, we can't wake him") == "he is not breathing we cannot wake him"


@pytest.mark.parametrize(
    ("text", "danger", "rest"),
    [
        ("没有", False, ""),
        ("没有 谢谢", False, ""),
        ("没有 就是 想 反映 一下 物业 不管", False, "想 反映 一下 物业 不管"),
        ("都没事 就是 味道 很 难闻", False, "都没事 就是 味道 很 难闻"),
        ("有", True, ""),
        ("有 人 晕倒 了", True, ""),
        ("没有呼吸了", True, ""),  # "没有" first, but the answer itself is an emergency
        ("呃啊啊", False, ""),  # meaningless sounds are never a yes
        ("hmm hmm", False, ""),
        ("嗯", False, ""),
        ("那 可 不 俺 家 老 的 还 在 屋里 呢", True, ""),  # dialect yes, and someone still inside
        ("有没有 危险 我 也 说 不 好", False, "有没有 危险 我 也 说 不 好"),
        ("里面 好像 有人", True, ""),
        ("i think someone is still in there", True, ""),
        ("maybe it is the barbecue", False, "maybe it is the barbecue"),
        ("yes", True, ""),
        ("it smells like gas and it's getting stronger", True, ""),  # the hazard described again
        ("no", False, ""),
        ("no we are fine but the gas bill is wrong", False, "we are fine but the gas bill is wrong"),
        ("no we are all fine thanks", False, ""),
        ("everyone is fine", False, ""),
        ("the smell comes every evening", False, "the smell comes every evening"),
    ],
)
def test_the_answer_to_the_danger_question(text: str, danger: bool, rest: str) -> None:
    answer = read_answer(text)
    assert (answer.danger, answer.rest) == (danger, rest), answer


def test_the_kind_of_a_yes_comes_from_the_answer_when_it_names_one() -> None:
    assert read_answer("有 人 晕倒 了").verdict.kind == "medical"
    assert read_answer("有").verdict.kind is None


@pytest.mark.parametrize("text", ["转人工", "我要 转 人 工", "找人工客服", "agent please", "I want a real person"])
def test_a_request_for_a_person_is_recognised(text: str) -> None:
    assert wants_human(text)


@pytest.mark.parametrize("text", ["我要投诉噪音", "the agency never answers"])
def test_other_words_are_no_request_for_a_person(text: str) -> None:
    assert not wants_human(text)
