"""The web pages' language: a gettext catalogue per language (zh-CN by default, en-US selectable).

Every visible string of the agent console and the softphone is an English ``msgid`` wrapped in ``_()`` (or marked
with ``N_()`` where a table of labels is built at import time). ``babel.cfg`` tells ``pybabel extract`` where they
are; ``locale/zh_CN/LC_MESSAGES/voicebot.po`` holds the Chinese. The ``.po`` file is the only thing committed: it is
compiled with Babel (``babel.messages.mofile``) into an in-memory ``.mo`` the first time a language is used and
loaded with the standard library's ``gettext.GNUTranslations``, so a stale compiled file can never be served.
English is the source language: en-US uses the msgids themselves (``gettext.NullTranslations``).

The language of a request is a context variable: the web middleware (``voicebot.handoff.language``) sets it from the
logged-in agent's preference, a cookie or ``?lang=``, so the page functions can call ``_()`` without passing it down.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = {"zh-CN": "中文", "en-US": "English"}
"""The pages' languages (tag -> its own name, as the switch shows it)."""

DEFAULT = "zh-CN"
"""What agents of a 12345 centre read unless they choose otherwise."""

LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the ``<locale>/LC_MESSAGES/voicebot.po`` catalogues are."""

DOMAIN = "voicebot"
"""The gettext domain (the catalogue's file name)."""

_current: ContextVar[str] = ContextVar("voicebot_page_language", default=DEFAULT)


def po_path(lang: str) -> Path:
    """Return the catalogue file of a language tag (``zh-CN`` -> ``locale/zh_CN/LC_MESSAGES/voicebot.po``)."""
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Return the compiled catalogue of ``lang`` (English: the msgids; unknown tags: the default language)."""
    lang = supported(lang) or DEFAULT
    if lang == "en-US":
        return gettext.NullTranslations()
    with po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang.replace("-", "_"))
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def supported(tag: str | None) -> str | None:
    """Return the supported language a tag names (``en``, ``en-gb``, ``zh_CN``, ``zh-Hans`` ...), else ``None``."""
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-")[0].lower()
    return next((lang for lang in LANGUAGES if lang.split("-")[0].lower() == base), None)


def from_accept_language(header: str) -> str | None:
    """Return the first supported language of an ``Accept-Language`` header, by quality (``None``: none)."""
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _sep, params = part.partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag))
    return next((lang for _q, _i, tag in sorted(ranked) if (lang := supported(tag))), None)


def current() -> str:
    """Return the language of the page being rendered."""
    return _current.get()


def use(lang: str) -> Token[str]:
    """Render from now on (in this task) in ``lang`` (unsupported tags: the default); return the reset token."""
    return _current.set(supported(lang) or DEFAULT)


def reset(token: Token[str]) -> None:
    """Go back to the language before ``use``."""
    _current.reset(token)


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Render in ``lang`` inside the block."""
    token = use(lang)
    try:
        yield current()
    finally:
        reset(token)


def _(message: str) -> str:
    """Return ``message`` in the current page language."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural message for ``n`` in the current page language."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (label tables built at import)."""
    return message
