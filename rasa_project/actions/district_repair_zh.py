"""Undo speech recognition's homophones in district names: 海电区 -> 海淀区, 言情区 -> 延庆区, "chow yang district".

The recogniser writes what it heard; district names are few and known (jionlp's administrative-division data for
the hotline's city, ``HOTLINE_CITY``, default 北京市), so a word that sounds exactly like one (toneless pinyin from
jionlp) right before 区 or a sound-alike of it is replaced by the real name.
"""

from __future__ import annotations

import difflib
import os
import re

from actions.nlp_libs import NlpLibs

QU_SOUNDS = "区去曲取趣渠驱屈"
DEFAULT_CITY = "北京市"


class DistrictRepair:
    """Replaces sound-alike district names with the city's real ones (one per process)."""

    def __init__(self, libs: NlpLibs, city: str | None = None) -> None:
        self._libs = libs
        self._city = city or os.environ.get("HOTLINE_CITY", DEFAULT_CITY)
        self._names: dict[str, tuple[str, str]] | None = None

    def _toneless(self, text: str) -> str:
        syllables = self._libs.jionlp().pinyin(text, formater="simple")
        return " ".join(re.sub(r"\d", "", s) for s in syllables)

    def _districts(self) -> dict[str, tuple[str, str]]:
        """Return toneless pinyin of each district's short name -> (short name, full name)."""
        if self._names is None:
            loader = self._libs.load("jionlp.dictionary.dictionary_loader")
            table = loader.china_location_loader()
            names: dict[str, tuple[str, str]] = {}
            for province in table.values():
                for city_name, city in province.items():
                    if city_name.startswith("_") or not isinstance(city, dict):
                        continue
                    if city_name != self._city and city.get("_full_name") != self._city:
                        continue
                    for full, district in city.items():
                        if full.startswith("_") or not isinstance(district, dict):
                            continue
                        short = str(district.get("_alias") or full[:-1])
                        names[self._toneless(short)] = (short, str(district.get("_full_name") or full))
            self._names = names
        return self._names

    def repair_en(self, text: str) -> str:
        """Return English words with a mangled district name before "district" put right ("chow yang" -> chaoyang)."""
        names = [key.replace(" ", "") for key in self._districts()]
        # jionlp reads 朝 as zhao; the district is spelt Chaoyang.
        names += [name.replace("zhao", "chao") for name in names if "zhao" in name]
        words = text.split()
        for i, word in enumerate(words):
            if word.lower() not in ("district", "county"):
                continue
            choices = []
            for size in (1, 2, 3):
                if i - size < 0:
                    continue
                heard = "".join(words[i - size : i]).lower()
                for name in names:
                    ratio = difflib.SequenceMatcher(None, heard, name).ratio()
                    if ratio >= 0.66 and abs(len(name) - len(heard)) <= 2:
                        choices.append((ratio, size, name))
            if choices:
                _, size, name = max(choices)
                words[i - size : i] = [name] + [""] * (size - 1)
        return " ".join(w for w in words if w)

    def repair(self, text: str) -> str:
        """Return the text with sound-alike district names replaced (spaces between Hanzi are dropped)."""
        flat = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)
        if not re.search(f"[{QU_SOUNDS}县]", flat):
            return flat
        districts = self._districts()
        out = flat
        for match in re.finditer(rf"([\u4e00-\u9fff]{{2,3}}?)([{QU_SOUNDS}])", flat):
            for size in (3, 2):
                start = match.end(2) - 1 - size
                if start < 0:
                    continue
                heard = flat[start : match.end(2) - 1]
                found = districts.get(self._toneless(heard))
                if found and heard != found[0]:
                    out = out.replace(heard + match.group(2), found[1], 1)
                    break
                if found and match.group(2) != "区":
                    out = out.replace(heard + match.group(2), found[1], 1)
                    break
        return out
