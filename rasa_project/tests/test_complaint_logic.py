"""The complaint form's slot logic: several details at once, free-text answers, read-back corrections."""

from __future__ import annotations

from typing import Any

from actions import complaint_logic as logic

EMPTY: dict[str, Any] = {name: None for name in (
    "complaint_category", "location", "incident_time", "description", "callback_phone", "confidential",
    "correction_pending")}


def slots(**values: Any) -> dict[str, Any]:
    return {**EMPTY, **values}


def test_several_details_in_one_sentence() -> None:
    text = "我要投诉朝阳区建国路那边工地每天晚上施工太吵"
    out = logic.extract(text, "file_complaint", [], None, slots())
    assert out.slots == {"complaint_category": "noise", "location": "朝阳区建国路", "incident_time": "每天晚上",
                         "description": text}


def test_entities_win_and_english_opener() -> None:
    entities = [{"entity": "location", "value": "main street"}, {"entity": "complaint_category", "value": "noise"}]
    text = "the construction site on main street is noisy every night"
    out = logic.extract(text, "file_complaint", entities, None, slots())
    assert out.slots["location"] == "main street"
    assert out.slots["complaint_category"] == "noise"
    assert out.slots["incident_time"] == "every night"
    assert out.slots["description"] == text


def test_free_text_answer_to_the_question_asked() -> None:
    out = logic.extract("在人民公园门口", "inform", [], "location", slots(complaint_category="noise"))
    assert out.slots == {"location": "人民公园门口"}
    out = logic.extract("um it was about three days ago i think", "inform", [], "incident_time", slots())
    assert out.slots["incident_time"] == "three days ago"


def test_escape_intents_and_questions_are_not_answers() -> None:
    assert logic.extract("转人工", "request_human", [], "location", slots()).slots == {}
    assert logic.extract("公积金怎么提取", "faq", [], "location", slots()).slots == {}
    # A description may sound like a question: it is still the caller's description.
    out = logic.extract("停水三天了没人管", "faq", [], "description", slots())
    assert out.slots["description"] == "停水三天了没人管"


def test_unknown_category_is_other() -> None:
    out = logic.extract("说不清楚反正就是有问题", "inform", [], "complaint_category", slots())
    assert out.slots["complaint_category"] == "other"


def test_phone_valid_partial_and_anonymous() -> None:
    assert logic.extract("一三九零零零零一二三四", "inform", [], "callback_phone", slots()).slots == {
        "callback_phone": "13900001234"}
    partial = logic.extract("一三九零零", "inform", [], "callback_phone", slots())
    assert partial.slots == {"callback_phone": None} and partial.responses == ["utter_invalid_phone"]
    anon = logic.extract("我不想留电话", "deny", [], "callback_phone", slots())
    assert anon.slots == {"callback_phone": "anonymous", "confidential": True}
    assert logic.extract("嗯嗯嗯", "inform", [], "callback_phone", slots()).slots == {}


def test_confidential_from_yes_no_and_words() -> None:
    assert logic.extract("需要", "affirm", [], "confidential", slots()).slots == {"confidential": True}
    assert logic.extract("不用", "deny", [], "confidential", slots()).slots == {"confidential": False}
    assert logic.extract("帮我保密", "inform", [], "confidential", slots()).slots == {"confidential": True}


FULL = slots(complaint_category="noise", location="幸福小区三号楼", incident_time="昨天晚上", description="装修太吵",
             callback_phone="13900001234", confidential=False)


def test_readback_confirmed() -> None:
    out = logic.extract("对", "affirm", [], "complaint_confirmed", FULL)
    assert out.slots == {"complaint_confirmed": True, "correction_pending": False}


def test_readback_correction_in_the_same_breath() -> None:
    out = logic.extract("不对是一三九零零零零一二三五", "deny", [], "complaint_confirmed", FULL)
    assert out.slots == {"callback_phone": "13900001235", "complaint_confirmed": None, "correction_pending": False}
    out = logic.extract("no the address is five finance street", "deny", [], "complaint_confirmed",
                        {**FULL, "location": "main street"})
    assert out.slots["location"] == "five finance street" and out.slots["complaint_confirmed"] is None


def test_readback_deny_then_correction() -> None:
    out = logic.extract("不对", "deny", [], "complaint_confirmed", FULL)
    assert out.slots == {"complaint_confirmed": None, "correction_pending": True}
    pending = {**FULL, "correction_pending": True}
    out = logic.extract("地址是幸福小区五号楼", "inform", [], "complaint_confirmed", pending)
    assert out.slots == {"location": "幸福小区五号楼", "complaint_confirmed": None, "correction_pending": False}
    out = logic.extract("其实是楼下在装修", "inform", [], "complaint_confirmed", pending)
    assert out.slots["description"] == "其实是楼下在装修"


def test_ticket_fields() -> None:
    fields = logic.ticket_fields({**FULL, "lang": "zh-CN"}, {"calling_number": "13800001111"})
    assert fields["kind"] == "complaint" and fields["callback_phone"] == "13900001234"
    assert fields["anonymous"] is False and fields["calling_number"] == "13800001111"
    anon = logic.ticket_fields({**FULL, "callback_phone": "anonymous"}, {})
    assert anon["callback_phone"] is None and anon["anonymous"] is True and anon["confidential"] is True
