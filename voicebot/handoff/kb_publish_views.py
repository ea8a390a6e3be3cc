"""HTML of the knowledge base's drafts and publishes: new topic and new questions forms, the publish button."""

from __future__ import annotations

from html import escape

from voicebot.handoff.views import fmt_time
from voicebot.i18n import N_, _
from voicebot.knowledge.drafts import MIN_QUESTIONS, Draft, Publish

STATUS = {"running": N_("training..."), "published": N_("published"), "refused": N_("refused"),
          "failed": N_("failed")}  # fmt: skip
"""A publish's status in words."""


def _f1(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def drafts_section(drafts: list[Draft], publishes: list[Publish], lang: str, prefix: str, flash: str = "") -> str:
    """Return the drafts waiting for a publish, the publish button, the publishes and the new topic form."""
    kinds = {"topic": _("new topic (answer)"), "question": _("new question")}
    rows = "".join(
        f'<tr data-draft="{d.id}"><td>{escape(d.topic)}</td><td>{escape(kinds.get(d.kind, d.kind))}</td>'
        f'<td lang="{lang}">{escape(d.text)}</td><td>{escape(d.author)}</td><td>{fmt_time(d.created_at)}</td></tr>'
        for d in drafts
    ) or f'<tr><td colspan="5">{escape(_("No drafts."))}</td></tr>'
    runs = "".join(
        f'<tr data-publish="{p.id}" data-status="{p.status}"><td>{p.id}</td><td>{escape(_(STATUS[p.status]))}</td>'
        f"<td>{escape(p.author)}</td><td>{fmt_time(p.started_at)}</td><td>{fmt_time(p.finished_at)}</td>"
        f"<td>{_f1(p.baseline_f1)}</td><td>{_f1(p.candidate_f1)}</td><td>{escape(p.detail)}</td></tr>"
        for p in publishes
    ) or f'<tr><td colspan="8">{escape(_("Nothing published yet."))}</td></tr>'
    heads = (_("Topic"), _("Kind"), _("Text"), _("Saved by"), _("Saved at"))
    pub_heads = ("#", _("Status"), _("By"), _("Started"), _("Finished"), _("F1 before"), _("F1 after"), _("Result"))
    asked = _("Example questions, one per line (at least {n})").format(n=MIN_QUESTIONS)
    note = f'<p id="kb-flash"><em>{escape(flash)}</em></p>' if flash else ""
    explain = _("New topics and new example questions need a new Rasa model: publishing trains it in the "
                "background, checks it on held-out questions and loads it without a restart (the old model stays "
                "if the check fails).")  # fmt: skip
    return (
        f"<h2>{escape(_('Drafts'))}</h2>{note}<p>{escape(explain)}</p>"
        f"<table id=\"kb-drafts\"><thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in heads)}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f'<form method="post" action="{prefix}/knowledge-publish/{lang}"><p><button id="publish">'
        f"{escape(_('Publish: train and load a new model'))}</button></p></form>"
        f"<h2>{escape(_('Publishes'))}</h2><table id=\"kb-publishes\"><thead><tr>"
        f"{''.join(f'<th>{escape(h)}</th>' for h in pub_heads)}</tr></thead><tbody>{runs}</tbody></table>"
        f"<h2>{escape(_('New topic'))}</h2><section>"
        f'<form method="post" action="{prefix}/knowledge-drafts/{lang}/topic">'
        f'<p><label>{escape(_("Topic name (a-z, 0-9, _)"))} <input id="new-topic" name="topic" required '
        f'pattern="[a-z][a-z0-9_]{{1,47}}"></label></p>'
        f'<p><label for="new-answer">{escape(_("Answer the bot speaks"))}</label><br>'
        f'<textarea id="new-answer" name="answer" rows="2" cols="80" lang="{lang}" required></textarea></p>'
        f'<p><label for="new-questions">{escape(asked)}'
        f'</label><br><textarea id="new-questions" name="questions" rows="6" cols="80" lang="{lang}" required>'
        f'</textarea></p><p><button id="save-topic">{escape(_("Save as a draft"))}</button></p></form></section>'
    )


def questions_form(lang: str, topic: str, prefix: str) -> str:
    """Return the answer page's form for new example questions of its topic."""
    return (
        f"<h2>{escape(_('New example questions'))}</h2><section><form method=\"post\" "
        f'action="{prefix}/knowledge/{lang}/{escape(topic)}/questions"><p><label for="questions">'
        f'{escape(_("How callers ask it, one per line (saved as drafts until the next publish)"))}</label><br>'
        f'<textarea id="questions" name="questions" rows="4" cols="80" lang="{lang}" required></textarea></p>'
        f'<p><button id="save-questions">{escape(_("Save as drafts"))}</button></p></form></section>'
    )
