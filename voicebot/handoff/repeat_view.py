"""On an opened ticket: the earlier ticket it follows up (重复件) with that ticket's history, and its follow-ups."""

from __future__ import annotations

from html import escape

from voicebot.handoff.ticket import Ticket, spoken_groups
from voicebot.handoff.views import fmt_time, status_badge
from voicebot.i18n import _


def _link(prefix: str, number: str, css_id: str = "") -> str:
    attr = f' id="{css_id}"' if css_id else ""
    return f'<a{attr} href="{prefix}/tickets/{escape(number)}">{spoken_groups(escape(number))}</a>'


def repeat_section(t: Ticket, original: Ticket | None, prefix: str, visible: bool) -> str:
    """Return the 重复件 section (empty when the ticket is no follow-up and has none).

    ``original`` is the ticket ``t`` follows up (``None``: gone); ``visible`` is False when the agent may not open
    it (confidential): the link stays, its history is not shown.
    """
    parts: list[str] = []
    if t.repeat_of:
        parts.append(
            f'<p id="repeat-of">{escape(_("Follow-up (重复件) of ticket"))} {_link(prefix, t.repeat_of, "repeat-link")}'
            + (f" {status_badge(original.status)}" if original is not None and visible else "")
            + "</p>"
        )
        if original is not None and visible:
            rows = "".join(
                f"<li>{fmt_time(h.at_ms)} {status_badge(h.status)} {escape(h.actor)} {escape(h.note)}</li>"
                for h in original.history
            )
            words = escape(str(original.fields.get("description") or ""))
            department = (original.work_order.department if original.work_order else None) or "—"
            parts.append(
                f'<p>{escape(_("Department"))}: {escape(department)}'
                f" · {escape(_('Saved'))}: {fmt_time(original.created_at)}</p>"
                + (f"<p><q>{words}</q></p>" if words else "")
                + f'<ul id="repeat-history">{rows}</ul>'
            )
        elif original is None:
            parts.append(f"<p><em>{escape(_('The earlier ticket is no longer stored.'))}</em></p>")
    if t.repeats:
        links = " ".join(_link(prefix, number) for number in t.repeats)
        parts.append(f'<p id="repeats">{escape(_("Follow-ups (重复件)"))}: {links}</p>')
    if not parts:
        return ""
    return f'<section id="repeat"><h2>{escape(_("Repeat call"))}</h2>{"".join(parts)}</section>'
