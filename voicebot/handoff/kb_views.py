"""Server-rendered pages of the knowledge base (supervisors): the answers per language, one answer's editor.

The preview button is wired by the static ``static/knowledge.js`` (no inline script): it points the page's
``<audio>`` at ``preview.wav`` with the text typed so far and plays what the bot's TTS makes of it.
"""

from __future__ import annotations

from html import escape

from voicebot.handoff.auth import Agent
from voicebot.handoff.views import fmt_time, page
from voicebot.i18n import _
from voicebot.knowledge.answers import MAX_ANSWER_CHARS, FaqAnswer
from voicebot.knowledge.seed import LANGUAGES


def _author(answer: FaqAnswer) -> str:
    return _("faq.yaml (seed)") if answer.author == "seed" else answer.author


def _language_tabs(prefix: str, current: str) -> str:
    names = {"zh-CN": _("Chinese answers"), "en-US": _("English answers")}
    return '<p class="tabs">' + " · ".join(
        f'<b id="kb-lang-{lang}">{escape(names[lang])}</b>' if lang == current
        else f'<a id="kb-lang-{lang}" href="{prefix}/knowledge/{lang}/">{escape(names[lang])}</a>'
        for lang in LANGUAGES
    ) + "</p>"


def knowledge_page(agent: Agent, answers: list[FaqAnswer], language: str, prefix: str, extra: str = "") -> str:
    """Return the list of topics with their current answer in ``language`` (``extra``: the drafts section)."""
    heads = (_("Topic"), _("Answer the bot speaks"), _("Version"), _("Saved by"), _("Saved at"))
    rows = "".join(
        f'<tr data-topic="{escape(a.topic)}"><td><a href="{prefix}/knowledge/{language}/{escape(a.topic)}">'
        f"{escape(a.topic)}</a></td><td lang=\"{language}\">{escape(a.text)}</td><td>{a.version}</td>"
        f"<td>{escape(_author(a))}</td><td>{fmt_time(a.created_at)}</td></tr>"
        for a in answers
    ) or f'<tr><td colspan="5">{escape(_("No answers yet."))}</td></tr>'
    how = _("Rasa recognises the topic of a question; the bot speaks the answer saved here. "
            "A saved answer is spoken from the next call on, without retraining.")
    body = (
        f"<h1>{escape(_('Knowledge base'))}</h1>{_language_tabs(prefix, language)}<p>{escape(how)}</p>"
        f'<p><a id="kb-export" href="{prefix}/knowledge/export.yaml">{escape(_("Export as faq.yaml"))}</a></p>'
        f"<table id=\"kb-topics\"><thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in heads)}</tr></thead>"
        f"<tbody>{rows}</tbody></table>{extra}"
    )
    return page(_("Knowledge base"), body, agent, prefix, f"{prefix}/knowledge/{language}/")


def answer_page(
    agent: Agent, history: list[FaqAnswer], prefix: str, flash: str = "", error: str = "", extra: str = ""
) -> str:
    """Return one topic's editor in one language: the current text, the TTS preview, every version (``extra``: the
    form for new example questions)."""
    current = history[0]
    base = f"{prefix}/knowledge/{current.language}/{escape(current.topic)}"
    note = f'<p id="kb-flash"><em>{escape(flash)}</em></p>' if flash else ""
    err = f'<p class="err" id="kb-error">{escape(error)}</p>' if error else ""
    rows = "".join(
        f'<tr data-version="{a.version}"><td>{a.version}</td><td lang="{a.language}">{escape(a.text)}</td>'
        f"<td>{escape(_author(a))}</td><td>{fmt_time(a.created_at)}</td><td>"
        + (escape(_("current")) if a is current else
           f'<form class="inline" method="post" action="{base}/restore"><input type="hidden" name="version" '
           f'value="{a.version}"><button id="restore-{a.version}">{escape(_("Restore"))}</button></form>')
        + "</td></tr>"
        for a in history
    )
    heads = (_("Version"), _("Answer"), _("Saved by"), _("Saved at"), "")
    body = (
        f'<p><a href="{prefix}/knowledge/{current.language}/">{escape(_("Knowledge base"))}</a></p>'
        f"<h1>{escape(current.topic)} · {escape(language_names().get(current.language, current.language))}</h1>"
        f"{note}{err}<section><form method=\"post\" action=\"{base}\">"
        f'<p><label for="answer">{escape(_("Answer the bot speaks"))}</label></p>'
        f'<p><textarea id="answer" name="text" rows="4" cols="80" maxlength="{MAX_ANSWER_CHARS}" '
        f'lang="{current.language}" required>{escape(current.text)}</textarea></p>'
        f'<p><button id="save" type="submit">{escape(_("Save as a new version"))}</button> '
        f'<button id="preview" type="button" data-src="{base}/preview.wav" '
        f'data-loading="{escape(_("synthesising..."))}" data-ready="{escape(_("playing"))}" '
        f'data-failed="{escape(_("preview failed"))}">'
        f'{escape(_("Preview (text to speech)"))}</button> <span id="preview-state"></span></p>'
        f'<audio id="preview-audio" controls preload="none"></audio></form></section>'
        f"<h2>{escape(_('Version history'))}</h2><table id=\"kb-history\"><thead><tr>"
        f"{''.join(f'<th>{escape(h)}</th>' for h in heads)}</tr></thead><tbody>{rows}</tbody></table>{extra}"
        f'<script src="{escape(prefix)}/static/knowledge.js"></script>'
    )
    return page(_("Knowledge base"), body, agent, prefix, base)


def language_names() -> dict[str, str]:
    """Return the answer languages' names in the page language."""
    return {"zh-CN": _("Chinese"), "en-US": _("English")}
