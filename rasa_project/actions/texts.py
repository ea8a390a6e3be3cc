"""Words the actions put into response templates, per language (the templates live in domain/<lang>.yml)."""

from __future__ import annotations

from typing import Any

from actions.parsing import spoken_digits

CATEGORY_LABELS = {
    "zh-CN": {"noise": "噪音", "sanitation": "环境卫生", "traffic": "交通", "property": "物业", "utilities": "水电气",
              "consumer": "消费", "labor": "劳动纠纷", "safety_hazard": "安全隐患", "other": "其他"},
    "en-US": {"noise": "noise", "sanitation": "sanitation", "traffic": "traffic", "property": "property",
              "utilities": "utilities", "consumer": "consumer", "labor": "labor", "safety_hazard": "safety hazard",
              "other": "general"},
}
AFTER_HOURS_DEFAULT = {"zh-CN": "在工作时间", "en-US": "during working hours"}


def lang_of(value: Any) -> str:
    """Return a supported language code for a slot value."""
    return "en-US" if str(value or "").startswith("en") else "zh-CN"


def summary(slots: dict[str, Any], lang: str) -> str:
    """Return the one-sentence complaint summary read back to the caller."""
    label = CATEGORY_LABELS[lang].get(str(slots.get("complaint_category")), CATEGORY_LABELS[lang]["other"])
    where, when = slots.get("location") or "", slots.get("incident_time") or ""
    what = slots.get("description") or ""
    if where and where in what:
        # The caller's own sentence already says where (and usually when): do not say it twice.
        return f"{label}问题 {what}" if lang == "zh-CN" else f"a {label} problem: {what}"
    if lang == "zh-CN":
        return f"{when}在{where}的{label}问题 {what}".strip()
    return f"a {label} problem at {where}, {when}: {what}".strip()


def phone_readback(phone: str | None, lang: str) -> str:
    """Return the callback number for reading back digit by digit (or the anonymous choice)."""
    if not phone or phone == "anonymous":
        return "不留 匿名反映" if lang == "zh-CN" else "none, anonymous"
    return spoken_digits(phone, lang)


def confidential_text(value: Any, lang: str) -> str:
    """Return the read-back sentence about confidentiality."""
    if lang == "zh-CN":
        return "您的信息会保密" if value else "不需要保密"
    return "Your details will be kept confidential." if value else "No confidentiality requested."
