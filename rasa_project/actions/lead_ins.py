"""Dropping the words a caller says before an answer ("it was", "地址是", "嗯 就是"), longest first, repeatedly."""

from __future__ import annotations

from collections.abc import Iterable


def without_lead_ins(text: str, leads: Iterable[str], separator: str = "") -> str:
    """Return ``text`` with every leading lead-in removed (``separator``: what must follow one, " " in English)."""
    ordered = sorted(leads, key=len, reverse=True)
    out = text
    changed = True
    while changed:
        changed = False
        for lead in ordered:
            head = lead + separator
            if out.startswith(head) and len(out) > len(head):
                out, changed = out[len(head) :], True
    return out
