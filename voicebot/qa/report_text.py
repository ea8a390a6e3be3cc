"""The terminal side of a replay: a progress line while it runs, a summary table after."""

from __future__ import annotations

import statistics
import sys
import time
from typing import TextIO

from voicebot.qa.results import FAILED, PASSED, SKIPPED, RunResult, ScenarioResult
from voicebot.runtime.stats import percentile


class ProgressLine:
    """A one-line progress bar on stderr, redrawn in place (plain text, no dependencies)."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.width = width
        self.failed = 0
        self.began = time.perf_counter()
        self._interactive = self.stream.isatty()

    def __call__(self, result: ScenarioResult, done: int, total: int) -> None:
        """Redraw after a scenario finished."""
        self.failed += result.status == FAILED
        filled = self.width * done // max(1, total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.perf_counter() - self.began
        text = f"[{bar}] {done}/{total} scenarios, {self.failed} failed, {elapsed:5.1f}s  {result.name}"
        if self._interactive:
            self.stream.write("\r\x1b[K" + text)
            if done == total:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _spread(label: str, values: list[int]) -> list[str]:
    """Return ``["<label> p50 .. ms, p95 .. ms"]``, or nothing when there are no values."""
    p50, p95 = percentile(values, 50), percentile(values, 95)
    if p50 is None or p95 is None:
        return []
    return [f"{label} p50 {p50:.0f} ms, p95 {p95:.0f} ms"]


def _rate(result: ScenarioResult) -> str:
    rate = result.error_rate
    return f"{result.error_metric.upper()} {rate:.0%}" if rate is not None else ""


def summary_table(run: RunResult) -> str:
    """Return the per-scenario table, the failures (scenario + turn + what differed) and the totals."""
    name_w = max([len(r.name) for r in run.results] + [8])
    lines = [f"{'scenario':<{name_w}}  {'status':<7}  {'outcome':<9}  {'turns':>5}  {'p50 ms':>6}  {'call s':>6}  asr"]
    lines.append("-" * len(lines[0]))
    for r in run.results:
        p50 = f"{statistics.median(r.reply_ms()):.0f}" if r.reply_ms() else "-"
        mark = {PASSED: "ok", FAILED: "FAIL", SKIPPED: "skip"}.get(r.status, r.status)
        lines.append(
            f"{r.name:<{name_w}}  {mark:<7}  {r.outcome or '-':<9}  {max(0, len(r.turns) - 1):>5}  {p50:>6}  "
            f"{r.call_ms / 1000:6.1f}  {_rate(r)}"
        )
    failures = [(r, f) for r in run.results for f in r.failures]
    if failures:
        lines += ["", "Failures:"]
        lines += [f"  {f.where(r.name)}: [{f.check}] {f.message}" for r, f in failures]
    skipped = [r for r in run.results if r.status == SKIPPED]
    if skipped:
        lines += ["", "Skipped:"] + [f"  {r.name}: {r.skip_reason}" for r in skipped]
    unchecked = sum(r.unchecked for r in run.results)
    if unchecked:
        lines += ["", f"Note: {unchecked} expect_if_understood blocks not checked (ASR model language differs)."]
    lines += ["", totals_line(run)]
    return "\n".join(lines)


def totals_line(run: RunResult) -> str:
    """Return one line of totals: counts, latency percentiles, error rates, time."""
    latencies = [ms for r in run.results for ms in r.reply_ms()]
    dialogue = [t.dialogue_ms for r in run.results for t in r.turns if t.dialogue_ms is not None]
    parts = [
        f"{run.count(PASSED)} passed, {run.count(FAILED)} failed, {run.count(SKIPPED)} skipped "
        f"of {len(run.results)} scenarios in {run.wall_s:.1f}s (asr: {run.asr})",
    ]
    parts += _spread("reply latency", latencies) + _spread("dialogue", dialogue)
    for metric in ("wer", "cer"):
        measured = [r for r in run.results if r.error_metric == metric and r.ref_length]
        if measured:
            errors = sum(r.errors for r in measured)
            length = sum(r.ref_length for r in measured)
            unit = "words" if metric == "wer" else "chars"
            parts.append(f"{metric.upper()} {errors / length:.1%} over {length} {unit}")
    return "; ".join(parts)
