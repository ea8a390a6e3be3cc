"""Prometheus metrics: what one call adds, the live active-call gauge, and the ``/metrics`` route."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from dialogue.base import Handoff
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.session import Engines, final_kind
from voicebot.engines import Runtime
from voicebot.events import CallRecord, CallStarted, SatisfactionRated
from voicebot.lines.file_line import CallerTurn, FileLine
from voicebot.runtime.clock import RealClock
from voicebot.runtime.metrics import CallMetrics, setup_metrics, stage_times_ms
from voicebot.settings import SessionSettings, Settings

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, rasa_down, say, tone

SETTINGS = SessionSettings(no_input_ms=6000, dialogue_timeout_s=0.5)


def engines(dialogue: ScriptedDialogue, texts: list[str]) -> Engines:
    return Engines({"zh-CN": ScriptedRecognizer(texts)}, ToneSynth(ms_per_char=20), dialogue, MemoryTickets(),
                   EnergyVad)  # fmt: skip


def samples(metrics: CallMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse the exposition text back: what a Prometheus server would see."""
    parsed = text_string_to_metric_families(metrics.render().decode())
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for family in parsed for s in family.samples}


async def simulated(dialogue: ScriptedDialogue, texts: list[str], turns: int) -> CallRecord:
    result = await run_file_call([CallerTurn(tone(900)) for _ in range(turns)], engines(dialogue, texts), SETTINGS,
                                 file_line_info())  # fmt: skip
    return result.record


async def test_a_call_adds_outcome_latencies_stage_times_and_ticket() -> None:
    record = await simulated(ScriptedDialogue([say("好的"), say("再见")]), ["一", "二"], 2)
    metrics = CallMetrics()
    metrics.record_call(record, final_kind(record))
    s = samples(metrics)
    latencies = record.reply_latencies_ms()
    assert len(latencies) == 2 and all(ms > 0 for ms in latencies)
    assert s[("voicebot_calls_total", (("outcome", record.outcome),))] == 1
    assert s[("voicebot_reply_latency_seconds_count", ())] == 2
    assert abs(s[("voicebot_reply_latency_seconds_sum", ())] - sum(latencies) / 1000) < 1e-6
    assert s[("voicebot_stage_seconds_count", (("stage", "dialogue"),))] == 2
    assert s[("voicebot_stage_seconds_count", (("stage", "asr"),))] == 2
    assert s[("voicebot_stage_seconds_count", (("stage", "tts"),))] == 2
    assert s[("voicebot_tickets_total", (("kind", final_kind(record)),))] == 1
    assert not any(name == "voicebot_errors_total" for name, _ in s)


async def test_errors_by_code_and_handoffs_by_reason() -> None:
    record = await simulated(ScriptedDialogue([rasa_down()]), ["我要投诉"], 1)
    metrics = CallMetrics()
    metrics.record_call(record, final_kind(record))
    s = samples(metrics)
    assert s[("voicebot_errors_total", (("code", "rasa-unreachable"),))] == 1
    assert s[("voicebot_handoffs_total", (("reason", "dialogue-failed"),))] == 1
    assert s[("voicebot_calls_total", (("outcome", "handoff"),))] == 1
    assert s[("voicebot_tickets_total", (("kind", "handoff"),))] == 1


async def test_handoff_directive_is_counted_with_its_reason() -> None:
    turn = say("为您转接", directives=[Handoff("caller-request", {})])
    record = await simulated(ScriptedDialogue([turn]), ["人工"], 1)
    metrics = CallMetrics()
    metrics.record_call(record)
    assert samples(metrics)[("voicebot_handoffs_total", (("reason", "caller-request"),))] == 1


def test_stage_times_come_from_events() -> None:
    from voicebot.events import BotReplied, BotStartedSpeaking, Transcribed, UserStoppedSpeaking

    events = [UserStoppedSpeaking(1000, waited_ms=560), Transcribed(1710, "x"), BotReplied(1960, dialogue_ms=240),
              BotStartedSpeaking(2020, "y")]  # fmt: skip
    record = CallRecord("c", events=list(events))
    assert stage_times_ms(record) == {"endpoint": [560], "asr": [150], "dialogue": [240], "tts": [60]}


def test_each_metrics_object_has_its_own_registry() -> None:
    a, b = CallMetrics(), CallMetrics()
    a.record_error("tts-failed")
    assert ("voicebot_errors_total", (("code", "tts-failed"),)) not in samples(b)


async def test_session_factory_tracks_active_calls_and_serves_metrics() -> None:
    async def queue_length() -> int:
        return 3

    runtime = Runtime(engines(ScriptedDialogue([say("好的")]), ["一"]), Settings(session=SETTINGS),
                      CallMetrics(queue_length=queue_length))  # fmt: skip
    app = web.Application()
    setup_metrics(app, runtime.metrics)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    line = FileLine([CallerTurn(tone(400))], RealClock(), file_line_info(), gap_ms=200, max_wait_ms=3000)
    try:
        async with aiohttp.ClientSession() as http:
            call = asyncio.create_task(runtime.session_factory(line))
            await asyncio.sleep(0.3)
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                during = await resp.text()
                assert resp.status == 200 and resp.content_type == "text/plain"
            record = await asyncio.wait_for(call, 30)
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                after = await resp.text()
    finally:
        await runner.cleanup()
    assert "voicebot_active_calls 1.0" in during and "voicebot_active_calls 0.0" in after
    assert f'voicebot_calls_total{{outcome="{record.outcome}"}} 1.0' in after
    assert "voicebot_queue_length 3.0" in after


def test_satisfaction_answers_are_counted_by_rating_and_a_bounded_language() -> None:
    metrics = CallMetrics()
    for lang, rating, via in (("zh-CN", 2, "voice"), ("zh-CN", 2, "dtmf"), ("en-US", None, "silence"),
                              ("xx-YY", 5, "dtmf")):  # fmt: skip
        record = CallRecord(f"call-{lang}-{via}", events=[CallStarted(0, lang=lang), SatisfactionRated(9, rating, via)])
        metrics.record_call(record)
    metrics.record_call(CallRecord("not-asked", events=[CallStarted(0, lang="zh-CN")]))
    s = samples(metrics)
    rated = {labels: value for (name, labels), value in s.items() if name == "voicebot_satisfaction_total"}
    assert rated == {(("lang", "zh-CN"), ("rating", "2")): 2, (("lang", "en-US"), ("rating", "none")): 1,
                     (("lang", "other"), ("rating", "5")): 1}  # fmt: skip
