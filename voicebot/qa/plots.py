"""Latency plots of a replay run, rendered with matplotlib (Agg) to PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from voicebot.qa.results import RunResult, ScenarioResult
from voicebot.runtime.stats import percentile

COLOURS = {"zh-CN": "#c0392b", "en-US": "#2471a3"}
"""Line colour per call language."""


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def _turn_latencies(result: ScenarioResult) -> tuple[list[int], list[int]]:
    """Return (turn numbers, reply latency): timing logic on the call clock plus the dialogue's real time."""
    xs, ys = [], []
    for turn in result.turns:
        if turn.index > 0 and turn.latency_ms is not None:
            xs.append(turn.index)
            ys.append(turn.latency_ms + (turn.dialogue_ms or 0))
    return xs, ys


def _histogram(ax: Axes, values: list[int], colour: str, title: str, xlabel: str) -> None:
    if values:
        ax.hist(values, bins=min(30, max(5, len(values) // 3)), color=colour, edgecolor="white")
        for q, style in ((50, "-"), (95, "--")):
            value = percentile(values, q)
            if value is not None:
                ax.axvline(value, color="black", linestyle=style, label=f"p{q} = {value:.0f} ms")
        ax.legend(loc="upper right")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("replies")
    ax.grid(alpha=0.3)


def run_plots(run: RunResult) -> bytes:
    """Return a PNG: reply latency per turn for every scenario, its distribution, and the dialogue's share."""
    fig, (left, right, third) = plt.subplots(1, 3, figsize=(16, 4.5))
    all_ms: list[int] = []
    for result in run.results:
        xs, ys = _turn_latencies(result)
        all_ms += ys
        if xs:
            left.plot(xs, ys, marker="o", alpha=0.45, color=COLOURS.get(result.language, "grey"), linewidth=1)
    for lang, colour in COLOURS.items():
        left.plot([], [], color=colour, marker="o", label=lang)
    left.set_title("Reply latency per turn (each line: one scenario)")
    left.set_xlabel("caller turn")
    left.set_ylabel("end of caller speech -> bot audio (ms)")
    left.grid(alpha=0.3)
    left.legend(loc="upper right")
    _histogram(right, all_ms, "#7f8c8d", f"Distribution over the run ({len(all_ms)} replies, {len(run.results)} "
               "scenarios)", "reply latency: endpointing pause + dialogue time (ms)")  # fmt: skip
    dialogue = [t.dialogue_ms for r in run.results for t in r.turns if t.dialogue_ms is not None]
    _histogram(third, dialogue, "#d4ac0d", "Dialogue engine time per reply", "real time Rasa took (ms)")
    fig.tight_layout()
    return _png(fig)


def scenario_plot(result: ScenarioResult) -> bytes | None:
    """Return a small PNG of one scenario's latency per turn (None when it has no replies)."""
    xs, ys = _turn_latencies(result)
    if not xs:
        return None
    fig, ax = plt.subplots(figsize=(4, 1.8))
    ax.bar([str(x) for x in xs], ys, color=COLOURS.get(result.language, "grey"))
    ax.set_xlabel("turn", fontsize=8)
    ax.set_ylabel("ms", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def median_by_language(results: Sequence[ScenarioResult]) -> dict[str, float]:
    """Return the median reply latency per language."""
    by_lang: dict[str, list[int]] = {}
    for result in results:
        by_lang.setdefault(result.language, []).extend(result.reply_ms())
    medians = {lang: percentile(values, 50) for lang, values in by_lang.items()}
    return {lang: median for lang, median in medians.items() if median is not None}
