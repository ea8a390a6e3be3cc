"""The work order in an opened ticket: correctable fields in words, the flags, and who changed what."""

from __future__ import annotations

from html import escape

from voicebot.handoff.ticket import FieldChange, Ticket
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.builder import build_work_order
from voicebot.workorder.edit import local_deadline
from voicebot.workorder.model import WorkOrder

FORM = "edit-form"
"""Id of the ticket's edit form (the work-order inputs join it with ``form=``)."""

FIELD_NAMES = {
    "request_type": "诉求类型 (request type)",
    "category": "分类 (category)",
    "subcategory": "子类 (sub-category)",
    "urgency": "紧急程度 (urgency)",
    "deadline_at": "办理时限 (deadline)",
    "district": "区/县 (district)",
    "street": "街道/镇 (street)",
    "community": "社区 (community)",
    "department": "承办单位 (department)",
    "notes": "备注 (notes)",
}
"""How the console names changed fields."""

FLAG_TEXT = {"unknown-place": "地点不在地名库中，请核实 (place not in the gazetteer: check it)"}
"""What the console says for a work-order flag."""


def _options(choices: list[tuple[str, str]], selected: str | None) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == (selected or "") else ""}>{escape(label)}</option>'
        for v, label in choices
    )


def _select(name: str, choices: list[tuple[str, str]], selected: str | None) -> str:
    return f'<select name="wo_{name}" id="wo-{name}" form="{FORM}">{_options(choices, selected)}</select>'


def _row(name: str, control: str, note: str = "") -> str:
    return f"<p><label>{escape(FIELD_NAMES[name])}{escape(note)}<br>{control}</label></p>"


def _subcategories(book: WorkOrderBook, wo: WorkOrder) -> str:
    groups = [f'<option value=""{"" if wo.subcategory else " selected"}>—</option>']
    for cat in book.taxonomy.categories:
        if not cat.subcategories:
            continue
        opts = [(s.code, s.label.zh) for s in cat.subcategories]
        selected = wo.subcategory if cat.code == wo.category else None
        groups.append(f'<optgroup label="{escape(cat.label.zh)}">{_options(opts, selected or "-")}</optgroup>')
    return f'<select name="wo_subcategory" id="wo-subcategory" form="{FORM}">{"".join(groups)}</select>'


def _departments(book: WorkOrderBook, wo: WorkOrder) -> list[tuple[str, str]]:
    names = list(book.departments())
    if wo.department and wo.department not in names:
        names.insert(0, wo.department)
    suggested = wo.suggested_department
    return [(n, f"{n} (建议 suggested)" if n == suggested else n) for n in names]


def _info(wo: WorkOrder, stored: bool) -> str:
    notes = []
    if not stored:
        notes.append("<em>Not saved yet: built from the complaint fields; saving the form stores it.</em>")
    for flag in wo.flags:
        text = FLAG_TEXT.get(flag.code, flag.code)
        notes.append(f'<span class="err flag" data-flag="{escape(flag.code)}">⚠ {escape(text)}: '
                     f"{escape(wo.area.text)}</span>")  # fmt: skip
    if wo.area.matched:
        notes.append(f"地名匹配 (matched): {escape('、'.join(wo.area.matched))}")
    if wo.urgency_cues:
        notes.append(f"紧急线索 (urgency cues): {escape('、'.join(wo.urgency_cues))}")
    if wo.suggested_department:
        notes.append(f"建议承办单位 (suggested): {escape(wo.suggested_department)} <code>{escape(wo.route)}</code>")
    return "".join(f"<p>{n}</p>" for n in notes)


