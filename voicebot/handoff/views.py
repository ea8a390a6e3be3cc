"""Server-rendered console HTML (escaped everywhere; personal data masked outside an opened ticket)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from voicebot.handoff.auth import Agent
from voicebot.handoff.queue import QueueStats
from voicebot.handoff.ticket import Ticket, spoken_groups
from voicebot.handoff.workorder_views import FORM, changes_section, work_order_cell, work_order_section
from voicebot.runtime.redact import mask
from voicebot.webguard.headers import csp_hash
from voicebot.workorder.book import WorkOrderBook

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f4f6f8}
body{color:#1d2733}.cols{display:grid;grid-template-columns:3fr 2fr;gap:1em;align-items:start}
header{background:#123e6b;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:center}
header a,header button{color:#fff;background:none;border:none;font:inherit;cursor:pointer;text-decoration:underline}
main{padding:1em 1.2em}table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.45em .6em;border-bottom:1px solid #dde3ea;text-align:left;vertical-align:top}
th{background:#e9eef4}.badge{padding:.1em .5em;border-radius:.8em;font-size:.85em;background:#dde3ea}
.queued{background:#ffe08a}.claimed{background:#a8d5ff}.resolved{background:#b7e4b7}.callback_due{background:#f6b3b3}
.conf{background:#6b1237;color:#fff}section{background:#fff;padding:.8em 1em;margin:0 0 1em;border-radius:6px}
.transcript .bot{color:#123e6b}.transcript .caller{color:#6b3a12}form.inline{display:inline}
.stats{display:flex;gap:1em}.stat{background:#fff;padding:.8em 1.2em;border-radius:6px;min-width:9em}
.stat b{display:block;font-size:1.8em}.err{color:#a00}#live{font-size:.85em;opacity:.8}
"""

_LIVE_JS = """
(function(){
  const live=document.getElementById('live');
  function connect(){
    const ws=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+live.dataset.ws);
    ws.onopen=()=>{live.textContent='live';live.dataset.state='open';};
    ws.onmessage=(ev)=>{const m=JSON.parse(ev.data);
      if(m.type==='queue'){document.getElementById('queue-body').innerHTML=m.rows;
        for(const k in m.stats){const el=document.getElementById('stat-'+k);if(el)el.textContent=m.stats[k];}}};
    ws.onclose=()=>{live.textContent='reconnecting...';live.dataset.state='closed';setTimeout(connect,1500);};
  }
  connect();
})();
"""


CSP_SOURCES = {
    "script-src": (csp_hash(_LIVE_JS),),
    "style-src": (csp_hash(_STYLE),),
}
"""Content-Security-Policy sources of the pages' only inline script and style (nothing else inline runs)."""


def fmt_time(ms: int | None) -> str:
    """Return epoch ms as local ``YYYY-MM-DD HH:MM:SS`` (empty for ``None``)."""
    return "" if not ms else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def fmt_wait(seconds: int) -> str:
    """Return a short human duration."""
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def page(title: str, body: str, agent: Agent | None, prefix: str) -> str:
    """Wrap a page body in the console layout."""
    nav = ""
    if agent is not None:
        sup = f'<a href="{prefix}/supervisor">Supervisor</a>' if agent.is_supervisor else ""
        nav = (
            f'<a href="{prefix}/">Queue</a>{sup}<span>{escape(agent.username)} ({escape(agent.role)})</span>'
            f'<form class="inline" method="post" action="{prefix}/logout"><button id="logout">Log out</button></form>'
        )
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)} · 12345 console</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body><header><strong>12345 hotline · agent console</strong>{nav}</header><main>{body}</main></body></html>"
    )


