"""The supervisors' hot-topics page and CSV export (console, session login), and the same CSV for the REST API."""

from __future__ import annotations

from aiohttp import web

from voicebot.errors import TicketError
from voicebot.handoff.guard import require, state
from voicebot.handoff.hot_days import zone
from voicebot.handoff.hot_report import HotReport, build_report
from voicebot.handoff.hot_views import hot_topics_csv, hot_topics_page
from voicebot.i18n import _


async def report(request: web.Request) -> HotReport:
    """Return the report as of now (503 when the database cannot be read)."""
    st = state(request)
    try:
        return await build_report(st.store, st.workorder, st.hot_topics, zone(st.timezone), st.store.now_ms())
    except TicketError as err:
        raise web.HTTPServiceUnavailable(text=_("The ticket database cannot be read now.")) from err


async def csv_response(request: web.Request) -> web.Response:
    """Return the CSV download of the report (UTF-8 with a BOM, named after today)."""
    hot = await report(request)
    name = f"hot-topics-{hot.today.isoformat()}.csv"
    return web.Response(
        body=hot_topics_csv(hot, state(request).workorder).encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


async def hot_topics(request: web.Request) -> web.Response:
    """Show the hot topics: spikes today, tickets by day, category and district, FAQ topics (supervisors only)."""
    agent = await require(request, "supervisor")
    st = state(request)
    html = hot_topics_page(agent, await report(request), st.workorder, st.prefix, st.timezone)
    return web.Response(text=html, content_type="text/html")


async def hot_topics_download(request: web.Request) -> web.Response:
    """Download the hot-topics counts as CSV (supervisors only)."""
    await require(request, "supervisor")
    return await csv_response(request)


def setup_hot_topics(app: web.Application, prefix: str) -> None:
    """Add the console's hot-topics routes under ``prefix``."""
    app.router.add_get(prefix + "/hot-topics", hot_topics)
    app.router.add_get(prefix + "/hot-topics.csv", hot_topics_download)
