"""The dialogue report as text, as JSON (a later run's baseline), and what changed against a baseline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicebot.errors import VoicebotError
from voicebot.qa.dialogue_metrics import Figures, Ratio, Verdict

REPORT_KIND = "voicebot-dialogue-report"
"""Marks a JSON file as a dialogue report."""
WORST_SHOWN = 8
"""Dialogues listed per language and split under the table."""


class DialogueReportError(VoicebotError):
    """A dialogue report (baseline) file cannot be read."""


def _ratio(r: Ratio) -> dict[str, Any]:
    return {"hits": r.hits, "total": r.total, "value": r.value}


def figures_dict(f: Figures) -> dict[str, Any]:
    """Return one language/split's figures as JSON."""
    return {
        "lang": f.lang, "split": f.split, "dialogues": f.dialogues, "all_fields_right": _ratio(f.all_fields_right),
        "fields": {k: _ratio(v) for k, v in f.fields.items()}, "completion": _ratio(f.completion),
        "turns_per_complaint": f.turns_per_complaint, "emergency_precision": _ratio(f.emergency_precision),
        "emergency_recall": _ratio(f.emergency_recall), "misunderstandings": f.misunderstandings,
        "gibberish_accepted": _ratio(f.gibberish_accepted), "outcome": _ratio(f.outcome), "errors": f.errors,
        "failing": list(f.failing),
    }  # fmt: skip


def verdict_dict(v: Verdict) -> dict[str, Any]:
    """Return one dialogue's verdict as JSON."""
    return {
        "id": v.id, "lang": v.lang, "split": v.split, "expected_outcome": v.expected_outcome, "outcome": v.outcome,
        "ticket_kind": v.ticket_kind, "fields": {c.field: c.ok for c in v.checks}, "turns": v.turns,
        "turns_to_ticket": v.turns_to_ticket, "emergency_expected": v.emergency_expected,
        "emergency_given": list(v.emergency_given), "misunderstandings": v.misunderstandings,
        "gibberish_accepted": list(v.gibberish_accepted), "error": v.error,
        "failures": [{"what": w, "expected": e, "got": g} for w, e, g in v.failures()],
        # Transcripts of the development part only: the held-out part is looked at through its figures.
        "transcript": list(v.transcript) if v.split == "dev" else [],
    }  # fmt: skip


def report_dict(figures: Sequence[Figures], verdicts: Sequence[Verdict], problems: Sequence[str]) -> dict[str, Any]:
    """Return the whole report as JSON."""
    return {
        "kind": REPORT_KIND,
        "figures": [figures_dict(f) for f in figures],
        "dialogues": [verdict_dict(v) for v in verdicts],
        "below_bars": list(problems),
    }


def write_report(data: dict[str, Any], path: Path) -> None:
    """Write the report JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def read_report(path: Path) -> dict[str, Any]:
    """Read a report written by ``write_report``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise DialogueReportError("dialogue-baseline-missing", f"{path}: no such baseline file") from err
    except ValueError as err:
        raise DialogueReportError("dialogue-baseline-invalid", f"{path}: not JSON: {err}") from err
    if not isinstance(data, dict) or data.get("kind") != REPORT_KIND:
        raise DialogueReportError("dialogue-baseline-invalid", f"{path}: not a dialogue report JSON file")
    return data


def _pct(r: Ratio) -> str:
    return "-" if r.value is None else f"{100 * r.value:.1f}"


def format_table(figures: Sequence[Figures]) -> str:
    """Return the figures as a table: one column per language and split."""
    heads = [f"{f.lang} {f.split}" for f in figures]
    fields = list(dict.fromkeys(name for f in figures for name in f.fields))
    rows: list[tuple[str, list[str]]] = [
        ("dialogues", [str(f.dialogues) for f in figures]),
        ("complaints, every field right %", [_pct(f.all_fields_right) for f in figures]),
        *[(f"  field {n} %", [_pct(f.fields[n]) if n in f.fields else "-" for f in figures]) for n in fields],
        ("completion %", [_pct(f.completion) for f in figures]),
        ("turns per completed complaint", [f"{f.turns_per_complaint:.1f}" if f.turns_per_complaint else "-"
                                           for f in figures]),  # fmt: skip
        ("emergency precision %", [_pct(f.emergency_precision) for f in figures]),
        ("emergency recall %", [_pct(f.emergency_recall) for f in figures]),
        ("misunderstandings", [str(f.misunderstandings) for f in figures]),
        ("gibberish taken as yes", [f"{f.gibberish_accepted.hits}/{f.gibberish_accepted.total}" for f in figures]),
        ("outcome as expected %", [_pct(f.outcome) for f in figures]),
        ("calls that could not run", [str(f.errors) for f in figures]),
    ]
    width = max(len(name) for name, _ in rows)
    cols = [max(len(h), *(len(r[1][i]) for r in rows)) for i, h in enumerate(heads)]
    lines = [" " * width + "  " + "  ".join(h.rjust(c) for h, c in zip(heads, cols, strict=True))]
    lines += [name.ljust(width) + "  " + "  ".join(v.rjust(c) for v, c in zip(vals, cols, strict=True))
              for name, vals in rows]  # fmt: skip
    return "\n".join(lines)


