"""The city gazetteer: 区/县, 街道/镇 and 社区 with aliases, and resolving a caller's place against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from voicebot.workorder import files
from voicebot.workorder.files import Source
from voicebot.workorder.match import Haystack, contains
from voicebot.workorder.model import Area


@dataclass(frozen=True, slots=True)
class Place:
    """A 社区 (community), or the common part of streets and districts."""

    name: str
    """Official name (what tickets store)."""
    aliases: tuple[str, ...]
    """Other names callers use (short forms, English)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Return the official name and the aliases, longest first (the most specific match wins)."""
        return tuple(sorted((self.name, *self.aliases), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Street:
    """A 街道 (sub-district) or 镇 (town)."""

    place: Place
    """Name and aliases."""
    communities: tuple[Place, ...]
    """Its 社区/村 (a sample is enough: unknown ones stay free text)."""


@dataclass(frozen=True, slots=True)
class District:
    """A 区 or 县."""

    place: Place
    """Name and aliases."""
    streets: tuple[Street, ...]
    """Its 街道/镇."""

    def is_strong(self, word: str) -> bool:
        """Return whether a matched name is unmistakable (``朝阳区``, ``Chaoyang District``; not ``朝阳``)."""
        low = word.lower()
        return word == self.place.name or word.endswith(("区", "县")) or "district" in low or "county" in low


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The whole gazetteer file."""

    path: Path
    """Where it was loaded from."""
    city: Place
    """The city (北京市) and its aliases."""
    districts: tuple[District, ...]
    """Every district of the city."""

    def district(self, name: str) -> District | None:
        """Return the district with this name or alias (any case)."""
        low = name.strip().lower()
        return next((d for d in self.districts if low in (n.lower() for n in d.place.names)), None)

    def street(self, district: District | None, name: str) -> Street | None:
        """Return a street by name or alias (in ``district`` if given)."""
        low = name.strip().lower()
        pool = district.streets if district else tuple(s for d in self.districts for s in d.streets)
        return next((s for s in pool if low in (n.lower() for n in s.place.names)), None)

    def _district_of(self, street: Street) -> District:
        return next(d for d in self.districts if street in d.streets)

    def resolve(self, location: str, parts: Mapping[str, Any] | None = None) -> Area:
        """Resolve a place: district by its full name, else by a street or community in it, else by a short alias.

        An explicit other city (``location_parts.city`` named in the words) resolves to nothing.
        """
        parts = parts or {}
        values = [str(v) for k, v in parts.items() if v and k in ("district", "town", "detail")]
        hay = Haystack(" ".join([location, *values]))
        other_city = str(parts.get("city") or "").removesuffix("市")
        if other_city and other_city in location and not any(contains(other_city, n) for n in self.city.names):
            return Area(None, None, None, False, (), location)
        matched: list[str] = []
        district = self._strong_district(hay, str(parts.get("district") or ""), matched)
        street = self._find_street(hay, district, matched)
        community = self._find_community(hay, district, street, matched)
        if street is None and community is not None:
            street = community[0]
        if district is None and street is not None:
            district = self._district_of(street)
        if district is None:
            district = self._weak_district(hay, matched)
        return Area(
            district.place.name if district else None,
            street.place.name if street else None,
            community[1].name if community else None,
            district is not None,
            tuple(matched),
            location,
        )

    def _strong_district(self, hay: Haystack, part: str, matched: list[str]) -> District | None:
        best: tuple[int, District, str] | None = None
        for d in self.districts:
            for word in d.place.names:
                if not d.is_strong(word) and word != part:
                    continue
                at = hay.find(word)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, d, word)
        if best is None:
            return None
        matched.append(best[2])
        return best[1]

    def _weak_district(self, hay: Haystack, matched: list[str]) -> District | None:
        for d in self.districts:
            for word in d.place.names:
                if hay.has(word):
                    matched.append(word)
                    return d
        return None

    def _find_street(self, hay: Haystack, district: District | None, matched: list[str]) -> Street | None:
        pool = district.streets if district else tuple(s for d in self.districts for s in d.streets)
        hits = [(len(w), s, w) for s in pool for w in s.place.names if hay.has(w)]
        if not hits:
            return None
        _, street, word = max(hits, key=itemgetter(0))
        matched.append(word)
        return street

    def _find_community(
        self, hay: Haystack, district: District | None, street: Street | None, matched: list[str]
    ) -> tuple[Street, Place] | None:
        pool: tuple[Street, ...]
        if street is not None:
            pool = (street,)
        else:
            pool = district.streets if district else tuple(s for d in self.districts for s in d.streets)
        hits = [(len(w), s, c, w) for s in pool for c in s.communities for w in c.names if hay.has(w)]
        if not hits:
            return None
        _, owner, community, word = max(hits, key=itemgetter(0))
        matched.append(word)
        return owner, community


