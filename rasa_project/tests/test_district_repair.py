"""Sound-alike district names from speech recognition are repaired with jionlp's pinyin and division data."""

from __future__ import annotations

from actions.answer_words import without_commentary
from actions.district_repair_zh import DistrictRepair
from actions.fields import FieldReader
from actions.nlp_libs import NlpLibs

LIBS = NlpLibs()


def test_homophones_of_beijing_districts_are_repaired() -> None:
    repair = DistrictRepair(LIBS, "北京市")
    assert repair.repair("同州区梨园镇云景里") == "通州区梨园镇云景里"
    assert repair.repair("言情 区 百泉街道") == "延庆区百泉街道"
    assert repair.repair("朝阳去双井街道") == "朝阳区双井街道"
    assert repair.repair("我去超市买东西") == "我去超市买东西"
    assert repair.repair("海淀区学院路") == "海淀区学院路"


def test_the_answer_to_where_loses_the_remarks_after_the_place() -> None:
    assert without_commentary("丰台区方庄芳古园一区十五号楼你记清楚了十五号楼") == "丰台区方庄芳古园一区十五号楼"
    place = FieldReader(LIBS).location("海电区 苏家坨镇 南安河村 西边", "zh-CN", answer=True)
    assert place is not None and place.value.startswith("海淀区苏家坨镇南安河村")
    assert place.extra["location_parts"]["district"] == "海淀区"


def test_an_english_answer_to_where_keeps_the_callers_words_and_mends_the_district() -> None:
    reader = FieldReader(LIBS)
    place = reader.location("oh sorry the place it's gongti north road chow yang district number eight the bar",
                            "en-US", answer=True)
    assert place is not None and place.value == "gongti north road chaoyang district 8 the bar"
    assert reader.location("i'd rather stay anonymous", "en-US", answer=True) is None
    assert reader.location("there is a bar on gongti north road that is too loud", "en-US") is None  # not asked