def format_failures(verdicts: Sequence[Verdict], verbose: bool, worst: int = WORST_SHOWN) -> str:
    """Return the failing dialogues: all with every failure when ``verbose``, else the worst few per group."""
    failing = sorted((v for v in verdicts if v.failures()), key=lambda v: (v.lang, v.split, -len(v.failures()), v.id))
    if not verbose:
        shown: dict[tuple[str, str], int] = {}
        kept = []
        for v in failing:
            key = (v.lang, v.split)
            shown[key] = shown.get(key, 0) + 1
            if shown[key] <= worst:
                kept.append(v)
        failing = kept
    lines = []
    for v in failing:
        lines.append(f"{v.id} ({v.lang} {v.split}): outcome {v.outcome}, {v.turns} caller turns")
        for what, expected, got in v.failures() if verbose else v.failures()[:4]:
            lines.append(f"    {what}: expected {expected!r}, got {got!r}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Change:
    """One figure or dialogue that moved."""

    where: str
    """``zh-CN heldout`` or a dialogue id."""
    what: str
    """The change in words."""
    better: bool
    """True for an improvement."""


def _scalars(f: dict[str, Any]) -> dict[str, tuple[float | None, bool]]:
    """Return figure name -> (value, higher is better)."""
    out: dict[str, tuple[float | None, bool]] = {
        "every field right": (f["all_fields_right"]["value"], True), "completion": (f["completion"]["value"], True),
        "emergency precision": (f["emergency_precision"]["value"], True),
        "emergency recall": (f["emergency_recall"]["value"], True), "outcome": (f["outcome"]["value"], True),
        "turns per complaint": (f["turns_per_complaint"], False),
        "misunderstandings": (float(f["misunderstandings"]), False),
        "gibberish taken as yes": (float(f["gibberish_accepted"]["hits"]), False),
    }  # fmt: skip
    out.update({f"field {k}": (v["value"], True) for k, v in f["fields"].items()})
    return out


def _show(name: str, value: float) -> str:
    return f"{value:g}" if name in ("turns per complaint", "misunderstandings", "gibberish taken as yes") else (
        f"{100 * value:.1f}%"
    )


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Return what got better or worse, per figure and per dialogue."""
    changes: list[Change] = []
    before = {(f["lang"], f["split"]): f for f in old.get("figures", [])}
    for f in new.get("figures", []):
        was = before.get((f["lang"], f["split"]))
        if was is None:
            continue
        old_values = _scalars(was)
        for name, (value, higher) in _scalars(f).items():
            prior = old_values.get(name, (None, higher))[0]
            if value is None or prior is None or abs(value - prior) < 1e-9:
                continue
            changes.append(Change(f"{f['lang']} {f['split']}", f"{name} {_show(name, prior)} -> {_show(name, value)}",
                                  (value > prior) == higher))  # fmt: skip
    old_dialogues = {d["id"]: d for d in old.get("dialogues", [])}
    for d in new.get("dialogues", []):
        was = old_dialogues.get(d["id"])
        if was is None:
            continue
        then = {x["what"] for x in was.get("failures", [])}
        now = {x["what"] for x in d.get("failures", [])}
        changes += [Change(d["id"], f"{w} now right", True) for w in sorted(then - now)]
        changes += [Change(d["id"], f"{w} now wrong", False) for w in sorted(now - then)]
    return changes


def format_diff(changes: Sequence[Change]) -> str:
    """Return the changes, better first."""
    if not changes:
        return "compared with the baseline: no change"
    better = [c for c in changes if c.better]
    worse = [c for c in changes if not c.better]
    lines = [f"compared with the baseline: {len(better)} better, {len(worse)} worse"]
    lines += [f"  better  {c.where}: {c.what}" for c in better]
    lines += [f"  WORSE   {c.where}: {c.what}" for c in worse]
    return "\n".join(lines)
