"""The extraction libraries (jionlp, cn2an, usaddress, dateparser), imported lazily and once per process.

The actions hold one :class:`NlpLibs` and pass it to the extractors (``address_zh``, ``time_zh``, ``address_en``,
``time_en``). Nothing is imported when this module is imported: jionlp alone costs about 1 s and 70 MB when its
administrative-division data is first used, so a process that never sees Mandarin never pays for it. ``warm()``
loads everything up front (the action server calls it at start so the first caller does not wait).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
from pathlib import Path
from types import ModuleType


class JionlpLogFilter(logging.Filter):
    """Drops the tracebacks jionlp logs on the root logger for strings it cannot parse (we handle those)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return f"{Path('jionlp')}/" not in record.pathname.replace("\\", "/")


class NlpLibs:
    """Lazily imported extraction libraries; one instance per process, held by the actions."""

    def __init__(self) -> None:
        self._modules: dict[str, ModuleType] = {}

    def _load(self, name: str) -> ModuleType:
        module = self._modules.get(name)
        if module is None:
            # jionlp and jiojio print a banner on stdout when imported.
            with contextlib.redirect_stdout(io.StringIO()):
                module = importlib.import_module(name)
            self._modules[name] = module
        return module

    def load(self, name: str) -> ModuleType:
        """Return any module by name, imported once (jieba for the place tagger, say)."""
        return self._load(name)

    def jionlp(self) -> ModuleType:
        """Return the ``jionlp`` module (its root-logger tracebacks for unparsable strings are filtered)."""
        root = logging.getLogger()
        if not any(isinstance(f, JionlpLogFilter) for f in root.filters):
            root.addFilter(JionlpLogFilter())
        return self._load("jionlp")

    def cn2an(self) -> ModuleType:
        """Return the ``cn2an`` module (Chinese numerals <-> Arabic numerals)."""
        return self._load("cn2an")

    def usaddress(self) -> ModuleType:
        """Return the ``usaddress`` module (CRF tagger for English street addresses)."""
        return self._load("usaddress")

    def dateparser(self) -> ModuleType:
        """Return the ``dateparser`` module."""
        return self._load("dateparser")

    def warm(self) -> None:
        """Import every library and run one call of each, so that their data files are loaded now."""
        jio = self.jionlp()
        jio.parse_location("北京市海淀区学院路28号")
        jio.ner.extract_time("昨天晚上十点", time_base=0, with_parsing=True)
        self.cn2an().cn2an("二十八", "smart")
        self.usaddress().tag("28 Jianguo Road")
        self.dateparser().parse("yesterday", languages=["en"])
