"""The bot's fixed sentences, per language. Rendered ahead at start-up so they cost nothing at call time.

``{number}`` and friends are filled in at call time; texts with placeholders are
rendered when used (digits are read one by one by the TTS normaliser).
"""

from __future__ import annotations

from collections.abc import Iterator

PROMPTS: dict[str, dict[str, str]] = {
    "followup_intro": {
        "zh-CN": "您好，这里是12345热线回访。您反映的{category}问题，处理结果是：{resolution}。",
        "en-US": "Hello, this is a follow-up call from the 12345 hotline. About the {category} issue you reported, "
        "the result is: {resolution}.",
    },
    "followup_question": {
        "zh-CN": "请对处理结果进行评价：满意请按1，基本满意请按2，不满意请按3。",
        "en-US": "Please rate how it was handled: press 1 if satisfied, 2 if basically satisfied, 3 if not satisfied.",
    },
    "followup_thanks": {
        "zh-CN": "您的评价已记录，感谢您对12345热线工作的支持，再见。",
        "en-US": "Your rating has been recorded. Thank you for supporting the 12345 hotline. Goodbye.",
    },
    "followup_no_rating": {
        "zh-CN": "没有收到您的评价，感谢您的接听，再见。",
        "en-US": "We did not receive a rating. Thank you for taking our call. Goodbye.",
    },
    "followup_default_category": {"zh-CN": "相关", "en-US": "hotline"},
    "followup_default_resolution": {"zh-CN": "已办理完毕", "en-US": "it has been dealt with"},
    "recording_notice": {
        "zh-CN": "为了保证服务质量，本次通话将被录音。",
        "en-US": "This call is recorded to ensure the quality of our service.",
    },
    "greeting": {
        "zh-CN": "您好，这里是12345市民服务热线智能助手。请直接说出您要咨询或反映的问题，需要人工服务请说转人工或按0。",
        "en-US": "Hello, this is the 12345 citizen hotline assistant. Please tell me how I can help. "
        "To reach a person, say agent or press 0.",
    },
    "reprompt": {
        "zh-CN": "您还在吗？请说出您的问题，或者说转人工。",
        "en-US": "Are you still there? Please tell me your question, or say agent.",
    },
    "goodbye_no_input": {
        "zh-CN": "很抱歉没有听到您的声音，请稍后再拨12345。再见。",
        "en-US": "Sorry, I could not hear you. Please call 12345 again later. Goodbye.",
    },
    "apology": {
        "zh-CN": "很抱歉，系统暂时出现问题，马上为您转接人工客服，您刚才说的内容会一并转给客服。",
        "en-US": "Sorry, something went wrong on our side. I am connecting you to an agent, "
        "who will see everything you have said.",
    },
    "handoff": {
        "zh-CN": "好的，正在为您转接人工客服，您刚才说的内容已经转给客服，不用重复。",
        "en-US": "Sure, I am connecting you to an agent. They will see what you have told me, "
        "so you will not need to repeat it.",
    },
    "emergency": {
        "zh-CN": "如遇紧急情况，请立即挂机拨打：火警119，报警110，急救120。",
        "en-US": "If this is an emergency, hang up now and dial 119 for fire, 110 for police, or 120 for an ambulance.",
    },
    "emergency_fire": {
        "zh-CN": "这是紧急情况，请马上挂断电话，拨打火警119，并尽快离开危险区域。",
        "en-US": "This is an emergency. Hang up now and dial 119 for the fire service, and get away from the danger.",
    },
    "emergency_gas": {
        "zh-CN": "这是紧急情况，请不要开关电器，不要用明火，打开门窗，离开房间后马上拨打119。",
        "en-US": "This is an emergency. Do not touch any switches or flames, open the windows, leave the room "
        "and dial 119.",
    },
    "emergency_medical": {
        "zh-CN": "这是紧急情况，请马上挂断电话，拨打120急救电话。",
        "en-US": "This is an emergency. Hang up now and dial 120 for an ambulance.",
    },
    "emergency_police": {
        "zh-CN": "这是紧急情况，请马上挂断电话，拨打110报警。",
        "en-US": "This is an emergency. Hang up now and dial 110 for the police.",
    },
    "emergency_more": {
        "zh-CN": "如果还有其他事情请继续说，需要人工请说转人工。",
        "en-US": "If there is anything else, go on; say agent for a person.",
    },
    "in_danger": {
        "zh-CN": "您现在有人身危险吗？",
        "en-US": "Is anyone in danger right now?",
    },
    "goodbye": {
        "zh-CN": "感谢您的来电，再见。",
        "en-US": "Thank you for calling. Goodbye.",
    },
    "satisfaction_ask": {
        "zh-CN": "请您对本次服务进行评价：非常满意请按1，满意请按2，基本满意请按3，不满意请按4，非常不满意请按5，"
        "也可以直接说满意、基本满意或不满意。",
        "en-US": "Please rate this call: press 1 for very satisfied, 2 for satisfied, 3 for okay, 4 for dissatisfied, "
        "or 5 for very dissatisfied. You can also just say satisfied, okay or dissatisfied.",
    },
    "satisfaction_thanks": {
        "zh-CN": "感谢您的评价，再见。",
        "en-US": "Thank you for your rating. Goodbye.",
    },
    "ticket_filed": {
        "zh-CN": "已为您登记，工单号是 {number} 。",
        "en-US": "Your report is registered. Your ticket number is {number}.",
    },
    "ticket_status": {
        "zh-CN": "工单 {number} 的当前状态是：{status}。",
        "en-US": "Ticket {number} is currently {status}.",
    },
    "ticket_department": {
        "zh-CN": "承办单位是{department}。",
        "en-US": "It is handled by {department}.",
    },
    "ticket_no_department": {
        "zh-CN": "承办单位还在确定中。",
        "en-US": "A department has not been assigned yet.",
    },
    "ticket_deadline": {
        "zh-CN": "办理时限是{date}。",
        "en-US": "It is due by {date}.",
    },
    "ticket_confirm_callback": {
        "zh-CN": "这个工单不是用您现在的号码登记的。请说出或按键输入工单上登记的回电号码，按井号结束。",
        "en-US": "This ticket was not filed from the number you are calling from. Please say or key in "
        "the callback number on the ticket, then press hash.",
    },
    "ticket_not_described": {
        "zh-CN": "抱歉，号码不一致，无法向您说明这个工单的情况。需要帮助请说转人工。",
        "en-US": "Sorry, that number does not match, so I cannot describe this ticket. Say agent if you need help.",
    },
    "repeat_offer": {
        "zh-CN": "您好，您有一个正在办理的工单，尾号{tail}，是要询问它的进展吗？"
        "如果是同一个问题要补充，请说还是那个问题。",
        "en-US": "Hello, you have an open ticket ending in {tail}. Are you calling about its progress? "
        "If it is the same problem again, say same problem.",
    },
    "repeat_offer_many": {
        "zh-CN": "您好，您有{count}个正在办理的工单，最近的一个尾号{tail}，是要询问它的进展吗？"
        "如果是同一个问题要补充，请说还是那个问题。",
        "en-US": "Hello, you have {count} open tickets; the latest ends in {tail}. Are you calling about its "
        "progress? If it is the same problem again, say same problem.",
    },
    "repeat_followup": {
        "zh-CN": "好的，这次来电会作为尾号{tail}工单的重复件登记，工作人员会看到之前的办理记录。请说说现在的情况。",
        "en-US": "All right, I will file this call as a follow-up to the ticket ending in {tail}; the agents will "
        "see its history. Please tell me what is happening now.",
    },
    "anything_else": {
        "zh-CN": "请问还有什么可以帮您？",
        "en-US": "Is there anything else I can help you with?",
    },
    "go_on": {
        "zh-CN": "好的，请说出您要咨询或反映的问题。",
        "en-US": "All right, please tell me how I can help.",
    },
    "ticket_unknown": {
        "zh-CN": "没有查到工单 {number} ，请核对后再说一遍，或者说转人工。",
        "en-US": "I could not find ticket {number}. Please check the number, or say agent.",
    },
    "transfer_unavailable": {
        "zh-CN": "现在坐席全忙，您的问题已经登记，工单号是 {number} ，工作人员会尽快回电。",
        "en-US": "All agents are busy. Your case is registered as ticket {number}, and an agent will call you back.",
    },
    "transfer_failed": {
        "zh-CN": "抱歉，转接没有成功，您仍在排队，排在最前面，工单号是 {number} 。"
        "需要回电请按1或说回电，也可以继续等待。",
        "en-US": "Sorry, the transfer did not go through. You are still first in the queue, ticket {number}. "
        "To get a call back instead, press 1 or say call back; or stay on the line.",
    },
    "queue_position": {
        "zh-CN": "您排在第{position}位，预计等待约{minutes}分钟。不想等待的话，请按1或说回电，工作人员会给您回电话。",
        "en-US": "You are number {position} in the queue; the expected wait is about {minutes} minutes. "
        "To get a call back instead, press 1 or say call back.",
    },
    "agents_closed": {
        "zh-CN": "现在是非工作时间，人工客服{when}上班。您的问题已经登记，工单号是 {number} 。需要回电请按1或说回电。",
        "en-US": "Our agents are back {when}. Your case is registered as ticket {number}. "
        "To get a call back, press 1 or say call back.",
    },
    "callback_registered": {
        "zh-CN": "好的，已为您登记回电，工单号是 {number} ，工作人员会尽快联系您。再见。",
        "en-US": "Done. An agent will call you back about ticket {number}. Goodbye.",
    },
    "connecting_agent": {
        "zh-CN": "客服已经接起，正在为您转接。",
        "en-US": "An agent is ready. Connecting you now.",
    },
}

