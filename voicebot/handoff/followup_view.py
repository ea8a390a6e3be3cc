"""The console's 回访 page: the satisfaction calls still to make, next first (no phone numbers shown)."""

from __future__ import annotations

from html import escape

from aiohttp import web

from voicebot import i18n
from voicebot.followup.book import Followup, FollowupBook
from voicebot.handoff.auth import Agent
from voicebot.handoff.guard import require, state
from voicebot.handoff.views import fmt_time, page
from voicebot.i18n import N_, _
from voicebot.workorder.book import WorkOrderBook

STATUS = {"pending": N_("Waiting"), "calling": N_("Calling now")}
"""回访 statuses the page lists."""

RESULT = {
    "busy": N_("Busy"),
    "no-answer": N_("No answer"),
    "declined": N_("Declined"),
    "unavailable": N_("Not reachable"),
}
"""Why the last attempt failed (the next one is scheduled)."""


def _category(book: WorkOrderBook, code: str | None) -> str:
    if not code:
        return ""
    category = book.taxonomy.category(code)
    return category.label.of(i18n.current()) if category else code


def followup_rows(rows: list[Followup], prefix: str, book: WorkOrderBook) -> str:
    """Return the table rows of the pending 回访."""
    out = []
    for row in rows:
        result = _(RESULT[row.result]) if row.result in RESULT else ""
        out.append(
            f'<tr id="followup-{escape(row.number)}" data-status="{escape(row.status)}">'
            f'<td><a href="{prefix}/tickets/{escape(row.number)}">{escape(row.number)}</a></td>'
            f"<td>{escape(_category(book, row.category))}</td>"
            f'<td><span class="badge">{escape(_(STATUS.get(row.status, row.status)))}</span></td>'
            f"<td>{row.attempts}</td><td>{escape(fmt_time(row.next_at))}</td><td>{escape(result)}</td></tr>"
        )
    return "".join(out)


def followups_html(agent: Agent, rows: list[Followup], prefix: str, book: WorkOrderBook) -> str:
    """Return the page."""
    heads = (_("Ticket"), _("Category"), _("Status"), _("Attempts"), _("Next attempt"), _("Last result"))
    if rows:
        table = (
            '<table id="followups"><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in heads)
            + f"</tr></thead><tbody>{followup_rows(rows, prefix, book)}</tbody></table>"
        )
    else:
        table = f'<p id="followups-empty">{escape(_("No follow-up calls are pending."))}</p>'
    body = f'<h1>{escape(_("Pending follow-up calls"))}</h1><section>{table}</section>'
    return page(_("Follow-up calls"), body, agent, prefix, prefix + "/followups")


async def followups_page(request: web.Request) -> web.Response:
    """Show the pending 回访 to any logged-in agent."""
    agent = await require(request)
    st = state(request)
    rows = await FollowupBook(st.store).pending()
    return web.Response(text=followups_html(agent, rows, st.prefix, st.workorder), content_type="text/html")
