"""A Babel extractor reading Python with ``ast``: it finds ``_()`` inside f-strings too.

Babel's own Python extractor works on tokens, and before Python 3.12 an f-string is one token: the console's
``f"<b>{_('Queue')}</b>"`` would go unseen. ``babel.cfg`` names this one instead (``[extractors]``).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def extract_ast(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Yield ``(line, function, message(s), comments)`` for every keyword call with literal string arguments."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords):
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if not strings:
            continue
        yield node.lineno, node.func.id, strings[0] if len(strings) == 1 else tuple(strings), []
