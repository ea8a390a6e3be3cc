"""The e2e checker fails on wrong intents and actions, not on entity-only differences."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import run_e2e

FAILED = """\
- story: x
  steps:
  - intent: inform  # predicted: check_ticket_status: 二零二六一一二三零零一
  - action: ticket_status_form
  - intent: file_complaint  # predicted: file_complaint: i want to [file](complaint_category) a complaint
  - action: complaint_form  # predicted: action_repeat
"""


def test_errors_split() -> None:
    hard, soft = run_e2e.errors(FAILED)
    assert hard == ["- intent: inform  # predicted: check_ticket_status: 二零二六一一二三零零一",
                    "- action: complaint_form  # predicted: action_repeat"]
    assert soft == [
        "- intent: file_complaint  # predicted: file_complaint: i want to [file](complaint_category) a complaint"
    ]
    assert run_e2e.errors("# None of the test stories failed - all good!") == ([], [])