def login_page(prefix: str, error: str = "", next_url: str = "") -> str:
    """Return the login form."""
    err = f'<p class="err" id="login-error">{escape(error)}</p>' if error else ""
    body = (
        f'<section><h1>Log in</h1>{err}<form method="post" action="{prefix}/login">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        '<p><label>User <input name="username" id="username" autocomplete="username" required></label></p>'
        '<p><label>Password <input name="password" id="password" type="password" autocomplete="current-password" '
        'required></label></p><p><button id="login" type="submit">Log in</button></p></form></section>'
    )
    return page("Log in", body, None, prefix)


def queue_rows(tickets: list[Ticket], prefix: str, now_ms: int, book: WorkOrderBook) -> str:
    """Return the queue table rows (phone and ID numbers masked; the work order's urgency and department)."""
    rows = []
    for t in tickets:
        order = work_order_cell(book, t)
        waited = fmt_wait(max(0, (now_ms - t.queued_at) // 1000)) if t.status == "queued" and t.queued_at else ""
        summary = mask(str(t.fields.get("description") or t.handoff_reason or t.intent or ""))[:80]
        conf = ' <span class="badge conf">confidential</span>' if t.confidential else ""
        rows.append(
            f'<tr data-number="{t.number}"><td><a href="{prefix}/tickets/{t.number}">{spoken_groups(t.number)}</a>'
            f'{conf}</td><td><span class="badge {t.status}">{t.status}</span></td><td>{escape(waited)}</td>'
            f"<td>{escape(mask(t.calling_number))}</td><td>{escape(t.language)}</td><td>{escape(t.kind)}</td>"
            f"<td>{escape(summary)}</td><td>{order}</td><td>{escape(t.claimed_by or '')}</td>"
            f"<td>{fmt_time(t.created_at)}</td></tr>"
        )
    return "".join(rows) or '<tr><td colspan="10">No open tickets.</td></tr>'


def queue_page(agent: Agent, rows_html: str, stats: QueueStats, prefix: str, open_now: bool) -> str:
    """Return the live queue page."""
    hours = "" if open_now else "<p><em>Outside agents' hours: callers are offered a callback.</em></p>"
    body = (
        f'<div class="stats"><div class="stat">Waiting<b id="stat-queue_length">{stats.queue_length}</b></div>'
        f'<div class="stat">Longest wait<b id="stat-longest_wait">{fmt_wait(stats.longest_wait_s)}</b></div>'
        f'<div class="stat">Callbacks due<b id="stat-callbacks_due">{stats.callbacks_due}</b></div>'
        f'<div class="stat"><span id="live" data-ws="{escape(prefix)}/ws">connecting...</span>'
        f'<form method="post" action="{prefix}/claim-next"><button id="claim-next">Take next caller</button></form>'
        f"</div></div>{hours}<h2>Open tickets</h2>"
        "<table><thead><tr><th>Ticket</th><th>Status</th><th>Waiting</th><th>Caller</th><th>Lang</th><th>Kind</th>"
        "<th>Summary</th><th>工单 (urgency, department)</th><th>Agent</th><th>Created</th></tr></thead>"
        f'<tbody id="queue-body">{rows_html}</tbody></table>'
        f"<script>{_LIVE_JS}</script>"
    )
    return page("Queue", body, agent, prefix)


def _field_rows(fields: dict[str, Any]) -> str:
    return "".join(
        f'<p><label>{escape(k)} <input name="field_{escape(k)}" value="{escape(str(v))}" size="40"></label></p>'
        for k, v in fields.items()
        if not isinstance(v, (dict, list))
    )


def ticket_page(agent: Agent, t: Ticket, prefix: str, book: WorkOrderBook, flash: str = "") -> str:
    """Return an opened ticket: full personal data, transcript, recording, actions."""
    base = f"{prefix}/tickets/{t.number}"
    transcript = "".join(
        f'<li class="{escape(line.speaker)}"><code>{line.at_ms / 1000:7.1f}s</code> <b>{escape(line.speaker)}</b>: '
        f"{escape(line.text)}</li>"
        for line in t.transcript
    ) or ("<li><em>Deleted by the retention policy.</em></li>" if t.purged_at else "<li><em>Empty.</em></li>")
    history = "".join(
        f"<li>{fmt_time(h.at_ms)} <b>{escape(h.status)}</b> by {escape(h.actor)} {escape(h.note)}</li>"
        for h in t.history
    )
    audio = (
        f'<audio id="recording" controls preload="none" src="{base}/recording"></audio>'
        if t.recording_ref
        else "<em>No recording.</em>"
    )
    actions = []
    if t.status in ("new", "queued", "callback_due"):
        actions.append(
            f'<form class="inline" method="post" action="{base}/claim"><button id="claim">Claim</button></form>'
        )
    if t.status != "resolved":
        actions.append(
            f'<form class="inline" method="post" action="{base}/resolve"><input name="note" id="resolve-note" '
            'placeholder="resolution"><button id="resolve">Resolve</button></form>'
            f'<form class="inline" method="post" action="{base}/callback"><input name="callback_number" '
            f'value="{escape(t.callback_number or t.calling_number)}">'
            '<button id="callback">Call back later</button></form>'
        )
    conf = ' <span class="badge conf">confidential</span>' if t.confidential else ""
    flash_html = f'<p class="err" id="flash">{escape(flash)}</p>' if flash else ""
    body = (
        f'{flash_html}<section><h1>Ticket <span id="ticket-number">{spoken_groups(t.number)}</span> '
        f'<span class="badge {t.status}" id="ticket-status">{t.status}</span>{conf}</h1>'
        f"<p>{' '.join(actions)}</p>"
        f"<p>Caller <b>{escape(t.calling_number)}</b> · called {escape(t.called_number)} · {escape(t.language)} · "
        f"{escape(t.channel)} · call {escape(t.call_id)}</p><p>Kind {escape(t.kind)} · intent {escape(t.intent or '')}"
        f" · handoff reason: {escape(t.handoff_reason or '')} · FAQ topics: {escape(', '.join(t.faq_topics))}</p>"
        f"<p>Started {fmt_time(t.started_at)} · saved {fmt_time(t.created_at)} · claimed by "
        f"{escape(t.claimed_by or '-')} · callback number {escape(t.callback_number or '-')}</p></section>"
        f'<div class="cols"><div><section><h2>Transcript</h2><ul class="transcript">{transcript}</ul></section>'
        f"<section><h2>Recording</h2>{audio}</section></div><div>"
        f"{work_order_section(book, t)}{changes_section(book, t)}"
        f'<section><h2>Complaint</h2><form method="post" action="{base}/edit" id="{FORM}">{_field_rows(t.fields)}'
        f'<p><label>Notes<br><textarea name="notes" id="notes" rows="3" cols="50">{escape(t.notes)}</textarea>'
        '</label></p><button id="save">Save</button></form></section>'
        f"<section><h2>History</h2><ul>{history}</ul></section></div></div>"
    )
    return page(f"Ticket {t.number}", body, agent, prefix)


def supervisor_page(agent: Agent, stats: QueueStats, prefix: str) -> str:
    """Return the supervisor statistics."""
    cells = [
        ("queue_length", "Waiting now", str(stats.queue_length)),
        ("longest_wait", "Longest wait", fmt_wait(stats.longest_wait_s)),
        ("callbacks_due", "Callbacks due", str(stats.callbacks_due)),
        ("bot_today", "Handled by the bot today", str(stats.bot_today)),
        ("human_today", "Handled by humans today", str(stats.human_today)),
        ("avg_handle", "Average handling", fmt_wait(int(stats.avg_handle_s))),
    ]
    body = '<h1>Supervisor</h1><div class="stats">' + "".join(
        f'<div class="stat">{label}<b id="sup-{key}">{value}</b></div>' for key, label, value in cells
    )
    return page("Supervisor", body + "</div>", agent, prefix)
