"""The browser softphone's page, rendered in the visitor's language (``?lang=``, else ``Accept-Language``).

The page's words go through ``voicebot.i18n`` like the console's; the script's own words (statuses, who spoke) come
from ``data-`` attributes on ``<body>``, so ``softphone.js`` stays one static file for every language. Icons are
inline SVG (no emoji: agents' desktops often lack a colour-emoji font).
"""

from __future__ import annotations

from html import escape

from voicebot import i18n
from voicebot.i18n import _

PHONE_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="currentColor">'
    '<path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20'
    'a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>'
)
"""A handset (the call button)."""

HANGUP_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="currentColor">'
    '<path d="M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.41 0L.29 13.1'
    'a1 1 0 0 1 0-1.41A17 17 0 0 1 12 7a17 17 0 0 1 11.71 4.69 1 1 0 0 1 0 1.41l-2.48 2.48a1 1 0 0 1-1.41 0 11.3 '
    '11.3 0 0 0-2.66-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z"/></svg>'
)
"""A handset put down (the hang-up button)."""


def _script_words() -> dict[str, str]:
    return {
        "idle": _("idle"),
        "token": _("getting a call token…"),
        "mic": _("starting microphone…"),
        "connected": _("connected"),
        "ended": _("ended"),
        "conn-error": _("connection error"),
        "error": _("error"),
        "login": _("log in to the agent console (/console) first"),
        "transfer": _("Transferring to an agent…"),
        "caller": _("You"),
        "bot": _("Bot"),
    }


def page_language(query_lang: str | None, accept_language: str) -> str:
    """Return the page language: ``?lang=``, else the browser's first supported language, else the default."""
    return i18n.supported(query_lang) or i18n.from_accept_language(accept_language) or i18n.DEFAULT


def render(lang: str) -> str:
    """Return the softphone page in ``lang`` (the call's language select starts on it too)."""
    with i18n.language(lang) as current:
        words = " ".join(f'data-t-{key}="{escape(text)}"' for key, text in _script_words().items())
        options = "".join(
            f'<option value="{tag}"{" selected" if tag == current else ""}>{escape(name)}</option>'
            for tag, name in i18n.LANGUAGES.items()
        )
        switch = " ".join(
            f'<a href="/softphone?lang={tag}" id="ui-{tag}" lang="{tag}">{escape(name)}</a>'
            for tag, name in i18n.LANGUAGES.items()
        )
        console_link = '<a href="/console/login">/console</a>'
        hint = escape(_("Calls need an agent console login ({link}) in this browser, except on a development server."))
        return (
            f'<!doctype html>\n<html lang="{current}">\n<head>\n  <meta charset="utf-8">\n'
            '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"  <title>{escape(_('12345 hotline voice bot · Softphone'))}</title>\n"
            '  <link rel="stylesheet" href="/softphone/softphone.css">\n</head>\n'
            f"<body {words}>\n"
            f'  <nav class="switch">{switch}</nav>\n'
            f"  <h1>{escape(_('12345 hotline · browser phone'))}</h1>\n  <fieldset>\n"
            f'    <label>{escape(_("Call language"))} <select id="lang">{options}</select></label>\n'
            f'    <label>{escape(_("Sample rate"))} <select id="rate"><option>16000</option><option>8000</option>'
            "</select></label>\n  </fieldset>\n"
            f'  <button id="call">{PHONE_ICON} {escape(_("Dial"))}</button>\n'
            f'  <button id="hangup" disabled>{HANGUP_ICON} {escape(_("Hang up"))}</button>\n'
            f'  <span id="status">{escape(_("idle"))}</span>\n'
            f'  <p class="system" id="hint">{hint.replace("{link}", console_link)}</p>\n'
            f'  <div id="keypad"></div>\n  <h2>{escape(_("Conversation"))}</h2>\n'
            '  <div id="partial"></div>\n  <div id="log"></div>\n'
            f'  <p class="system">{escape(_("Frames sent"))} <span id="sent">0</span> · '
            f'{escape(_("bytes of bot audio received"))} <span id="received">0</span></p>\n'
            '  <script src="/softphone/softphone.js"></script>\n</body>\n</html>\n'
        )
