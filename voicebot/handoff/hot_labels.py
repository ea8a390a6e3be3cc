"""Bounded keys of the hot-topics counts (category, district, FAQ topic) and their names in the page language.

Counts and metric labels only ever use a taxonomy category code, a gazetteer district name or a known FAQ topic,
else ``other``: never the caller's words, so the Prometheus series stay few and no personal data leaks.
"""

from __future__ import annotations

from voicebot.i18n import N_, _, current
from voicebot.workorder.book import WorkOrderBook

OTHER = "other"
"""The key of everything outside the operator files (an unknown district, a topic the table does not know)."""

FAQ_TOPIC = {
    "hotline_scope": N_("What the hotline handles"),
    "office_hours": N_("Office hours"),
    "id_card": N_("ID card"),
    "hukou": N_("Household registration"),
    "social_security": N_("Social security"),
    "medical_insurance": N_("Medical insurance"),
    "provident_fund": N_("Housing provident fund"),
    "residence_permit": N_("Residence permit"),
    "business_license": N_("Business licence"),
    "utility_outage": N_("Water or power outage"),
    "school_enrollment": N_("School enrolment"),
    "pension": N_("Pension"),
}
"""The FAQ topics of ``rasa_project/knowledge/faq.yaml`` (a topic added there needs a name here)."""


def category_key(book: WorkOrderBook, code: str | None) -> str:
    """Return a ticket's category as a bounded key (a taxonomy code, else ``other``)."""
    return code if code and any(c.code == code for c in book.taxonomy.categories) else OTHER


def district_key(book: WorkOrderBook, name: str | None) -> str:
    """Return a ticket's district as a bounded key (a gazetteer district's official name, else ``other``)."""
    district = book.gazetteer.district(name) if name else None
    return district.place.name if district is not None else OTHER


def topic_key(topic: str) -> str:
    """Return an answered FAQ topic (``faq/office_hours`` or ``office_hours``) as a bounded key."""
    name = topic.removeprefix("faq/")
    return name if name in FAQ_TOPIC else OTHER


def categories(book: WorkOrderBook) -> tuple[str, ...]:
    """Return every category key, in taxonomy order (``other`` last)."""
    codes = tuple(c.code for c in book.taxonomy.categories)
    return codes if OTHER in codes else (*codes, OTHER)


def districts(book: WorkOrderBook) -> tuple[str, ...]:
    """Return every district key, in gazetteer order, then ``other``."""
    return (*(d.place.name for d in book.gazetteer.districts), OTHER)


def topics() -> tuple[str, ...]:
    """Return every FAQ topic key, then ``other``."""
    return (*FAQ_TOPIC, OTHER)


def category_name(book: WorkOrderBook, key: str) -> str:
    """Return a category key in words (the taxonomy's label in the page language)."""
    found = next((c for c in book.taxonomy.categories if c.code == key), None)
    return found.label.of(current()) if found is not None else _("Other")


def district_name(book: WorkOrderBook, key: str) -> str:
    """Return a district key in words: its official name, in English its English alias (``Chaoyang District``)."""
    district = book.gazetteer.district(key) if key != OTHER else None
    if district is None:
        return _("Other or unknown place")
    if current().startswith("en"):
        english = [a for a in district.place.aliases if a.isascii()]
        return max(english, key=len) if english else district.place.name
    return district.place.name


def topic_name(key: str) -> str:
    """Return a FAQ topic key in words."""
    return _(FAQ_TOPIC[key]) if key in FAQ_TOPIC else _("Other topics")
