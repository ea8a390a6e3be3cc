"""诉求类型 from the caller's framing (GB/T 33358): report, suggestion, assistance, consultation, else None."""

from __future__ import annotations

import pytest
from actions.request_type import request_type


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我要举报楼下有个黑作坊", "report"),
        ("我想提个建议 公交能不能多开几趟", "suggestion"),
        ("求助 我家老人独居 摔了没人管", "assistance"),
        ("请问一下怎么办理居住证", "consultation"),
        ("楼上装修太吵了", None),  # a problem to be handled, no framing: the form takes it as a complaint
        ("i'm calling to report the staff at the tax office, they shouted at me", "report"),
        ("i want to report a broken street light on my road", "report"),
        ("the report card from school is late", None),  # the word, not the framing
        ("i'd like to suggest a crossing by the school", "suggestion"),
    ],
)
def test_request_type_from_framing(text: str, kind: str | None) -> None:
    assert request_type(text) == kind
