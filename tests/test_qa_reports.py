"""Replay reports: JUnit XML, JSON round trip, baseline diff, HTML, and the CLI's exit code."""

from __future__ import annotations

import base64
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voicebot.cli import main
from voicebot.qa.baseline import BaselineError, diff_runs, format_diff, read_json, write_json
from voicebot.qa.report_html import audio_data_uri, html_report
from voicebot.qa.report_junit import junit_xml
from voicebot.qa.report_text import summary_table
from voicebot.qa.results import FAILED, PASSED, SKIPPED, Failure, RunResult, ScenarioResult, TurnResult
from voicebot.qa.scenario import FIXTURES_DIR, load_scenario


def result(name: str, status: str = PASSED, latencies: tuple[int, ...] = (700, 720), **kw: object) -> ScenarioResult:
    turns = [TurnResult(0, "[greeting]", bot_said=("您好",))]
    turns += [TurnResult(i + 1, f"turn {i + 1}", "ref", "heard", ("answer",), ("faq",), latency_ms=ms)
              for i, ms in enumerate(latencies)]  # fmt: skip
    tone = (np.sin(np.arange(8000) / 5) * 8000).astype("<i2").tobytes()
    return ScenarioResult(name, name.split("/")[0], status, turns=turns, latencies_ms=list(latencies),
                          outcome="resolved", call_ms=9000, caller_audio=tone, bot_audio=tone, **kw)  # type: ignore[arg-type]  # fmt: skip


def sample_run() -> RunResult:
    failure = Failure(1, "says", "bot should say '户籍窗口'; it said: 好的")
    failing = result("zh-CN/faq_hukou", FAILED, failures=[failure])
    skipped = result("en-US/real_speech_1", SKIPPED, (), skip_reason="shared recording absent outside CI: x.wav")
    measured = result("en-US/faq_pension", error_metric="wer", errors=2, ref_length=10)
    results = [result("zh-CN/faq_pension"), failing, skipped, measured]
    return RunResult(results, "reference", 12.5, "2026-11-23T15:00:00")


def test_junit_has_one_testcase_per_scenario_with_named_failures() -> None:
    root = ET.fromstring(junit_xml(sample_run()))
    assert root.tag == "testsuite" and root.get("tests") == "4" and root.get("failures") == "1"
    assert root.get("skipped") == "1"
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"zh-CN/faq_pension", "zh-CN/faq_hukou", "en-US/real_speech_1", "en-US/faq_pension"}
    failure = cases["zh-CN/faq_hukou"].find("failure")
    assert failure is not None
    assert failure.get("message") == "zh-CN/faq_hukou turn 1: bot should say '户籍窗口'; it said: 好的"
    skipped = cases["en-US/real_speech_1"].find("skipped")
    assert skipped is not None and "absent outside CI" in (skipped.get("message") or "")
    assert cases["zh-CN/faq_pension"].find("failure") is None


def test_json_round_trips_and_serves_as_baseline(tmp_path: Path) -> None:
    run = sample_run()
    path = tmp_path / "out" / "run.json"
    write_json(run, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["summary"] == {"passed": 2, "failed": 1, "skipped": 1}
    assert data["scenarios"][3]["error_rate"] == pytest.approx(0.2)
    again = read_json(path)
    assert [r.to_dict() for r in again.results] == [r.to_dict() for r in run.results]
    assert not diff_runs(run, again).changes


def test_baseline_diff_shows_what_got_better_and_worse() -> None:
    old = sample_run()
    new = sample_run()
    new.results[0] = result("zh-CN/faq_pension", FAILED, failures=[Failure(2, "intent", "expected goodbye, got deny")])
    new.results[1] = result("zh-CN/faq_hukou")  # fixed
    new.results[3] = result("en-US/faq_pension", latencies=(1500, 1600), error_metric="wer", errors=0, ref_length=10)
    new.results.append(result("zh-CN/new_one"))
    del new.results[2]
    diff = diff_runs(old, new)
    worse = [c.what for c in diff.worse]
    better = [c.what for c in diff.better]
    assert worse == ["passed -> failed: zh-CN/faq_pension turn 2: expected goodbye, got deny",
                     "median reply latency 710 -> 1550 ms"]  # fmt: skip
    assert better == ["failed -> passed", "WER 20.0% -> 0.0%"]
    assert diff.added == ["zh-CN/new_one"] and diff.removed == ["en-US/real_speech_1"]
    text = format_diff(diff)
    assert "2 better, 2 worse" in text and "WORSE  zh-CN/faq_pension" in text and "new    zh-CN/new_one" in text


def test_bad_baselines_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(BaselineError) as missing:
        read_json(tmp_path / "none.json")
    assert missing.value.code == "baseline-missing"
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BaselineError) as bad:
        read_json(tmp_path / "bad.json")
    assert bad.value.code == "baseline-invalid"


