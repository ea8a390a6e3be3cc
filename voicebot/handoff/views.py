"""Server-rendered console HTML (escaped everywhere; personal data masked outside an opened ticket).

Every visible string goes through ``voicebot.i18n`` (the agent's language); codes are shown in words
(``voicebot.handoff.labels``). The one script is a static file (``static/console.js``: the live queue and the
waiting counters); the one inline style is allowed by its hash.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from voicebot import i18n
from voicebot.handoff import labels
from voicebot.handoff.auth import Agent
from voicebot.handoff.queue import QueueStats
from voicebot.handoff.satisfaction_stats import SatisfactionToday
from voicebot.handoff.ticket import Ticket, spoken_groups
from voicebot.handoff.workorder_views import work_order_cell
from voicebot.i18n import _
from voicebot.runtime.redact import mask
from voicebot.webguard.headers import csp_hash
from voicebot.workorder.book import WorkOrderBook

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f4f6f8}
body{color:#1d2733}.cols{display:grid;grid-template-columns:3fr 2fr;gap:1em;align-items:start}
header{background:#123e6b;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:center}
header a,header button{color:#fff;background:none;border:none;font:inherit;cursor:pointer;text-decoration:underline}
header button[aria-pressed=true]{text-decoration:none;font-weight:bold}header .lang{margin-left:auto}
main{padding:1em 1.2em}table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.45em .6em;border-bottom:1px solid #dde3ea;text-align:left;vertical-align:top}
th{background:#e9eef4}.badge{padding:.1em .5em;border-radius:.8em;font-size:.85em;background:#dde3ea;white-space:nowrap}
.queued{background:#ffe08a}.claimed{background:#a8d5ff}.resolved{background:#b7e4b7}.callback_due{background:#f6b3b3}
.conf{background:#6b1237;color:#fff}section{background:#fff;padding:.8em 1em;margin:0 0 1em;border-radius:6px}
.transcript .bot{color:#123e6b}.transcript .caller{color:#6b3a12}form.inline{display:inline}
.stats{display:flex;gap:1em}.stat{background:#fff;padding:.8em 1.2em;border-radius:6px;min-width:9em}
.stat b{display:block;font-size:1.8em}.err{color:#a00}#live{font-size:.85em;opacity:.8}
dl.fields{display:grid;grid-template-columns:repeat(3,max-content 1fr);gap:.3em 1em;margin:0}
dl.fields dt{color:#55606c}dl.fields dd{margin:0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(34em,1fr));gap:1em}.chart{max-width:100%;height:auto}
figure{margin:0}.wide{grid-column:1/-1}figcaption{font-weight:bold;margin:0 0 .4em}.spike td{background:#fde7e7}
.note{color:#55606c}
.flag::before{content:"!";display:inline-block;width:1.2em;text-align:center;border-radius:50%;background:#a00;
color:#fff;font-weight:bold;margin-right:.3em}
"""

CSP_SOURCES = {"style-src": (csp_hash(_STYLE),)}
"""Content-Security-Policy sources of the pages' only inline style (scripts come from ``static/`` only)."""


