"""The complaint form's slot logic: checked answers, re-asks, corrections anywhere, noise is never yes."""

from __future__ import annotations

from typing import Any

from actions.complaint_logic import ComplaintForm, Extraction
from actions.fields import FieldReader
from actions.form_state import COMPLAINT_SLOTS, FormState

FORM = ComplaintForm(FieldReader())


def state(requested: str | None = None, lang: str = "zh-CN", **values: Any) -> FormState:
    slots = {name: values.pop(name, None) for name in COMPLAINT_SLOTS}
    return FormState(slots=slots, requested=requested, lang=lang, extra={}, **values)


def say(text: str, requested: str | None = None, intent: str = "inform", **values: Any) -> Extraction:
    lang = "en-US" if text.isascii() else "zh-CN"
    return FORM.extract(text, intent, state(requested, lang, **values))


def test_several_details_in_one_sentence_keep_the_callers_words() -> None:
    text = "我要投诉朝阳区建国路那边工地每天晚上施工太吵"
    out = say(text, intent="file_complaint")
    assert out.slots["complaint_category"] == "noise"
    assert "朝阳区建国路" in out.slots["location"]
    assert "incident_time" not in out.slots  # "每天晚上" says no day: the form asks when
    assert "施工太吵" in out.slots["opening"] and "description" not in out.slots  # anything to add is still asked
    assert out.slots["field_words"]["location"] == text


def test_a_day_said_in_passing_is_kept_but_a_vague_time_is_asked_for() -> None:
    passing = say("投诉 建国路的工地昨天晚上施工到半夜", intent="file_complaint")
    assert passing.slots["incident_time"].startswith("昨天晚上")
    vague = say("the building site on elm road is loud every night", intent="file_complaint")
    assert "incident_time" not in vague.slots
    asked = say("每天晚上十点以后", "incident_time", complaint_category="noise", location="建国路")
    assert asked.slots["incident_time"] == "每天晚上十点以后"  # as the answer to "when?" it is kept


def test_a_phone_number_given_when_asked_when_is_not_a_time() -> None:
    out = say("幺三八 幺二三四 五六七八", "incident_time", complaint_category="noise", location="建国路")
    assert out.slots.get("incident_time") is None
    assert out.slots["callback_phone"] == "13812345678"
    assert out.slots["reasked"] == "incident_time"  # asked once more, in other words


def test_a_refusal_to_give_a_number_is_not_a_location() -> None:
    out = say("i'd rather stay anonymous", "location", complaint_category="noise")
    assert out.slots.get("location") is None
    assert out.slots["callback_phone"] == "anonymous"
    assert out.slots["reasked"] == "location"


def test_a_second_failed_answer_is_kept_as_flagged_free_text() -> None:
    out = say("就那边吧 你们去了就知道", "location", reasked="location", complaint_category="noise")
    assert out.slots["location"] == "就那边吧你们去了就知道"
    assert out.slots["flags"] == [{"field": "location", "code": "unverified"}]


def test_a_correction_right_after_the_phone_number() -> None:
    out = say("不对不对 最后四位是五六七九", "confidential", callback_phone="13812345678",
              last_filled="callback_phone", complaint_category="noise", location="建国路")
    assert out.slots["callback_phone"] == "13812345679"
    assert ("utter_corrected", {"field_label": "电话", "value": "幺三八 幺二三四 五六七九"}) in out.responses
    assert {"field": "callback_phone", "code": "corrected"} in out.slots["flags"]


def test_a_correction_names_its_field_in_english() -> None:
    out = say("no wait the phone number is one three nine one two three four five six seven eight", "confidential",
              callback_phone="13812345678", location="elm road", last_filled="callback_phone")
    assert out.slots["callback_phone"] == "13912345678"


def test_noise_is_never_yes_and_two_in_a_row_reach_a_person() -> None:
    for noise in ("呃 啊 啊", "嗯啊哦", "hmm hmm", "uh", "[noise]"):
        first = say(noise, "complaint_confirmed")
        assert first.slots.get("complaint_confirmed") is None, noise
        assert first.slots["misunderstood_last"] is True and not first.handoff
        second = say(noise, "complaint_confirmed", misunderstood_last=True)
        assert second.handoff, noise


