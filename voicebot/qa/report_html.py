"""A self-contained HTML report: per scenario the conversation, expected vs actual, both sides' audio, plots."""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from voicebot.audio import wav_bytes
from voicebot.qa.baseline import Diff
from voicebot.qa.plots import median_by_language, run_plots, scenario_plot
from voicebot.qa.report_text import totals_line
from voicebot.qa.results import FAILED, PASSED, RunResult, ScenarioResult
from voicebot.qa.scenario import Scenario

log = logging.getLogger(__name__)

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{margin-bottom:.2em} .meta{color:#666}
table{border-collapse:collapse;width:100%;margin:.5em 0} td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top}
th{background:#f4f4f4;text-align:left} .passed{color:#1e8449} .failed{color:#c0392b;font-weight:bold}
.skipped{color:#7f8c8d} details{border:1px solid #ddd;border-radius:6px;margin:.6em 0;padding:.3em .8em}
summary{cursor:pointer;font-weight:600} .fail{background:#fdecea} .exp{color:#555;font-size:12px;white-space:pre-wrap}
.worse{color:#c0392b} .better{color:#1e8449} audio{height:32px;vertical-align:middle} img{max-width:100%}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


AUDIO_FORMATS = ("opus", "wav", "none")
"""How the HTML embeds audio: Ogg Opus (about 1 kB per second), exact 16-bit WAV (16 kB/s), or not at all."""


def audio_data_uri(pcm: bytes, rate: int, audio: str = "opus") -> str:
    """Return PCM as a base64 ``data:`` URI: Ogg Opus (trailing silence trimmed) or 16-bit WAV."""
    if audio == "opus":
        samples = np.frombuffer(pcm, dtype="<i2")
        loud = np.flatnonzero(np.abs(samples) > 64)
        samples = samples[: int(loud[-1]) + rate // 2] if loud.size else samples[: rate // 2]
        buffer = io.BytesIO()
        try:
            # Highest compression: about 7 kbit/s, telephone-like, which is what the caller heard anyway.
            soundfile.write(buffer, samples, rate, format="OGG", subtype="OPUS", compression_level=1.0)
            return "data:audio/ogg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        except (soundfile.LibsndfileError, TypeError, ValueError) as err:  # an old libsndfile without Opus
            log.warning("Opus encoding unavailable (%s): embedding WAV", err)
    return "data:audio/wav;base64," + base64.b64encode(wav_bytes(pcm, rate)).decode("ascii")


def _png_img(png: bytes | None, alt: str) -> str:
    if png is None:
        return ""
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def describe_expect(expect: Any) -> str:
    """Return the non-empty fields of an expectation block as ``key: value`` lines."""
    lines = []
    for f in dataclasses.fields(expect):
        value = getattr(expect, f.name)
        if value in (None, (), {}, []):
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(value).items() if v not in (None, (), {}))
        elif isinstance(value, tuple):
            value = " | ".join(map(str, value))
        lines.append(f"{f.name}: {value}")
    return "\n".join(lines)


def _turn_rows(result: ScenarioResult, scenario: Scenario | None) -> str:
    failed_turns = {f.turn for f in result.failures}
    rows = []
    for turn in result.turns:
        expected = ""
        if scenario is not None and 0 < turn.index <= len(scenario.turns):
            st = scenario.turns[turn.index - 1]
            expected = describe_expect(st.expect)
            if not st.expect_if_understood.empty():
                expected += "\n(if understood)\n" + describe_expect(st.expect_if_understood)
        heard = _e(turn.heard) if turn.heard and turn.heard != turn.reference else ""
        caller = _e(turn.label) + (f"<br><small>heard: {heard}</small>" if heard else "")
        if turn.error_rate is not None:
            caller += f"<br><small>{result.error_metric.upper()} {turn.error_rate:.0%}</small>"
        actual = [f"intent {', '.join(turn.intents)}" if turn.intents else "",
                  f"topic {', '.join(turn.faq_topics)}" if turn.faq_topics else "",
                  f"handoff {turn.handoff}" if turn.handoff else "", " ".join(turn.events)]  # fmt: skip
        latency = f"{turn.latency_ms} ms" if turn.latency_ms is not None else ""
        if turn.dialogue_ms is not None:
            latency += f"<br><small>dialogue {turn.dialogue_ms} ms</small>"
        css = ' class="fail"' if turn.index in failed_turns else ""
        rows.append(
            f"<tr{css}><td>{turn.index or '-'}</td><td>{turn.start_ms / 1000:.1f}s</td><td>{caller}</td>"
            f"<td>{'<br>'.join(_e(t) for t in turn.bot_said)}</td><td>{_e(' / '.join(a for a in actual if a))}</td>"
            f'<td class="exp">{_e(expected)}</td><td>{latency}</td></tr>'
        )
    return "".join(rows)


def _scenario_html(result: ScenarioResult, scenario: Scenario | None, audio: str) -> str:
    status = f'<span class="{result.status}">{result.status}</span>'
    head = f"<summary>{status} {_e(result.name)} <span class='meta'>{_e(result.description)}</span></summary>"
    parts = [f"<details id='{_e(result.name)}'{' open' if result.status == FAILED else ''}>", head]
    parts.append(f"<p class='meta'>tags: {_e(', '.join(result.tags))} · outcome: {_e(result.outcome or '-')}"
                 f" · call {result.call_ms / 1000:.1f}s (virtual), replayed in {result.wall_s:.1f}s</p>")  # fmt: skip
    if result.skip_reason:
        parts.append(f"<p class='skipped'>skipped: {_e(result.skip_reason)}</p>")
    if result.failures:
        parts.append("<ul>" + "".join(f"<li class='failed'>{_e(f.where(result.name))} [{_e(f.check)}]: "
                                      f"{_e(f.message)}</li>" for f in result.failures) + "</ul>")  # fmt: skip
    if result.turns:
        parts.append("<table><tr><th>turn</th><th>at</th><th>caller</th><th>bot said</th><th>actual</th>"
                     "<th>expected</th><th>latency</th></tr>" + _turn_rows(result, scenario) + "</table>")  # fmt: skip
    if scenario is not None and not (scenario.expect.empty() and scenario.expect_if_understood.empty()):
        call_exp = describe_expect(scenario.expect)
        if not scenario.expect_if_understood.empty():
            call_exp += "\n(if understood)\n" + describe_expect(scenario.expect_if_understood)
        ticket = result.ticket or {}
        keys = ("number", "kind", "handoff_reason", "intent", "faq_topics", "fields")
        actual = json.dumps({k: ticket.get(k) for k in keys}, ensure_ascii=False)
        parts.append(f"<table><tr><th>whole call: expected</th><th>actual ticket</th></tr><tr><td class='exp'>"
                     f"{_e(call_exp)}</td><td class='exp'>{_e(actual)}</td></tr></table>")  # fmt: skip
    if audio != "none" and (result.caller_audio or result.bot_audio):
        caller = audio_data_uri(result.caller_audio, result.rate, audio)
        bot = audio_data_uri(result.bot_audio, result.rate, audio)
        parts.append(f"<p>caller <audio controls preload='none' src='{caller}'></audio> "
                     f"bot <audio controls preload='none' src='{bot}'></audio></p>")  # fmt: skip
    parts.append(_png_img(scenario_plot(result), f"latency per turn, {result.name}"))
    parts.append("</details>")
    return "".join(parts)


def _diff_html(diff: Diff | None) -> str:
    if diff is None:
        return ""
    items = [f"<li class='worse'>worse: {_e(c.scenario)}: {_e(c.what)}</li>" for c in diff.worse]
    items += [f"<li class='better'>better: {_e(c.scenario)}: {_e(c.what)}</li>" for c in diff.better]
    items += [f"<li>new: {_e(n)}</li>" for n in diff.added] + [f"<li>gone: {_e(n)}</li>" for n in diff.removed]
    return f"<h2>Compared with the baseline</h2><ul>{''.join(items) or '<li>no changes</li>'}</ul>"


def html_report(
    run: RunResult, scenarios: Sequence[Scenario], diff: Diff | None = None, audio: str = "opus"
) -> str:
    """Return the whole report as one HTML document (images and audio embedded)."""
    by_name = {s.name: s for s in scenarios}
    medians = ", ".join(f"{lang} {ms:.0f} ms" for lang, ms in median_by_language(run.results).items())
    rows = "".join(
        f"<tr><td><a href='#{_e(r.name)}'>{_e(r.name)}</a></td><td class='{r.status}'>{r.status}</td>"
        f"<td>{_e(r.outcome)}</td><td>{len(r.failures)}</td><td>{_e(r.description)}</td></tr>"
        for r in run.results
    )
    body = [
        f"<h1>Voicebot QA replay</h1><p class='meta'>{_e(run.started_at)} · asr: {_e(run.asr)} · "
        f"{_e(totals_line(run))}{' · median latency ' + _e(medians) if medians else ''}</p>",
        _diff_html(diff),
        "<h2>Plots</h2>" + _png_img(run_plots(run), "reply latency plots"),
        f"<h2>Scenarios ({run.count(PASSED)} passed, {run.count(FAILED)} failed)</h2>",
        f"<table><tr><th>scenario</th><th>status</th><th>outcome</th><th>failures</th><th>about</th></tr>{rows}</table>",
        *(_scenario_html(r, by_name.get(r.name), audio) for r in run.results),
    ]
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Voicebot QA replay</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")  # fmt: skip


def write_html(
    run: RunResult, scenarios: Sequence[Scenario], path: Path, diff: Diff | None = None, audio: str = "opus"
) -> None:
    """Write the HTML report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(run, scenarios, diff, audio), encoding="utf-8")
