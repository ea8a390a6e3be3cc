"""The routing table: category x district -> suggested 承办单位, most specific rule first, wildcards as fallbacks."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicebot.workorder import files
from voicebot.workorder.files import Source
from voicebot.workorder.gazetteer import Gazetteer
from voicebot.workorder.model import Area
from voicebot.workorder.taxonomy import Taxonomy

ANY = "*"
"""Wildcard in a rule."""

PLACEHOLDERS = ("district", "street")
"""What a department template may name: ``{district}生态环境局``, ``{street}办事处``."""


@dataclass(frozen=True, slots=True)
class Route:
    """One rule of the routing table."""

    category: str
    """Taxonomy category code, or ``*``."""
    subcategory: str
    """Sub-category code within ``category``, or ``*``."""
    district: str
    """District name from the gazetteer, or ``*``."""
    department: str
    """承办单位, possibly a template; a rule whose placeholder is unknown for the place is skipped."""

    @property
    def key(self) -> str:
        """Return ``category/subcategory/district`` (how tickets name the rule that matched)."""
        return f"{self.category}/{self.subcategory}/{self.district}"

    def placeholders(self) -> set[str]:
        """Return the placeholders the department template uses."""
        return {name for _, name, _, _ in string.Formatter().parse(self.department) if name is not None}

    def expand(self, area: Area) -> str | None:
        """Return the department for a place, or ``None`` if the template needs what the place lacks."""
        values = {"district": area.district, "street": area.street}
        if any(values[name] is None for name in self.placeholders()):
            return None
        return self.department.format_map(values)


@dataclass(frozen=True, slots=True)
class RoutingTable:
    """The whole routing file."""

    path: Path
    """Where it was loaded from."""
    routes: tuple[Route, ...]
    """Rules in file order (within one level of specificity the first that applies wins)."""
    extra_departments: tuple[str, ...]
    """Departments agents may choose that no rule suggests."""

    def suggest(self, category: str, subcategory: str | None, area: Area) -> tuple[str | None, str]:
        """Return the suggested department and the key of the rule that gave it.

        Order: category+sub-category+district, category+sub-category, category+district, category,
        district, then the catch-all ``*/*/*``.
        """
        sub, dist = subcategory or "", area.district or ""
        levels = ((category, sub, dist), (category, sub, ANY), (category, ANY, dist), (category, ANY, ANY),
                  (ANY, ANY, dist), (ANY, ANY, ANY))  # fmt: skip
        for cat, sc, d in levels:
            for route in self.routes:
                if (route.category, route.subcategory, route.district) == (cat, sc, d):
                    department = route.expand(area)
                    if department is not None:
                        return department, route.key
        return None, ""

    def departments(self, gazetteer: Gazetteer) -> tuple[str, ...]:
        """Return every department a rule can suggest for some place of the city, plus the extra ones."""
        out: list[str] = []
        for route in self.routes:
            used = route.placeholders()
            districts = [d for d in gazetteer.districts if route.district in (ANY, d.place.name)]
            if not used:
                out.append(route.department)
            for d in districts if used else ():
                streets = d.streets if "street" in used else (None,)
                for st in streets:
                    area = Area(d.place.name, st.place.name if st else None, None, True, (), "")
                    out.append(route.department.format_map({"district": area.district, "street": area.street}))
        return tuple(dict.fromkeys([*out, *self.extra_departments]))


def _route(data: Any, src: Source, taxonomy: Taxonomy, gazetteer: Gazetteer) -> Route:
    entry = files.mapping(data, src)
    files.known_keys(entry, src, {"category", "subcategory", "district", "department"})
    route = Route(
        files.text(entry.get("category", ANY), src.at("category")),
        files.text(entry.get("subcategory", ANY), src.at("subcategory")),
        files.text(entry.get("district", ANY), src.at("district")),
        files.text(entry.get("department"), src.at("department")),
    )
    category = taxonomy.category(route.category)
    if route.category != ANY and category is None:
        raise src.at("category").fail(f"{route.category!r} is not in {taxonomy.path}", "workorder-unknown-reference")
    if route.subcategory != ANY and (category is None or category.subcategory(route.subcategory) is None):
        raise src.at("subcategory").fail(f"{route.subcategory!r} is not a sub-category of {route.category!r}",
                                         "workorder-unknown-reference")  # fmt: skip
    if route.district != ANY and gazetteer.district(route.district) is None:
        raise src.at("district").fail(f"{route.district!r} is not in {gazetteer.path}", "workorder-unknown-reference")
    if route.district != ANY and gazetteer.district(route.district) is not None:
        district = gazetteer.district(route.district)
        assert district is not None
        route = Route(route.category, route.subcategory, district.place.name, route.department)
    try:
        unknown = route.placeholders() - set(PLACEHOLDERS)
    except ValueError as err:
        raise src.at("department").fail(f"bad template: {err}") from err
    if unknown:
        raise src.at("department").fail(f"unknown placeholder {{{sorted(unknown)[0]}}} (use {{district}}, {{street}})")
    return route


def load_routing(path: Path, taxonomy: Taxonomy, gazetteer: Gazetteer) -> RoutingTable:
    """Load and check a routing table against the taxonomy and the gazetteer (a plain catch-all is required)."""
    data, src = files.read_yaml(path)
    files.known_keys(data, src, {"routes", "extra_departments"})
    rules = data.get("routes")
    if not isinstance(rules, list) or not rules:
        raise src.at("routes").fail("must be a non-empty list of rules")
    routes = tuple(_route(r, src.at(f"routes.{i}"), taxonomy, gazetteer) for i, r in enumerate(rules))
    if not any(r.key == "*/*/*" and not r.placeholders() for r in routes):
        message = "needs a catch-all rule without placeholders (category, subcategory, district all *)"
        raise src.at("routes").fail(message, "workorder-no-fallback")
    return RoutingTable(path, routes, files.words(data.get("extra_departments"), src.at("extra_departments")))
