"""The library holder (lazy, once per process, quiet) and the per-field entry points."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from actions.extract import CALL_TIME_KEY, call_time, parse_address, parse_time
from actions.nlp_libs import JionlpLogFilter, NlpLibs

RASA_PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def libs() -> NlpLibs:
    return NlpLibs()


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=RASA_PROJECT, capture_output=True, text=True, check=True,
                          timeout=120)


def test_libraries_load_only_when_first_used_and_print_nothing() -> None:
    code = (
        "import sys\n"
        "from actions import extract, address_zh, address_en, time_zh, time_en, phone, id_number\n"
        "print(sorted(m for m in ('jionlp', 'cn2an', 'usaddress', 'dateparser') if m in sys.modules))\n"
        "libs = extract.NlpLibs()\n"
        "place = extract.parse_address(libs, '学院路二十八号', 'zh-CN')\n"
        "print(sorted(m for m in ('jionlp', 'cn2an', 'usaddress', 'dateparser') if m in sys.modules))\n"
        "print(place.value)\n"
    )
    out = _run(code).stdout.splitlines()
    assert out == ["[]", "['cn2an', 'jionlp']", "学院路28号"]  # no jionlp / jiojio banner on stdout


def test_one_instance_loads_each_module_once(libs: NlpLibs) -> None:
    assert libs.jionlp() is libs.jionlp()
    assert libs.dateparser() is libs.dateparser()
    libs.warm()


def test_jionlp_tracebacks_for_unparsable_strings_are_filtered(libs: NlpLibs, caplog: pytest.LogCaptureFixture) -> None:
    libs.jionlp()
    assert any(isinstance(f, JionlpLogFilter) for f in logging.getLogger().filters)
    with caplog.at_level(logging.ERROR):
        # jionlp logs a traceback on the root logger for 中午晚上 (it cannot parse that period).
        parse_time(libs, "天天中午晚上做饭的时候", "zh-CN", datetime(2026, 12, 1, 15, 30))
        logging.getLogger("actions").error("ours")
    assert [r.getMessage() for r in caplog.records] == ["ours"]


def test_entry_points_pick_the_language(libs: NlpLibs) -> None:
    assert parse_address(libs, "学院路二十八号", "zh-CN").value == "学院路28号"
    assert parse_address(libs, "twenty eight jianguo road", "en-US").value == "28 Jianguo Road"
    base = datetime(2026, 12, 1, 15, 30)
    zh = parse_time(libs, "昨天晚上", "zh-CN", base).norm
    en = parse_time(libs, "last night", "en-US", base).norm
    assert zh is not None and en is not None
    assert zh.start == en.start == "2026-11-30T18:00:00"


def test_call_time_from_metadata() -> None:
    assert call_time({CALL_TIME_KEY: "2026-12-01T15:30:00"}) == datetime(2026, 12, 1, 15, 30)
    aware = call_time({CALL_TIME_KEY: "2026-12-01T07:30:00+08:00"})
    assert aware == datetime(2026, 12, 1, 7, 30)  # the wall clock where the call happens, whatever the server's zone
    assert abs(call_time({}) - datetime.now()) < timedelta(seconds=5)
    assert abs(call_time({CALL_TIME_KEY: "not a time"}) - datetime.now()) < timedelta(seconds=5)
