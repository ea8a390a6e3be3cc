"""The work-order builder on the shipped samples: taxonomy, sub-categories, urgency and 办理时限, gazetteer, routing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from voicebot.settings import WorkOrderSettings
from voicebot.workorder.book import WorkOrderBook, load_book
from voicebot.workorder.builder import build_work_order
from voicebot.workorder.model import Area, Flag, WorkOrder
from voicebot.workorder.taxonomy import BOT_CATEGORIES, REQUEST_TYPES

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int, minute: int) -> int:
    """Return epoch ms of a Beijing wall-clock time."""
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).timestamp() * 1000)


def local(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, SHANGHAI)


WEDNESDAY = at(2026, 12, 2, 10, 30)
"""A Wednesday in the heating season."""


@pytest.fixture(scope="module")
def book() -> WorkOrderBook:
    return load_book(WorkOrderSettings())


def build(book: WorkOrderBook, started: int = WEDNESDAY, **fields: object) -> WorkOrder:
    return build_work_order(book, fields, started)


EXPECTED_CATEGORY = {
    "noise": "eco_environment",
    "sanitation": "urban_management",
    "traffic": "transport",
    "property": "housing",
    "utilities": "public_utilities",
    "consumer": "market_regulation",
    "labor": "labor_social",
    "safety_hazard": "public_safety",
    "other": "other",
}


def test_each_of_the_nine_bot_categories_maps_to_its_taxonomy_category(book: WorkOrderBook) -> None:
    assert set(EXPECTED_CATEGORY) == set(BOT_CATEGORIES)
    for code, category in EXPECTED_CATEGORY.items():
        wo = build(book, complaint_category=code)
        assert wo.category == category, code
        assert book.labels(wo, "zh-CN")["category"] == book.taxonomy.category(category).label.zh  # type: ignore[union-attr]
    # the first version's key, and an unknown code, still land somewhere sensible
    assert build(book, category="traffic").category == "transport"
    assert build(book, complaint_category="aliens").category == "other"


def test_request_types_have_labels_and_default(book: WorkOrderBook) -> None:
    labels = {code: book.labels(build(book, request_type=code), "zh-CN")["request_type"] for code in REQUEST_TYPES}
    assert labels == {"complaint": "投诉", "report": "举报", "assistance": "求助", "consultation": "咨询",
                      "suggestion": "建议"}  # fmt: skip
    assert build(book).request_type == "complaint"  # nothing sent: the taxonomy's default
    assert build(book, request_type="praise").request_type == "complaint"
    assert book.labels(build(book, request_type="report"), "en-US")["request_type"] == "Report"


@pytest.mark.parametrize(
    ("code", "description", "subcategory", "words"),
    [
        ("noise", "楼下工地晚上施工太吵了", "construction_noise", ("施工", "工地")),
        ("noise", "楼上邻居天天装修", "social_noise", ("装修", "邻居")),
        ("noise", "The bar next door plays loud music until 2am", "social_noise", ("bar", "music")),
        ("utilities", "我们楼停水两天了", "water_supply", ("停水",)),
        ("utilities", "暖气不热，屋里才十五度", "heating", ("暖气", "不热")),
        ("property", "Our lift has been broken for a week", "elevator", ("lift",)),
        ("consumer", "健身房跑路了，预付卡退不了", "prepaid_cards", ("预付卡", "跑路", "健身房")),
        ("traffic", "小区门口乱停车", "parking", ("停车", "乱停")),
    ],
)
def test_subcategory_is_chosen_by_the_most_keywords(
    book: WorkOrderBook, code: str, description: str, subcategory: str, words: tuple[str, ...]
) -> None:
    wo = build(book, complaint_category=code, description=description)
    assert wo.subcategory == subcategory
    assert set(wo.subcategory_words) == set(words)


def test_no_keyword_means_no_subcategory_and_english_words_need_whole_words(book: WorkOrderBook) -> None:
    assert build(book, complaint_category="noise", description="太吵了").subcategory is None
    # "barbecue" must not count as "bar"; "smoke" makes it air pollution
    wo = build(book, complaint_category="noise", description="barbecue smoke every night")
    assert wo.subcategory == "air_pollution" and "bar" not in wo.subcategory_words


def test_normal_urgency_gets_five_working_days_to_the_end_of_the_day(book: WorkOrderBook) -> None:
    wo = build(book, complaint_category="noise", description="施工太吵")
    assert wo.urgency == "normal" and wo.urgency_cues == ()
    # Wednesday 2 Dec + 5 working days = Wednesday 9 Dec (the weekend does not count), 23:59:59
    assert local(wo.deadline_at) == dt.datetime(2026, 12, 9, 23, 59, 59, tzinfo=SHANGHAI)
    friday = build(book, at(2026, 12, 4, 18, 0), complaint_category="noise")
    assert local(friday.deadline_at).date() == dt.date(2026, 12, 11)


def test_holidays_and_make_up_workdays_are_respected(book: WorkOrderBook) -> None:
    # sample table: 1-7 Oct 2027 off except the weekend, 9 Oct (Saturday) a make-up working day
    wo = build(book, at(2027, 9, 30, 9, 0), complaint_category="other")
    # working days after Thu 30 Sep: Fri 8 Oct, Sat 9 Oct (make-up), Mon 11, Tue 12, Wed 13
    assert local(wo.deadline_at).date() == dt.date(2027, 10, 13)


def test_cues_raise_urgency_and_shorten_the_deadline(book: WorkOrderBook) -> None:
    elderly = build(book, complaint_category="utilities", description="家里停水了，我妈是独居老人")
    assert elderly.urgency == "urgent" and set(elderly.urgency_cues) == {"停水", "独居老人"}
    assert elderly.deadline_at == WEDNESDAY + 24 * 3_600_000
    gas = build(book, complaint_category="safety_hazard", description="楼道里有燃气泄漏的味道")
    assert gas.urgency == "critical" and gas.deadline_at == WEDNESDAY + 2 * 3_600_000
    english = build(book, complaint_category="utilities", description="No heating and my baby is sick")
    assert english.urgency == "urgent" and set(english.urgency_cues) == {"no heating", "baby"}
    assert book.labels(gas, "zh-CN")["urgency"] == "特急" and book.labels(elderly, "en-US")["urgency"] == "Urgent"


def test_no_heating_is_urgent_only_in_the_heating_season(book: WorkOrderBook) -> None:
    winter = build(book, at(2027, 1, 10, 9, 0), complaint_category="utilities", description="暖气不热")
    summer = build(book, at(2027, 7, 10, 9, 0), complaint_category="utilities", description="暖气不热")
    assert (winter.urgency, summer.urgency) == ("urgent", "normal")


def test_a_category_can_set_the_lowest_urgency(book: WorkOrderBook) -> None:
    wo = build(book, complaint_category="safety_hazard", description="消防通道被堵了")
    assert wo.urgency == "urgent" and wo.urgency_cues == ()  # public_safety is at least 紧急


@pytest.mark.parametrize(
    ("location", "parts", "district", "street", "community"),
    [
        ("朝阳区建国路88号", None, "朝阳区", None, None),
        ("海淀区学院路28号", {"district": "海淀区"}, "海淀区", "学院路街道", None),
        ("三里屯幸福二村社区5号楼", None, "朝阳区", "三里屯街道", "幸福二村社区"),
        ("88 Jianguo Road, Chaoyang District", None, "朝阳区", None, None),
        ("Sanlitun, Chaoyang", None, "朝阳区", "三里屯街道", None),
        ("12 Zhongguancun Street, haidian", None, "海淀区", "中关村街道", None),
        ("东城区朝阳门内大街5号", None, "东城区", "朝阳门街道", None),  # 朝阳门 is not 朝阳区
        ("朝阳门内大街5号", None, "东城区", "朝阳门街道", None),
        ("宋庄镇小堡村", None, "通州区", "宋庄镇", "小堡村"),
        ("延庆的长城脚下", None, "延庆区", None, None),
        ("海淀区某某路1号", None, "海淀区", None, None),  # 海淀街道 is not found in 海淀区
        ("丰台街道东安街头条", None, "丰台区", "丰台街道", None),
    ],
)
def test_gazetteer_resolves_districts_streets_and_communities(
    book: WorkOrderBook, location: str, parts: dict[str, str] | None, district: str, street: str | None,
    community: str | None,
) -> None:  # fmt: skip
    wo = build(book, location=location, location_parts=parts)
    assert (wo.area.district, wo.area.street, wo.area.community) == (district, street, community)
    assert wo.area.resolved and wo.area.text == location and wo.area.matched
    assert wo.flags == ()


def test_unknown_places_stay_free_text_and_are_flagged(book: WorkOrderBook) -> None:
    for location, parts in [
        ("幸福路23号", None),
        ("浦东新区张江路1号", {"city": "上海市", "district": "浦东新区"}),
        ("上海市朝阳路5号", {"city": "上海市"}),  # another city's 朝阳路 is not Beijing's 朝阳区
        ("Main Street 5, Springfield", None),
    ]:
        wo = build(book, complaint_category="property", location=location, location_parts=parts)
        assert wo.area == Area(None, None, None, False, (), location), location
        assert wo.flags == (Flag("location", "unknown-place"),)
    assert build(book, complaint_category="property").flags == ()  # no place given: nothing to check


def test_routing_uses_the_most_specific_rule_and_falls_back(book: WorkOrderBook) -> None:
    def route(code: str, description: str, location: str) -> tuple[str | None, str]:
        wo = build(book, complaint_category=code, description=description, location=location)
        assert wo.suggested_department == wo.department
        return wo.department, wo.route

    assert route("noise", "太吵了", "朝阳区建国路88号") == ("朝阳区生态环境局", "eco_environment/*/朝阳区")
    assert route("noise", "太吵了", "海淀区中关村大街1号") == ("海淀区生态环境局", "eco_environment/*/*")
    assert route("noise", "工地施工", "海淀区中关村大街1号") == (
        "海淀区住房和城乡建设委员会", "eco_environment/construction_noise/*")  # fmt: skip
    # {street}办事处 needs a resolved street; without one the next rule of the category applies
    assert route("noise", "邻居装修", "三里屯幸福一村") == ("三里屯街道办事处", "eco_environment/social_noise/*")
    assert route("noise", "邻居装修", "朝阳区建国路88号") == ("朝阳区生态环境局", "eco_environment/*/朝阳区")
    assert route("noise", "太吵了", "幸福路23号") == ("北京市生态环境局", "eco_environment/*/*")
    assert route("utilities", "停水", "海淀区") == ("北京市自来水集团", "public_utilities/water_supply/*")
    assert route("other", "", "望京") == ("望京街道办事处", "*/*/*")
    assert route("other", "", "延庆区") == ("延庆区人民政府", "*/*/*")
    assert route("other", "", "") == ("北京市12345市民服务热线派单中心", "*/*/*")


def test_department_list_holds_every_suggestion_and_the_extras(book: WorkOrderBook) -> None:
    departments = book.departments()
    assert len(departments) == len(set(departments))
    for name in ("朝阳区生态环境局", "延庆区生态环境局", "三里屯街道办事处", "北京市12345市民服务热线派单中心",
                 "北京市公安局", "通州区应急管理局"):  # fmt: skip
        assert name in departments
    assert not any("{" in d for d in departments)


def test_work_order_json_round_trip_and_labels(book: WorkOrderBook) -> None:
    wo = build(book, complaint_category="noise", description="工地施工", location="Foo Road 1", request_type="report")
    assert WorkOrder.from_json(wo.to_json()) == wo
    described = book.describe(wo)
    assert described["labels"]["zh-CN"] == {"request_type": "举报", "category": "生态环境",
                                            "subcategory": "建筑施工噪声", "urgency": "一般"}  # fmt: skip
    assert described["labels"]["en-US"]["category"] == "Ecology and environment"
    assert described["flags"] == [{"field": "location", "code": "unknown-place"}]