def test_summary_table_lists_failures_and_totals() -> None:
    table = summary_table(sample_run())
    assert "zh-CN/faq_hukou turn 1: [says] bot should say '户籍窗口'" in table
    assert "en-US/real_speech_1: shared recording absent" in table
    assert "2 passed, 1 failed, 1 skipped of 4 scenarios in 12.5s" in table and "WER 20.0% over 10 words" in table


def test_html_is_self_contained_with_audio_plots_and_expectations() -> None:
    run = sample_run()
    scenario = load_scenario(FIXTURES_DIR / "zh-CN" / "faq_pension")
    page = html_report(run, [scenario], diff_runs(run, run))
    assert page.startswith("<!doctype html>") and "http://" not in page and "https://" not in page
    assert page.count("<audio") == 2 * 4 and page.count("data:audio/ogg;base64,") == 2 * 4
    assert "data:image/png;base64," in page
    assert "faq_topic: faq/pension" in page  # expected, from the scenario file
    assert "bot should say &#x27;户籍窗口&#x27;" in page and "Compared with the baseline" in page


def test_opus_audio_is_much_smaller_than_wav_and_decodes() -> None:
    pcm = (np.sin(np.arange(16000) / 5) * 8000).astype("<i2").tobytes() + b"\x00\x00" * 80000
    wav, opus = audio_data_uri(pcm, 8000, "wav"), audio_data_uri(pcm, 8000, "opus")
    assert wav.startswith("data:audio/wav;base64,UklGR")  # "RIFF"
    assert opus.startswith("data:audio/ogg;base64,T2dnUw")  # "OggS"
    assert len(opus) < len(wav) / 10
    samples, rate = soundfile.read(io.BytesIO(base64.b64decode(opus.split(",", 1)[1])), dtype="int16")
    assert rate == 8000 and 16000 <= len(samples) <= 16000 + 8000  # trailing silence trimmed to half a second
    assert page_without_audio_has_no_players()


def page_without_audio_has_no_players() -> bool:
    return "<audio" not in html_report(sample_run(), [], audio="none")


def test_cli_exits_non_zero_naming_scenario_and_turn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "zh-CN" / "wrong"
    folder.mkdir(parents=True)
    source = (FIXTURES_DIR / "zh-CN" / "faq_office_hours" / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(source.replace("faq_topic: office_hours", "faq_topic: hukou"), "utf-8")
    for wav in (FIXTURES_DIR / "zh-CN" / "faq_office_hours").glob("*.wav"):
        (folder / wav.name).write_bytes(wav.read_bytes())
    junit = tmp_path / "junit.xml"
    html = tmp_path / "report.html"
    code = main(["replay", "--dialogue", "stand-in", str(folder), "--junit", str(junit), "--json",
                 str(tmp_path / "r.json"), "--html", str(html), "--jobs", "1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "zh-CN/wrong turn 1: [faq_topic] expected FAQ topic faq/hukou" in out
    assert "zh-CN/wrong turn 1" in (ET.parse(junit).getroot().find("testcase/failure").get("message") or "")  # type: ignore[union-attr]
    assert html.stat().st_size > 10_000
    bad = main(["replay", str(tmp_path / "missing")])
    assert bad == 2
