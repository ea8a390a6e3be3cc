"""JUnit XML for CI: one testcase per scenario, failure messages naming the scenario and turn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from voicebot.qa.results import FAILED, SKIPPED, RunResult


def junit_xml(run: RunResult) -> str:
    """Return the run as a JUnit XML document."""
    suite = ET.Element(
        "testsuite",
        name=f"voicebot-replay-{run.asr}",
        tests=str(len(run.results)),
        failures=str(run.count(FAILED)),
        skipped=str(run.count(SKIPPED)),
        errors="0",
        time=f"{run.wall_s:.3f}",
        timestamp=run.started_at,
    )
    for result in run.results:
        case = ET.SubElement(
            suite, "testcase", classname=f"replay.{result.language}", name=result.name, time=f"{result.wall_s:.3f}"
        )
        if result.status == FAILED:
            first = result.failures[0] if result.failures else None
            message = f"{first.where(result.name)}: {first.message}" if first else f"{result.name} failed"
            body = "\n".join(f"{f.where(result.name)}: [{f.check}] {f.message}" for f in result.failures)
            failure = ET.SubElement(case, "failure", message=message, type="expectation")
            failure.text = body
        elif result.status == SKIPPED:
            ET.SubElement(case, "skipped", message=result.skip_reason)
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(
            f"turn {t.index}: {t.label} | heard: {t.heard} | bot: {' / '.join(t.bot_said)}" for t in result.turns
        )
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def write_junit(run: RunResult, path: Path) -> None:
    """Write the JUnit XML file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(run), encoding="utf-8")