def work_order_section(book: WorkOrderBook, t: Ticket) -> str:
    """Return the work-order section of an opened ticket (inputs belong to the ticket's edit form)."""
    wo = t.work_order or build_work_order(book, t.fields, t.started_at)
    tax, gaz = book.taxonomy, book.gazetteer
    streets = "".join(f'<option value="{escape(s.place.name)}">' for d in gaz.districts for s in d.streets)
    deadline = local_deadline(book, wo.deadline_at) if wo.deadline_at else ""
    rows = [
        _row(
            "request_type", _select("request_type", [(k, v.zh) for k, v in tax.request_types.items()], wo.request_type)
        ),  # fmt: skip
        _row("category", _select("category", [(c.code, c.label.zh) for c in tax.categories], wo.category)),
        _row("subcategory", _subcategories(book, wo)),
        _row("urgency", _select("urgency", [(lv.code, lv.label.zh) for lv in book.deadlines.levels], wo.urgency)),
        _row(
            "deadline_at",
            f'<input type="datetime-local" name="wo_deadline_at" id="wo-deadline_at" form="{FORM}" value="{deadline}">',
            f" {book.deadlines.timezone}",
        ),  # fmt: skip
        _row(
            "district",
            _select(
                "district",
                [("", "— 未识别 (unknown)"), *[(d.place.name, d.place.name) for d in gaz.districts]],
                wo.area.district,
            ),
        ),  # fmt: skip
        _row(
            "street",
            f'<input name="wo_street" id="wo-street" form="{FORM}" list="wo-streets" '
            f'value="{escape(wo.area.street or "")}"><datalist id="wo-streets">{streets}</datalist>',
        ),
        _row(
            "community",
            f'<input name="wo_community" id="wo-community" form="{FORM}" value="{escape(wo.area.community or "")}">',
        ),  # fmt: skip
        _row("department", _select("department", _departments(book, wo), wo.department)),
    ]
    return (
        f'<section id="work-order"><h2>工单 Work order</h2>{_info(wo, t.work_order is not None)}{"".join(rows)}'
        f'<button id="save-work-order" form="{FORM}">Save</button></section>'
    )


def work_order_cell(book: WorkOrderBook, t: Ticket) -> str:
    """Return the queue's work-order cell: urgency in words (紧急 and 特急 stand out) and the department."""
    wo = t.work_order
    if wo is None:
        return ""
    level = book.deadlines.level(wo.urgency)
    label = escape(level.label.zh if level else wo.urgency)
    urgent = book.deadlines.rank(wo.urgency) > book.deadlines.rank(book.deadlines.default)
    badge = f'<span class="badge{" callback_due" if urgent else ""}">{label}</span>'
    return f"{badge} {escape(wo.department or '')}"


def _value(book: WorkOrderBook, field: str, value: str | None) -> str:
    if value is None or value == "":
        return "—"
    labels = {
        "request_type": {k: v.zh for k, v in book.taxonomy.request_types.items()},
        "category": {c.code: c.label.zh for c in book.taxonomy.categories},
        "subcategory": {s.code: s.label.zh for c in book.taxonomy.categories for s in c.subcategories},
        "urgency": {lv.code: lv.label.zh for lv in book.deadlines.levels},
    }.get(field, {})
    if field == "deadline_at" and value.isdigit():
        return local_deadline(book, int(value)).replace("T", " ")
    return labels.get(value, value)


def _change(book: WorkOrderBook, c: FieldChange) -> str:
    when = local_deadline(book, c.at_ms).replace("T", " ")
    name = FIELD_NAMES.get(c.field) or f"投诉字段 {c.field.removeprefix('fields.')}"
    return (
        f'<li data-field="{escape(c.field)}">{when} <b>{escape(c.actor)}</b> changed {escape(name)}: '
        f"{escape(_value(book, c.field, c.old))} → {escape(_value(book, c.field, c.new))}</li>"
    )


def changes_section(book: WorkOrderBook, t: Ticket) -> str:
    """Return the field-change history (times in the city's time zone, as the deadlines)."""
    items = "".join(_change(book, c) for c in t.changes)
    zone = escape(str(book.deadlines.timezone))
    items = items or "<li><em>None yet.</em></li>"
    return f'<section><h2>Changes <small>({zone})</small></h2><ul id="changes">{items}</ul></section>'
