"""The safety classifier on its held-out table (tests/data/safety_heldout.yaml, written before tuning, never tuned
on): measured and reported; the bars are every emergency found and at least 90 % judged right."""

from __future__ import annotations

import pytest

from .safety_tables import rows, score

HELDOUT = rows("safety_heldout")


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_held_out_sentences(lang: str) -> None:
    result = score(HELDOUT, lang)
    print(result.line(lang))
    for wrong in result.wrong:
        print("  wrong:", wrong)
    assert result.total >= 30
    assert result.emergencies_found == result.emergencies, result.wrong
    assert result.right >= 0.9 * result.total, result.wrong
