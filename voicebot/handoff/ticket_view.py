"""An opened ticket's page: full personal data, transcript, recording, the complaint form, actions, history."""

from __future__ import annotations

from html import escape
from typing import Any

from voicebot.handoff import labels
from voicebot.handoff.auth import Agent
from voicebot.handoff.repeat_view import repeat_section
from voicebot.handoff.ticket import Ticket, spoken_groups
from voicebot.handoff.views import confidential_badge, fmt_time, page, status_badge
from voicebot.handoff.workorder_views import FORM, changes_section, work_order_section
from voicebot.i18n import _
from voicebot.workorder.book import WorkOrderBook


def _field_control(book: WorkOrderBook, key: str, value: Any) -> str:
    name = f"field_{escape(key)}"
    options = labels.choices(book, key)
    if options is None:
        return f'<input name="{name}" id="{name}" value="{escape(str(value))}" size="40">'
    current = ("true" if labels.yes_no(value) == _("Yes") else "false") if key in labels.YES_NO_FIELDS else str(value)
    if current not in {code for code, _words in options}:
        options = [(current, current), *options]  # a value the lists do not know stays choosable as it is
    opts = "".join(
        f'<option value="{escape(code)}"{" selected" if code == current else ""}>{escape(words)}</option>'
        for code, words in options
    )
    return f'<select name="{name}" id="{name}">{opts}</select>'


def _field_rows(book: WorkOrderBook, fields: dict[str, Any]) -> str:
    return "".join(
        f'<p><label data-field="{escape(k)}">{escape(labels.field_label(k))}<br>'
        f"{_field_control(book, k, v)}</label></p>"
        for k, v in fields.items()
        if not isinstance(v, (dict, list))
    )


def _actor(name: str) -> str:
    return _("Bot") if name == "bot" else name


def _actions(t: Ticket, base: str) -> str:
    actions = []
    if t.status in ("new", "queued", "callback_due"):
        actions.append(
            f'<form class="inline" method="post" action="{base}/claim"><button id="claim">{escape(_("Claim"))}'
            "</button></form>"
        )
    if t.status != "resolved":
        actions.append(
            f'<form class="inline" method="post" action="{base}/resolve"><input name="note" id="resolve-note" '
            f'placeholder="{escape(_("resolution"))}"><button id="resolve">{escape(_("Resolve"))}</button></form>'
            f'<form class="inline" method="post" action="{base}/callback"><input name="callback_number" '
            f'value="{escape(t.callback_number or t.calling_number)}">'
            f'<button id="callback">{escape(_("Call back later"))}</button></form>'
        )
    return " ".join(actions)


def _facts(t: Ticket) -> str:
    facts = [
        (_("Caller"), f"<b>{escape(t.calling_number)}</b>"),
        (_("Called number"), escape(t.called_number)),
        (_("Language"), escape(labels.word(labels.CALL_LANGUAGE, t.language))),
        (_("Line"), escape(t.channel)),
        (_("Call"), escape(t.call_id)),
        (_("Kind"), escape(labels.word(labels.KIND, t.kind))),
        (_("Intent"), escape(t.intent or "—")),
        (_("Handoff reason"), escape(labels.word(labels.REASON, t.handoff_reason) or "—")),
        (_("FAQ topics"), escape("、".join(t.faq_topics) or "—")),
        (_("Started"), fmt_time(t.started_at)),
        (_("Saved"), fmt_time(t.created_at)),
        (_("Claimed by"), escape(t.claimed_by or "—")),
        (_("Callback number"), escape(t.callback_number or "—")),
        (_("Confidential"), escape(labels.yes_no(t.confidential))),
    ]
    return '<dl class="fields" id="ticket-facts">' + "".join(
        f"<dt>{escape(name)}</dt><dd>{value}</dd>" for name, value in facts
    ) + "</dl>"


def ticket_page(
    agent: Agent, t: Ticket, prefix: str, book: WorkOrderBook, flash: str = "", original: Ticket | None = None
) -> str:
    """Return an opened ticket: full personal data, transcript, recording, actions; for a follow-up (重复件), the
    earlier ticket (``original``) with its history."""
    base = f"{prefix}/tickets/{t.number}"
    transcript = "".join(
        f'<li class="{escape(line.speaker)}"><code>{line.at_ms / 1000:7.1f}s</code> '
        f"<b>{escape(labels.word(labels.SPEAKER, line.speaker))}</b>: {escape(line.text)}</li>"
        for line in t.transcript
    ) or (f"<li><em>{escape(_('Deleted by the retention policy.'))}</em></li>" if t.purged_at
          else f"<li><em>{escape(_('Empty.'))}</em></li>")  # fmt: skip
    history = "".join(
        f"<li>{fmt_time(h.at_ms)} {status_badge(h.status)} {escape(_('by {actor}').format(actor=_actor(h.actor)))} "
        f"{escape(h.note)}</li>"
        for h in t.history
    )
    audio = (
        f'<audio id="recording" controls preload="none" src="{base}/recording"></audio>'
        if t.recording_ref
        else f'<em id="recording-missing">{escape(_("The recording is missing (it could not be written)."))}</em>'
        if t.recording_missing
        else f"<em>{escape(_('No recording.'))}</em>"
    )
    flash_html = f'<p class="err" id="flash">{escape(flash)}</p>' if flash else ""
    body = (
        f'{flash_html}<section><h1>{escape(_("Ticket"))} <span id="ticket-number">{spoken_groups(t.number)}</span> '
        f"{status_badge(t.status, 'ticket-status')}{confidential_badge(t)}</h1>"
        f"<p>{_actions(t, base)}</p>{_facts(t)}</section>"
        f"{repeat_section(t, original, prefix, original is None or agent.is_supervisor or not original.confidential)}"
        f'<div class="cols"><div><section><h2>{escape(_("Transcript"))}</h2><ul class="transcript">{transcript}'
        f"</ul></section><section><h2>{escape(_('Recording'))}</h2>{audio}</section></div><div>"
        f"{work_order_section(book, t)}{changes_section(book, t)}"
        f'<section><h2>{escape(_("Complaint"))}</h2><form method="post" action="{base}/edit" id="{FORM}">'
        f"{_field_rows(book, t.fields)}"
        f'<p><label>{escape(_("Notes"))}<br><textarea name="notes" id="notes" rows="3" cols="50">'
        f'{escape(t.notes)}</textarea></label></p><button id="save">{escape(_("Save"))}</button></form></section>'
        f"<section><h2>{escape(_('History'))}</h2><ul>{history}</ul></section></div></div>"
    )
    return page(_("Ticket {number}").format(number=t.number), body, agent, prefix, base)