SHORTENED = ("社区", "街道")
"""Suffixes callers leave out: ``幸福二村社区`` is also found as ``幸福二村``, ``三里屯街道`` as ``三里屯``."""


def _place(name: Any, aliases: Any, src: Source) -> Place:
    official = files.text(name, src)
    extra = [official.removesuffix(s) for s in SHORTENED if official.endswith(s) and len(official) - len(s) >= 2]
    return Place(official, tuple(dict.fromkeys([*files.words(aliases, src.at("aliases")), *extra])))


def _communities(value: Any, src: Source) -> tuple[Place, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise src.fail("must be a list of names (or name: [aliases])")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping) and len(item) == 1:
            name, aliases = next(iter(item.items()))
            out.append(_place(str(name), aliases, src.at(i)))
        else:
            out.append(_place(item, None, src.at(i)))
    return tuple(out)


def _street(name: str, data: Any, src: Source) -> Street:
    entry = files.mapping(data, src, required=False)
    files.known_keys(entry, src, {"aliases", "communities"})
    communities = _communities(entry.get("communities"), src.at("communities"))
    return Street(_place(name, entry.get("aliases"), src), communities)


def _district(name: str, data: Any, src: Source) -> District:
    entry = files.mapping(data, src, required=False)
    files.known_keys(entry, src, {"aliases", "streets"})
    st_src = src.at("streets")
    streets = files.mapping(entry.get("streets"), st_src, required=False)
    return District(_place(name, entry.get("aliases"), src),
                    tuple(_street(str(k), v, st_src.at(k)) for k, v in streets.items()))  # fmt: skip


def load_gazetteer(path: Path) -> Gazetteer:
    """Load and check a gazetteer (no name or alias may stand for two districts)."""
    data, src = files.read_yaml(path)
    files.known_keys(data, src, {"city", "city_aliases", "districts"})
    city = _place(data.get("city"), data.get("city_aliases"), src.at("city"))
    d_src = src.at("districts")
    districts = tuple(_district(str(k), v, d_src.at(k)) for k, v in files.mapping(data.get("districts"), d_src).items())
    if not districts:
        raise d_src.fail("at least one district is needed")
    seen: dict[str, str] = {}
    for d in districts:
        for word in d.place.names:
            owner = seen.setdefault(word.lower(), d.place.name)
            if owner != d.place.name:
                raise d_src.at(d.place.name).fail(f"name {word!r} also stands for {owner}")
    return Gazetteer(path, city, tuple(_without_district_names(d, set(seen)) for d in districts))


def _without_district_names(district: District, names: set[str]) -> District:
    """Drop street aliases that are a district's name (海淀街道 shortened to 海淀 would match every 海淀区 place)."""
    streets = []
    for st in district.streets:
        aliases = tuple(a for a in st.place.aliases if a.lower() not in names)
        streets.append(Street(Place(st.place.name, aliases), st.communities))
    return District(district.place, tuple(streets))