def test_a_real_yes_confirms_and_a_plain_mm_is_yes_in_mandarin() -> None:
    assert say("对 没错", "complaint_confirmed").slots["complaint_confirmed"] is True
    assert say("嗯", "complaint_confirmed").slots["complaint_confirmed"] is True
    assert say("yeah that's right", "complaint_confirmed").slots["complaint_confirmed"] is True


def test_a_no_at_the_readback_asks_what_to_correct() -> None:
    out = say("不对", "complaint_confirmed")
    assert out.slots["correction_pending"] is True and out.slots["complaint_confirmed"] is None


def test_a_readback_correction_replaces_the_named_field() -> None:
    out = say("地址说错了 是学院路", "complaint_confirmed", location="建国路", complaint_category="noise")
    assert "学院路" in out.slots["location"] and out.slots["complaint_confirmed"] is None


def test_confidentiality_needs_a_real_answer() -> None:
    assert say("不用", "confidential").slots["confidential"] is False
    assert say("要保密", "confidential").slots["confidential"] is True
    out = say("嗯嗯啊", "confidential")
    assert "confidential" not in out.slots and out.slots["misunderstood_last"] is True


def test_anonymous_callers_are_confidential() -> None:
    out = say("我不想留电话", "callback_phone")
    assert out.slots["callback_phone"] == "anonymous" and out.slots["confidential"] is True


def test_questions_are_not_answers() -> None:
    assert say("公积金怎么提取", "location", intent="faq").slots == {}
    assert say("转人工", "location", intent="request_human").slots == {}


def test_the_ticket_description_is_the_opening_then_the_details() -> None:
    from actions.ticket import description, ticket_fields

    assert description("楼上装修太吵", "周末早上八点就开始砸墙") == "楼上装修太吵 周末早上八点就开始砸墙"
    assert description("楼上装修太吵", "装修太吵") == "楼上装修太吵"
    fields = ticket_fields({"opening": "工地半夜施工", "description": "电钻声", "callback_phone": "anonymous"}, {})
    assert fields["description"] == "工地半夜施工 电钻声"
    assert fields["anonymous"] is True and fields["callback_phone"] is None and fields["confidential"] is True


def test_nothing_to_add_keeps_the_first_account_as_the_description() -> None:
    extra = {"opening": "工地半夜施工太吵"}
    form_state = FormState(slots={n: None for n in COMPLAINT_SLOTS}, requested="description", extra=extra)
    out = FORM.extract("没有了 谢谢", "goodbye", form_state)
    assert out.slots["description"] == "工地半夜施工太吵"
    out = FORM.extract("电钻 一直 响 到 两点", "inform", form_state)
    assert out.slots["description"] == "电钻一直响到两点"


def test_a_phone_number_said_to_anything_to_add_is_the_phone_not_the_description() -> None:
    form_state = FormState(slots={n: None for n in COMPLAINT_SLOTS}, requested="description",
                           extra={"opening": "工地半夜施工太吵"})
    out = FORM.extract("幺三八零零幺三八零零零", "inform", form_state)
    assert out.slots["callback_phone"] == "13800138000" and out.slots["description"] == "工地半夜施工太吵"


def test_words_after_a_bare_framing_are_the_matter_and_regional_problems_are_problems() -> None:
    from actions.routing import ComplaintCheck

    check = ComplaintCheck(FORM._read)
    matter = "就是 怀柔区 雁栖湖 那边 公交 太少了 一个小时 才一趟 能不能 加几趟车"
    assert check.is_complaint(matter, "zh-CN", "faq", before="你好 我想提个建议")
    assert not check.is_complaint(matter, "zh-CN", "faq")  # on its own it asks a question
    assert check.is_complaint("从昨天早上 就莫得水了 也没得通知 你们管一哈嘛", "zh-CN", "faq")
    assert not check.is_complaint("停水了怎么办", "zh-CN", "faq")
    time_said = say("上礼拜三 就坏了", "incident_time", intent="goodbye", complaint_category="noise", location="建国路")
    assert time_said.slots["incident_time"] == "上礼拜三就坏了"  # sounded like goodbye; it was the answer


def test_words_the_nlu_calls_goodbye_answer_when_no_word_ends_the_call() -> None:
    out = say("俩礼拜了", "incident_time", intent="goodbye", location="建国路")
    assert out.slots["incident_time"] == "俩礼拜了"  # "拜" is no 拜拜: the answer, in the caller's words
    assert say("算了 不说了 再见", "incident_time", intent="goodbye", location="建国路").slots == {}  # the call ends


