"""The taxonomy file: 诉求类型, categories and sub-categories (GB/T 39666 in spirit), and the bot's codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicebot.workorder import files
from voicebot.workorder.files import Source
from voicebot.workorder.match import found

BOT_CATEGORIES = ("noise", "sanitation", "traffic", "property", "utilities", "consumer", "labor", "safety_hazard",
                  "other")  # fmt: skip
"""The action server's ``complaint_category`` codes (docs/workorder.md); each must map to one category."""

REQUEST_TYPES = ("complaint", "report", "assistance", "consultation", "suggestion")
"""The action server's ``request_type`` codes (投诉 举报 求助 咨询 建议); each must have labels."""


@dataclass(frozen=True, slots=True)
class Label:
    """A name in both languages."""

    zh: str
    """Chinese label (what agents see)."""
    en: str
    """English label."""

    def of(self, lang: str) -> str:
        """Return the label for a language tag (``zh-CN``, ``en-US``)."""
        return self.en if lang.startswith("en") else self.zh


@dataclass(frozen=True, slots=True)
class Subcategory:
    """A sub-category and the words that choose it."""

    code: str
    """Stable code, unique within its category."""
    label: Label
    """Names."""
    keywords: tuple[str, ...]
    """Chinese and English words; the sub-category with most of them in the description is chosen."""


@dataclass(frozen=True, slots=True)
class Category:
    """A top-level category."""

    code: str
    """Stable code (what tickets store)."""
    label: Label
    """Names."""
    bot_codes: tuple[str, ...]
    """The action server's categories that land here."""
    subcategories: tuple[Subcategory, ...]
    """Its sub-categories, in file order (ties go to the first)."""
    urgency: str
    """Lowest urgency of this category's work orders (empty: the deadline table's default)."""

    def subcategory(self, code: str) -> Subcategory | None:
        """Return the sub-category with this code."""
        return next((s for s in self.subcategories if s.code == code), None)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The whole taxonomy file."""

    path: Path
    """Where it was loaded from."""
    request_types: Mapping[str, Label]
    """诉求类型 code -> labels, in file order."""
    default_request_type: str
    """Used when the action server sent none."""
    categories: tuple[Category, ...]
    """Top-level categories, in file order."""

    def category(self, code: str) -> Category | None:
        """Return the category with this code."""
        return next((c for c in self.categories if c.code == code), None)

    def for_bot_code(self, code: str) -> Category:
        """Return the category a bot code maps to (unknown codes: the one ``other`` maps to)."""
        for cat in self.categories:
            if code in cat.bot_codes:
                return cat
        return self.for_bot_code("other")

    def choose_subcategory(self, category: Category, description: str) -> tuple[Subcategory | None, tuple[str, ...]]:
        """Return the sub-category whose keywords occur most in ``description``, and those words."""
        best: tuple[Subcategory | None, tuple[str, ...]] = (None, ())
        for sub in category.subcategories:
            hits = found(description, sub.keywords)
            if len(hits) > len(best[1]):
                best = (sub, hits)
        return best


def _label(data: Mapping[str, Any], src: Source) -> Label:
    return Label(files.text(data.get("zh"), src.at("zh")), files.text(data.get("en"), src.at("en")))


def _subcategory(code: str, data: Any, src: Source) -> Subcategory:
    entry = files.mapping(data, src)
    files.known_keys(entry, src, {"zh", "en", "keywords"})
    kw = files.mapping(entry.get("keywords"), src.at("keywords"), required=False)
    files.known_keys(kw, src.at("keywords"), {"zh", "en"})
    keywords = (*files.words(kw.get("zh"), src.at("keywords.zh")), *files.words(kw.get("en"), src.at("keywords.en")))
    return Subcategory(code, _label(entry, src), keywords)


def _category(code: str, data: Any, src: Source) -> Category:
    entry = files.mapping(data, src)
    files.known_keys(entry, src, {"zh", "en", "codes", "urgency", "subcategories"})
    codes = files.words(entry.get("codes"), src.at("codes"))
    for bot_code in codes:
        if bot_code not in BOT_CATEGORIES:
            raise src.at("codes").fail(f"{bot_code!r} is not a bot category ({', '.join(BOT_CATEGORIES)})")
    subs_src = src.at("subcategories")
    subs = files.mapping(entry.get("subcategories"), subs_src, required=False)
    return Category(
        code,
        _label(entry, src),
        codes,
        tuple(_subcategory(str(k), v, subs_src.at(k)) for k, v in subs.items()),
        files.text(entry.get("urgency"), src.at("urgency"), required=False),
    )


def load_taxonomy(path: Path) -> Taxonomy:
    """Load and check a taxonomy file (every bot category mapped exactly once, every request type labelled)."""
    data, src = files.read_yaml(path)
    files.known_keys(data, src, {"request_types", "default_request_type", "categories"})
    rt_src = src.at("request_types")
    request_types = {str(k): _label(files.mapping(v, rt_src.at(k)), rt_src.at(k))
                     for k, v in files.mapping(data.get("request_types"), rt_src).items()}  # fmt: skip
    for code in REQUEST_TYPES:
        if code not in request_types:
            message = f"request type {code!r} (sent by the action server) has no labels"
            raise rt_src.fail(message, "workorder-code-unmapped")
    default = files.text(data.get("default_request_type"), src.at("default_request_type"))
    if default not in request_types:
        raise src.at("default_request_type").fail(f"{default!r} is not a request type", "workorder-unknown-reference")
    cat_src = src.at("categories")
    entries = files.mapping(data.get("categories"), cat_src).items()
    categories = tuple(_category(str(k), v, cat_src.at(k)) for k, v in entries)
    for code in BOT_CATEGORIES:
        owners = [c.code for c in categories if code in c.bot_codes]
        if len(owners) != 1:
            problem = "no category" if not owners else f"several categories ({', '.join(owners)})"
            raise cat_src.fail(f"bot category {code!r} maps to {problem}: list it under exactly one category's codes",
                               "workorder-code-unmapped")  # fmt: skip
    return Taxonomy(path, request_types, default, categories)
