"""The JSON result file, and what got better or worse compared with an earlier one."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from voicebot.errors import VoicebotError
from voicebot.qa.results import FAILED, PASSED, RunResult, ScenarioResult

LATENCY_CHANGE_MS = 250
"""A median reply latency moving by at least this much is reported (Rasa timing varies by ~100 ms run to run)."""
ERROR_RATE_CHANGE = 0.02
"""A WER/CER moving by at least two points is reported."""


class BaselineError(VoicebotError):
    """A baseline file cannot be read."""


def write_json(run: RunResult, path: Path) -> None:
    """Write the run as JSON (usable as the next run's ``--baseline``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> RunResult:
    """Read a run written by ``write_json``."""
    try:
        return RunResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as err:
        raise BaselineError("baseline-missing", f"{path}: no such baseline file") from err
    except (ValueError, KeyError, TypeError) as err:
        raise BaselineError("baseline-invalid", f"{path}: not a replay JSON file: {err}") from err


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the baseline and this run."""

    scenario: str
    """Scenario name."""
    better: bool
    """True for an improvement."""
    what: str
    """The difference in words."""


@dataclass(slots=True)
class Diff:
    """Everything that changed."""

    changes: list[Change] = field(default_factory=list)
    """Per-scenario changes."""
    added: list[str] = field(default_factory=list)
    """Scenarios new in this run."""
    removed: list[str] = field(default_factory=list)
    """Scenarios only in the baseline."""

    @property
    def worse(self) -> list[Change]:
        """Return the regressions."""
        return [c for c in self.changes if not c.better]

    @property
    def better(self) -> list[Change]:
        """Return the improvements."""
        return [c for c in self.changes if c.better]


def _median(result: ScenarioResult) -> float | None:
    replies = result.reply_ms()
    return statistics.median(replies) if replies else None


def _compare(old: ScenarioResult, new: ScenarioResult) -> list[Change]:
    changes: list[Change] = []
    name = new.name
    if old.status != new.status and FAILED in (old.status, new.status):
        fixed = new.status == PASSED
        detail = "" if fixed else ": " + "; ".join(f"{f.where(name)}: {f.message}" for f in new.failures[:3])
        changes.append(Change(name, fixed, f"{old.status} -> {new.status}{detail}"))
    elif new.status == FAILED and old.status == FAILED:
        old_msgs = {f.message for f in old.failures}
        for f in new.failures:
            if f.message not in old_msgs:
                changes.append(Change(name, False, f"new failure: {f.where(name)}: {f.message}"))
    old_ms, new_ms = _median(old), _median(new)
    if old_ms is not None and new_ms is not None and abs(new_ms - old_ms) >= LATENCY_CHANGE_MS:
        changes.append(Change(name, new_ms < old_ms, f"median reply latency {old_ms:.0f} -> {new_ms:.0f} ms"))
    old_rate, new_rate = old.error_rate, new.error_rate
    if old_rate is not None and new_rate is not None and abs(new_rate - old_rate) >= ERROR_RATE_CHANGE:
        metric = new.error_metric.upper()
        changes.append(Change(name, new_rate < old_rate, f"{metric} {old_rate:.1%} -> {new_rate:.1%}"))
    if old.outcome and new.outcome and old.outcome != new.outcome and new.status != FAILED:
        changes.append(Change(name, True, f"outcome {old.outcome} -> {new.outcome} (still passing)"))
    return changes


def diff_runs(old: RunResult, new: RunResult) -> Diff:
    """Return what got better and worse from ``old`` to ``new``."""
    before = {r.name: r for r in old.results}
    after = {r.name: r for r in new.results}
    diff = Diff(added=sorted(set(after) - set(before)), removed=sorted(set(before) - set(after)))
    for name, result in after.items():
        if name in before:
            diff.changes += _compare(before[name], result)
    return diff


def format_diff(diff: Diff) -> str:
    """Return the diff as text for the terminal."""
    lines = [f"Compared with the baseline: {len(diff.better)} better, {len(diff.worse)} worse"]
    lines += [f"  WORSE  {c.scenario}: {c.what}" for c in diff.worse]
    lines += [f"  better {c.scenario}: {c.what}" for c in diff.better]
    lines += [f"  new    {name}" for name in diff.added]
    lines += [f"  gone   {name}" for name in diff.removed]
    return "\n".join(lines)
