"""The custom actions, run against rasa_sdk trackers (no server): messages, directives and events."""

from __future__ import annotations

import asyncio
from typing import Any

from actions import actions, form_actions, routing_actions
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN: dict[str, Any] = {"slots": {}, "forms": {}, "responses": {}}


def tracker(
    text: str = "", intent: str = "greet", slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None, active_loop: str | None = None,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": [], "metadata": metadata or {}}
    return Tracker("call-1", {"lang": "zh-CN", **(slots or {})}, latest, events or [], False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action: Any, track: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, DOMAIN))
    return dispatcher.messages, events


def customs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if m.get("custom")]


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages if m.get("response")]


def test_handoff_mid_form_carries_filled_slots() -> None:
    track = tracker("转人工", "request_human", {"complaint_category": "noise", "location": "朝阳区"},
                    active_loop="complaint_form")
    messages, events = run(actions.Handoff(), track)
    assert responses(messages) == ["utter_handoff"]
    assert customs(messages) == [{"directive": "handoff", "reason": "caller-request",
                                  "slots": {"complaint_category": "noise", "location": "朝阳区"}}]
    assert {"event": "active_loop", "timestamp": None, "name": None} in events


def test_out_of_scope_reason() -> None:
    messages, _ = run(actions.Handoff(), tracker("帮我订机票", "out_of_scope"))
    assert customs(messages)[0]["reason"] == "out-of-scope"
    assert responses(messages) == ["utter_handoff_out_of_scope"]


def test_after_hours_offers_callback_then_files_it() -> None:
    meta = {"agents_available": False, "agents_back": "明天上午八点半", "calling_number": "13800001111"}
    messages, events = run(actions.Handoff(), tracker("转人工", "request_human", metadata=meta))
    assert responses(messages) == ["utter_handoff_after_hours"]
    assert messages[0]["agents_back"] == "明天上午八点半"
    assert not any("directive" in c for c in customs(messages))
    assert {"event": "slot", "timestamp": None, "name": "callback_offered", "value": True} in events
    messages, _ = run(actions.AffirmDeny(), tracker("好的", "affirm", {"callback_offered": True}, metadata=meta))
    assert customs(messages) == [{"directive": "file_ticket",
                                  "fields": {"kind": "callback", "lang": "zh-CN", "callback_phone": "13800001111"}}]
    messages, _ = run(actions.AffirmDeny(), tracker("不用", "deny", {"callback_offered": True}, metadata=meta))
    assert responses(messages) == ["utter_callback_declined"] and customs(messages) == []


def test_deny_outside_a_question_ends_the_call() -> None:
    messages, _ = run(actions.AffirmDeny(), tracker("没有了", "deny"))
    assert responses(messages) == ["utter_goodbye"] and customs(messages) == [{"directive": "hangup"}]


def test_a_complaint_misread_as_no_starts_the_complaint_form_instead_of_hanging_up() -> None:
    user = {"event": "user", "text": "x"}
    for text, lang, events in (("property fee went up no notice", "en-US", [user]),
                               ("垃圾 没人 清 都 堆了 一个 礼拜 了 也 不 来 收", "zh-CN", [user]),
                               ("and another thing the noise from the bar downstairs does not stop at night",
                                "en-US", [user, user, user])):
        messages, followed = run(actions.AffirmDeny(), tracker(text, "deny", {"lang": lang}, events=events))
        assert messages == [] and followed == [{"event": "followup", "timestamp": None, "name": "complaint_form"}]
    for text, lang in (("no thanks that's all the noise is gone", "en-US"), ("没有了 谢谢", "zh-CN")):
        messages, _ = run(actions.AffirmDeny(), tracker(text, "deny", {"lang": lang}, events=[user, user]))
        assert responses(messages) == ["utter_goodbye"], text


def test_emergency_numbers_then_the_call_goes_on() -> None:
    for text, response in (("我家着火了", "utter_emergency_fire"), ("有人晕倒了", "utter_emergency_medical"),
                           ("煤气漏了", "utter_emergency_gas"), ("我被抢劫了", "utter_emergency_police")):
        messages, events = run(actions.Emergency(), tracker(text, "emergency", metadata={"safety": "emergency"}))
        assert responses(messages) == [response, "utter_emergency_continue"]
        assert customs(messages) == []  # no hang-up: the caller can go on or reach a person
        assert events == []  # nothing collected so far is dropped


def test_a_complaint_the_bot_judged_no_emergency_goes_to_the_complaint_form() -> None:
    track = tracker("救护车每天半夜鸣笛太吵了", "emergency", metadata={"safety": "none"})
    messages, events = run(actions.Emergency(), track)
    assert messages == []
    assert events == [{"event": "followup", "timestamp": None, "name": "complaint_form"}]


def _turn(intent: str, *names: str) -> list[dict[str, Any]]:
    return [{"event": "user", "parse_data": {"intent": {"name": intent}}}] + [
        {"event": "action", "name": name} for name in names]