def fmt_time(ms: int | None) -> str:
    """Return epoch ms as local ``YYYY-MM-DD HH:MM:SS`` (empty for ``None``)."""
    return "" if not ms else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def fmt_wait(seconds: int) -> str:
    """Return a short human duration in the page language (``static/console.js`` counts on with the same words)."""
    if seconds >= 60:
        return _("{m} min {s} s").format(m=seconds // 60, s=f"{seconds % 60:02d}")
    return _("{s} s").format(s=seconds)


def wait_formats() -> str:
    """Return the data attributes telling ``console.js`` how to write a waiting time."""
    return f'data-wait-long="{escape(_("{m} min {s} s"))}" data-wait-short="{escape(_("{s} s"))}"'


def _language_switch(prefix: str, path: str) -> str:
    buttons = "".join(
        f'<button name="lang" value="{tag}" id="lang-{tag}" lang="{tag}" '
        f'aria-pressed="{"true" if tag == i18n.current() else "false"}">{escape(name)}</button>'
        for tag, name in i18n.LANGUAGES.items()
    )
    return (
        f'<form class="inline lang" method="post" action="{prefix}/language" aria-label="{escape(_("Language"))}">'
        f'<input type="hidden" name="next" value="{escape(path)}">{buttons}</form>'
    )


def page(title: str, body: str, agent: Agent | None, prefix: str, path: str = "") -> str:
    """Wrap a page body in the console layout (``path``: where the language switch comes back to)."""
    if agent is not None:
        sup = (
            f'<a href="{prefix}/supervisor">{escape(_("Supervisor"))}</a>'
            f'<a href="{prefix}/hot-topics" id="nav-hot-topics">{escape(_("Hot topics"))}</a>'
            f'<a href="{prefix}/knowledge" id="nav-knowledge">{escape(_("Knowledge base"))}</a>'
        ) if agent.is_supervisor else ""
        nav = (
            f'<a href="{prefix}/">{escape(_("Queue"))}</a>'
            f'<a href="{prefix}/followups" id="nav-followups">{escape(_("Follow-up calls"))}</a>{sup}'
            f"<span>{escape(agent.username)} ({escape(labels.word(labels.ROLE, agent.role))})</span>"
            f"{_language_switch(prefix, path or prefix + '/')}"
            f'<form class="inline" method="post" action="{prefix}/logout"><button id="logout">'
            f"{escape(_('Log out'))}</button></form>"
        )
    else:
        nav = '<span class="lang">' + " ".join(
            f'<a href="{prefix}/login?lang={tag}" id="lang-{tag}" lang="{tag}">{escape(name)}</a>'
            for tag, name in i18n.LANGUAGES.items()
        ) + "</span>"
    return (
        f'<!doctype html><html lang="{i18n.current()}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · {escape(_('12345 console'))}</title>"
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body><header><strong>{escape(_('12345 hotline · agent console'))}</strong>{nav}</header>"
        f"<main>{body}</main></body></html>"
    )


def login_page(prefix: str, error: str = "", next_url: str = "") -> str:
    """Return the login form (``error`` already in the page language)."""
    err = f'<p class="err" id="login-error">{escape(error)}</p>' if error else ""
    body = (
        f'<section><h1>{escape(_("Log in"))}</h1>{err}<form method="post" action="{prefix}/login">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        f'<input type="hidden" name="lang" value="{i18n.current()}">'
        f'<p><label>{escape(_("User"))} <input name="username" id="username" autocomplete="username" required>'
        f'</label></p><p><label>{escape(_("Password"))} <input name="password" id="password" type="password" '
        f'autocomplete="current-password" required></label></p><p><button id="login" type="submit">'
        f"{escape(_('Log in'))}</button></p></form></section>"
    )
    return page(_("Log in"), body, None, prefix)


def status_badge(status: str, element_id: str = "") -> str:
    """Return a ticket status in words (``data-status`` keeps the code for scripts and tests)."""
    ident = f' id="{element_id}"' if element_id else ""
    return (
        f'<span class="badge {escape(status)}"{ident} data-status="{escape(status)}">'
        f"{escape(labels.word(labels.STATUS, status))}</span>"
    )


def confidential_badge(t: Ticket) -> str:
    """Return the confidential marker of a ticket (empty if it is not)."""
    return f' <span class="badge conf">{escape(_("Confidential"))}</span>' if t.confidential else ""


def queue_rows(tickets: list[Ticket], prefix: str, now_ms: int, book: WorkOrderBook) -> str:
    """Return the queue table rows (phone and ID numbers masked; the work order's urgency and department)."""
    rows = []
    for t in tickets:
        order = work_order_cell(book, t)
        waited = since = ""
        if t.status == "queued" and t.queued_at:
            waited, since = fmt_wait(max(0, (now_ms - t.queued_at) // 1000)), f' data-since="{t.queued_at}"'
        summary = mask(str(t.fields.get("description") or t.handoff_reason or t.intent or ""))[:80]
        rows.append(
            f'<tr data-number="{t.number}"><td><a href="{prefix}/tickets/{t.number}">{spoken_groups(t.number)}</a>'
            f"{confidential_badge(t)}</td><td>{status_badge(t.status)}</td>"
            f'<td class="wait"{since}>{escape(waited)}</td>'
            f"<td>{escape(mask(t.calling_number))}</td><td>{escape(labels.word(labels.CALL_LANGUAGE, t.language))}</td>"
            f"<td>{escape(labels.word(labels.KIND, t.kind))}</td>"
            f"<td>{escape(summary)}</td><td>{order}</td><td>{escape(t.claimed_by or '')}</td>"
            f"<td>{fmt_time(t.created_at)}</td></tr>"
        )
    return "".join(rows) or f'<tr><td colspan="10">{escape(_("No open tickets."))}</td></tr>'


def longest_since(stats: QueueStats) -> str:
    """Return when the longest-waiting caller started waiting (epoch ms; empty when nobody waits)."""
    return "" if stats.oldest_queued_at is None else str(stats.oldest_queued_at)


def queue_page(agent: Agent, rows_html: str, stats: QueueStats, prefix: str, open_now: bool, now_ms: int) -> str:
    """Return the live queue page."""
    closed = _("Outside agents' hours: callers are offered a callback.")
    hours = "" if open_now else f"<p><em>{escape(closed)}</em></p>"
    heads = (_("Ticket"), _("Status"), _("Waiting"), _("Caller"), _("Language"), _("Kind"), _("Summary"),
             _("Work order (urgency, department)"), _("Agent"), _("Created"))  # fmt: skip
    live = (
        f'<span id="live" data-ws="{escape(prefix)}/ws" data-open="{escape(_("live"))}" '
        f'data-closed="{escape(_("reconnecting..."))}">{escape(_("connecting..."))}</span>'
    )
    body = (
        f'<div class="stats" {wait_formats()} id="queue-stats">'
        f'<div class="stat">{escape(_("Waiting"))}<b id="stat-queue_length">{stats.queue_length}</b></div>'
        f'<div class="stat">{escape(_("Longest wait"))}<b id="stat-longest_wait" '
        f'data-since="{longest_since(stats)}">{fmt_wait(stats.longest_wait_s)}</b></div>'
        f'<div class="stat">{escape(_("Callbacks due"))}<b id="stat-callbacks_due">{stats.callbacks_due}</b></div>'
        f'<div class="stat">{live}<form method="post" action="{prefix}/claim-next"><button id="claim-next">'
        f"{escape(_('Take next caller'))}</button></form>"
        f"</div></div>{hours}<h2>{escape(_('Open tickets'))}</h2>"
        f"<table><thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in heads)}</tr></thead>"
        f'<tbody id="queue-body" data-now="{now_ms}">{rows_html}</tbody></table>'
        f'<script src="{escape(prefix)}/static/console.js"></script>'
    )
    return page(_("Queue"), body, agent, prefix, prefix + "/")


def satisfaction_cell(rated: SatisfactionToday) -> str:
    """Return today's satisfaction rate as HTML (``83% (5/6)``; a dash titled "no ratings yet" when nobody rated)."""
    if rated.rate is None:
        return f'<span title="{escape(_("No ratings yet today"))}">—</span>'
    return escape(_("{rate}% ({satisfied}/{rated})").format(
        rate=round(rated.rate * 100), satisfied=rated.satisfied, rated=rated.rated))


def supervisor_page(agent: Agent, stats: QueueStats, prefix: str, rated: SatisfactionToday) -> str:
    """Return the supervisor statistics (``rated``: today's satisfaction ratings)."""
    cells = [
        ("queue_length", _("Waiting now"), str(stats.queue_length)),
        ("longest_wait", _("Longest wait"), fmt_wait(stats.longest_wait_s)),
        ("callbacks_due", _("Callbacks due"), str(stats.callbacks_due)),
        ("bot_today", _("Handled by the bot today"), str(stats.bot_today)),
        ("human_today", _("Handled by humans today"), str(stats.human_today)),
        ("avg_handle", _("Average handling"), fmt_wait(int(stats.avg_handle_s))),
        ("satisfaction_today", _("Satisfied today"), satisfaction_cell(rated)),
    ]
    body = f'<h1>{escape(_("Supervisor"))}</h1><div class="stats">' + "".join(
        f'<div class="stat">{escape(label)}<b id="sup-{key}">{value}</b></div>' for key, label, value in cells
    )
    return page(_("Supervisor"), body + "</div>", agent, prefix, prefix + "/supervisor")
