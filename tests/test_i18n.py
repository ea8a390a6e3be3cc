"""The pages' catalogue: every message the console and softphone use has a Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from voicebot import i18n
from voicebot.i18n import _

ROOT = Path(__file__).resolve().parents[1]


def _used() -> dict[str, str]:
    """Return msgid -> file of every message ``babel.cfg`` finds (what ``pybabel extract`` would write)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "N_": None, "ngettext": (1, 2)}
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            found[msgid] = filename
    return found


def test_every_message_used_has_a_chinese_translation() -> None:
    used = _used()
    assert {"Queued", "Log out", "{m} min {s} s", "Hang up"} <= used.keys()  # f-strings and the softphone too
    with i18n.po_path("zh-CN").open("rb") as po:
        catalog = read_po(po, locale="zh_CN")
    missing = [f"{msgid!r} ({where})" for msgid, where in used.items()
               if not (m := catalog.get(msgid)) or not m.string or m.fuzzy]  # fmt: skip
    assert not missing, "no zh-CN translation (see the header of voicebot.po):\n" + "\n".join(missing)
    unused = [m.id for m in catalog if m.id and m.id not in used]
    assert not unused, f"translations of messages no page uses: {unused}"


def test_translations_keep_the_placeholders() -> None:
    with i18n.po_path("zh-CN").open("rb") as po:
        catalog = read_po(po, locale="zh_CN")
    for m in catalog:
        if m.id:
            assert sorted(re.findall(r"\{\w+\}", str(m.id))) == sorted(re.findall(r"\{\w+\}", str(m.string))), m.id


def test_compiled_catalogue_and_language_tags() -> None:
    assert _("Queued") == "排队中"  # zh-CN by default
    with i18n.language("en-US"):
        assert _("Queued") == "Queued" and i18n.current() == "en-US"
    with i18n.language("fr-FR"):  # unsupported: the default
        assert _("Resolved") == "已办结"
    assert i18n.supported("en") == "en-US" and i18n.supported("zh_Hans") == "zh-CN" and i18n.supported("de") is None
    assert i18n.from_accept_language("fr;q=1, en-GB;q=0.8, zh;q=0.9") == "zh-CN"
    assert i18n.from_accept_language("de, en;q=0.5") == "en-US" and i18n.from_accept_language("") is None