NOT_INTERRUPTIBLE: frozenset[str] = frozenset(
    {"ticket_filed", "ticket_status", "ticket_unknown", "transfer_unavailable", "transfer_failed", "agents_closed",
     "callback_registered", "recording_notice"}
)
"""Prompts caller speech does not cut (a key press still does): every read-back of a ticket number (the caller
must hear it whole, and a "嗯" or "对" while writing it down must not stop it). Legal notices go here too."""

STATUS_WORDS: dict[str, dict[str, str]] = {
    "new": {"zh-CN": "已受理", "en-US": "received"},
    "queued": {"zh-CN": "等待处理", "en-US": "waiting for an agent"},
    "claimed": {"zh-CN": "正在处理", "en-US": "being handled"},
    "resolved": {"zh-CN": "已办结", "en-US": "resolved"},
    "callback_due": {"zh-CN": "等待回电", "en-US": "waiting for a callback"},
}

LANGUAGES = ("zh-CN", "en-US")


def prompt(key: str, lang: str, **values: str) -> str:
    """Return the prompt ``key`` in ``lang`` (zh-CN when the language is unknown), placeholders filled."""
    texts = PROMPTS[key]
    text = texts.get(lang) or texts["zh-CN"]
    return text.format(**values) if values else text


def interruptible(key: str) -> bool:
    """Return False for prompts caller speech must not cut (``NOT_INTERRUPTIBLE``)."""
    return key not in NOT_INTERRUPTIBLE


def sentence(key: str, lang: str, **values: str) -> tuple[str, bool]:
    """Return the prompt ``key`` as ``(text, interruptible)``: what to say and whether caller speech may cut it."""
    return prompt(key, lang, **values), interruptible(key)


def status_words(status: str, lang: str) -> str:
    """Return a ticket status as words a caller understands."""
    return STATUS_WORDS.get(status, {}).get(lang, status)


def fixed_prompts() -> Iterator[tuple[str, str]]:
    """Yield ``(text, lang)`` for every prompt without placeholders (the ones worth pre-rendering)."""
    for texts in PROMPTS.values():
        for lang, text in texts.items():
            if "{" not in text:
                yield text, lang