def test_a_question_instead_of_an_answer_is_answered_once_then_the_words_are_the_answer() -> None:
    first = say("公积金 怎么 提取", "location", intent="faq")
    assert first.slots == {}  # the rules answer the question, the form asks again
    again = FORM.extract("公积金 怎么 提取", "faq", FormState(slots={n: None for n in COMPLAINT_SLOTS},
                                                      requested="location", extra={}, tries=1))
    assert again.slots["reasked"] == "location"  # not the FAQ again: asked once more in other words
    third = FORM.extract("公积金 怎么 提取", "faq", FormState(slots={n: None for n in COMPLAINT_SLOTS},
                                                      requested="location", extra={}, tries=2, reasked="location"))
    assert third.slots["location"] and {"field": "location", "code": "unverified"} in third.slots["flags"]


def test_a_length_said_in_passing_is_no_incident_time() -> None:
    out = say("他在工地做了三个月 老板一分钱工资都没有给", intent="file_complaint")
    assert "incident_time" not in out.slots  # how long he worked, and money: the form asks when


def test_tries_count_the_turns_spent_on_the_asked_slot() -> None:
    from actions.form_state import tries_on

    events = [{"event": "user"}, {"event": "slot", "name": "requested_slot", "value": "location"},
              {"event": "user"}, {"event": "slot", "name": "requested_slot", "value": "incident_time"},
              {"event": "user"}, {"event": "slot", "name": "requested_slot", "value": "incident_time"},
              {"event": "bot"}, {"event": "user"}]  # the form set the same slot again when it asked once more
    assert tries_on(events, "incident_time") == 1  # one earlier answer to "when?", then the latest
    assert tries_on(events[:5], "incident_time") == 0
    assert tries_on(events, None) == 0


def test_the_category_comes_from_the_account_and_is_flagged_when_nothing_points_to_one() -> None:
    from actions.ticket import ticket_fields

    fumes = ticket_fields({"opening": "楼下饭馆的油烟太大了", "description": "晚上还有人喝酒吵"}, {})
    assert fumes["complaint_category"] == "sanitation"  # what they called about, not a word said on the way
    labour = ticket_fields({"opening": "我就想问问这个事", "complaint_category": "property",
                            "description": "说好的加班费没给 一个月就休两天 加班八十多个小时 物业公司不管"}, {})
    assert labour["complaint_category"] == "labor"  # 加班 twice outweighs 物业 once
    unknown = ticket_fields({"opening": "我就想问问这事到底谁管", "callback_phone": "13812345678"}, {})
    assert unknown["complaint_category"] == "other"
    assert {"field": "complaint_category", "code": "unclassified"} in unknown["flags"]


def test_the_description_carries_what_the_caller_said_while_answering_where_and_when() -> None:
    from actions.ticket import ticket_fields

    slots = {"opening": "投诉楼上装修周末也干", "incident_time": "周六早上八点",
             "field_words": {"incident_time": "这 个 周六 早上 八 点 不到 就 开始 砸 墙", "location": "幸福小区3号楼"},
             "location": "幸福小区3号楼"}
    fields = ticket_fields(slots, {})
    assert fields["description"].startswith("投诉楼上装修周末也干") and "砸 墙" in fields["description"]
    assert "幸福小区" not in fields["description"]  # an answer that is only its value adds nothing


def test_a_phone_correction_that_says_the_whole_number_again() -> None:
    out = say("不对 最后 几 位 是 三八七零 幺八六 幺零零二 三八七零", "confidential",
              callback_phone="18610023780", last_filled="callback_phone")
    assert out.slots["callback_phone"] == "18610023870"


def test_refusing_the_number_in_other_words_is_anonymous() -> None:
    out = say("i'm not giving you my number, you never call back anyway", "callback_phone")
    assert out.slots["callback_phone"] == "anonymous"


def test_a_hesitation_before_no_is_no_yes() -> None:
    assert say("嗯 不用", "confidential").slots["confidential"] is False
    assert say("嗯呐 没毛病", "confidential").slots["confidential"] is True
    assert say("甭 保密", "confidential").slots["confidential"] is False
