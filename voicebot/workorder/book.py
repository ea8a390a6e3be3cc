"""The four operator files, loaded and cross-checked once at start-up, and the labels they give codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicebot.settings import WorkOrderSettings, project_path
from voicebot.workorder.deadlines import DeadlineTable, load_deadlines
from voicebot.workorder.files import Source, sample
from voicebot.workorder.gazetteer import Gazetteer, load_gazetteer
from voicebot.workorder.model import WorkOrder
from voicebot.workorder.routing import RoutingTable, load_routing
from voicebot.workorder.taxonomy import Taxonomy, load_taxonomy

SAMPLES = {"taxonomy": "taxonomy.yaml", "deadlines": "deadlines.yaml", "gazetteer": "gazetteer-beijing.yaml",
           "routing": "routing.yaml"}  # fmt: skip
"""The shipped sample of each operator file (used when ``[workorder]`` leaves the path empty)."""


@dataclass(frozen=True, slots=True)
class WorkOrderBook:
    """Everything the work order is built from."""

    taxonomy: Taxonomy
    """诉求类型, categories, sub-categories."""
    deadlines: DeadlineTable
    """Urgency levels, 办理时限, working days, urgency cues."""
    gazetteer: Gazetteer
    """The city's districts, streets and communities."""
    routing: RoutingTable
    """Category x district -> 承办单位."""

    def departments(self) -> tuple[str, ...]:
        """Return every department agents may choose."""
        return self.routing.departments(self.gazetteer)

    def labels(self, wo: WorkOrder, lang: str) -> dict[str, str | None]:
        """Return the words for a work order's codes in a language (``None`` where a code has no label)."""
        rt = self.taxonomy.request_types.get(wo.request_type)
        cat = self.taxonomy.category(wo.category)
        sub = cat.subcategory(wo.subcategory) if cat and wo.subcategory else None
        level = self.deadlines.level(wo.urgency)
        return {
            "request_type": rt.of(lang) if rt else None,
            "category": cat.label.of(lang) if cat else None,
            "subcategory": sub.label.of(lang) if sub else None,
            "urgency": level.label.of(lang) if level else None,
        }

    def describe(self, wo: WorkOrder) -> dict[str, Any]:
        """Return the work order as ticket JSON: codes plus ``labels`` in zh-CN and en-US."""
        return {**wo.to_json(), "labels": {lang: self.labels(wo, lang) for lang in ("zh-CN", "en-US")}}


def file_path(settings: WorkOrderSettings, name: str) -> Path:
    """Return the operator file in force for ``name`` (``taxonomy``, ``deadlines``, ``gazetteer``, ``routing``)."""
    configured = str(getattr(settings, name))
    return project_path(configured) if configured else sample(SAMPLES[name])


def load_book(settings: WorkOrderSettings) -> WorkOrderBook:
    """Load the operator files named in ``[workorder]`` (empty: the shipped samples); errors name file and entry."""

    taxonomy = load_taxonomy(file_path(settings, "taxonomy"))
    deadlines = load_deadlines(file_path(settings, "deadlines"))
    for cat in taxonomy.categories:
        if cat.urgency and deadlines.level(cat.urgency) is None:
            raise Source(taxonomy.path, f"categories.{cat.code}.urgency").fail(
                f"unknown level {cat.urgency!r} (levels in {deadlines.path}: "
                f"{', '.join(lv.code for lv in deadlines.levels)})",
                "workorder-unknown-reference",
            )
    gazetteer = load_gazetteer(file_path(settings, "gazetteer"))
    routing = load_routing(file_path(settings, "routing"), taxonomy, gazetteer)
    return WorkOrderBook(taxonomy, deadlines, gazetteer, routing)