def test_two_misunderstandings_in_a_row_hand_off() -> None:
    first = _turn("nlu_fallback")
    messages, _ = run(actions.Fallback(), tracker("呜啦啦", "nlu_fallback", events=first))
    assert responses(messages) == ["utter_please_rephrase"]
    second = first + [{"event": "action", "name": "action_fallback"}, {"event": "action", "name": "action_listen"}]
    second += _turn("nlu_fallback")
    messages, events = run(actions.Fallback(), tracker("嘎嘎", "nlu_fallback", events=second))
    assert customs(messages) == [{"directive": "handoff", "reason": "misunderstood", "slots": {}}]
    assert events[-1]["event"] == "followup"
    # Understood in between: the counter starts again.
    between = _turn("greet", "utter_greet") + _turn("nlu_fallback")
    messages, _ = run(actions.Fallback(), tracker("嘎嘎", "nlu_fallback", events=between))
    assert responses(messages) == ["utter_please_rephrase"]


def test_goodbye_hangs_up() -> None:
    messages, _ = run(actions.Goodbye(), tracker("再见", "goodbye"))
    assert responses(messages) == ["utter_goodbye"] and customs(messages) == [{"directive": "hangup"}]


def test_repeat_says_the_previous_turn_again() -> None:
    events = _turn("greet") + [{"event": "bot", "text": "您好"}, {"event": "bot", "text": "请问有什么可以帮您"}]
    events += _turn("repeat")
    messages, _ = run(actions.Repeat(), tracker("再说一遍", "repeat", events=events))
    assert [m["text"] for m in messages] == ["您好", "请问有什么可以帮您"]
    messages, _ = run(actions.Repeat(), tracker("再说一遍", "repeat", events=events, active_loop="complaint_form"))
    assert messages == []  # the form asks its question again itself


def test_readback_and_submit() -> None:
    filled = {"complaint_category": "noise", "location": "幸福小区三号楼", "incident_time": "昨天晚上",
              "description": "装修太吵", "callback_phone": "13900001234", "confidential": True}
    messages, _ = run(form_actions.AskComplaintConfirmed(), tracker("需要", "affirm", filled))
    assert messages[0]["response"] == "utter_complaint_readback"
    assert messages[0]["phone"] == "幺三九 零零零零 幺二三四"
    assert messages[0]["summary"] == "昨天晚上在幸福小区三号楼的噪音问题 装修太吵"
    assert customs(messages) == [{"expect": "yes_no", "asked": "complaint_confirmed"}]
    messages, _ = run(form_actions.SubmitComplaint(), tracker("对", "affirm", filled))
    assert messages == []  # not confirmed (the form ended for another reason): nothing is filed
    filled["complaint_confirmed"] = True
    messages, events = run(form_actions.SubmitComplaint(),
                           tracker("对", "affirm", filled, metadata={"calling_number": "1"}))
    (ticket,) = customs(messages)
    assert ticket["directive"] == "file_ticket"
    assert ticket["fields"]["location"] == "幸福小区三号楼" and ticket["fields"]["calling_number"] == "1"
    assert all(e["value"] is None for e in events)


def test_ticket_status_directive() -> None:
    messages, _ = run(actions.TicketStatus(), tracker("", "check_ticket_status", {"ticket_number": "20261123001"}))
    assert customs(messages) == [{"directive": "ticket_status", "ticket_number": "20261123001"}]


def test_validate_complaint_form_fills_several_slots() -> None:
    track = tracker("我要投诉朝阳区建国路那边工地每天晚上施工太吵", "file_complaint")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(form_actions.ValidateComplaintForm().get_extraction_events(dispatcher, track, DOMAIN))
    assert {e["name"]: e["value"] for e in events}["location"] == "朝阳区建国路工地"


def test_faq_answers_and_a_complaint_that_sounds_like_a_question_starts_the_form() -> None:
    track = tracker("公积金怎么提取", "faq")
    track.latest_message["response_selector"] = {"faq": {"response": {"utter_action": "utter_faq/provident_fund"}}}
    messages, events = run(routing_actions.FaqAnswer(), track)
    assert responses(messages) == ["utter_faq/provident_fund"] and events == []
    track = tracker("我要投诉公司拖欠工资还不给交社保", "faq")
    messages, events = run(routing_actions.FaqAnswer(), track)
    assert messages == [] and events == [{"event": "followup", "timestamp": None, "name": "complaint_form"}]


def test_a_greeting_with_a_complaint_in_the_same_breath_starts_the_form() -> None:
    opener = "喂 同志 你好 我 反映 一下 我们 这边 公共 厕所 脏 得 没法 进 了"
    messages, events = run(routing_actions.Greet(), tracker(opener, "greet"))
    assert messages == [] and events == [{"event": "followup", "timestamp": None, "name": "complaint_form"}]
    messages, events = run(routing_actions.Greet(), tracker("喂 你好", "greet"))
    assert responses(messages) == ["utter_greet"] and events == []


def test_a_reported_outage_is_a_complaint_but_a_question_about_outages_is_not() -> None:
    from actions.routing import ComplaintCheck

    check = ComplaintCheck()
    assert check.is_complaint("停水 了 一 整天 了 也 没 通知", "zh-CN", "faq")
    assert not check.is_complaint("停水了去哪里查通知", "zh-CN", "faq")
    assert check.is_complaint("你好 我 投 数 一下 楼下 的 ktv 照 音 太 大 了", "zh-CN", "check_ticket_status")
    assert not check.is_complaint("我想查一下工单进度", "zh-CN", "check_ticket_status")
