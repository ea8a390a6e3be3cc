"""The work order in an opened ticket: correctable fields in words, the flags, and who changed what."""

from __future__ import annotations

from html import escape

from voicebot.handoff import labels
from voicebot.handoff.ticket import FieldChange, Ticket
from voicebot.i18n import N_, _, current
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.builder import build_work_order
from voicebot.workorder.edit import local_deadline
from voicebot.workorder.model import WorkOrder

FORM = "edit-form"
"""Id of the ticket's edit form (the work-order inputs join it with ``form=``)."""

FIELD_NAMES = {
    "request_type": N_("Request type"),
    "category": N_("Work-order category"),
    "subcategory": N_("Sub-category"),
    "urgency": N_("Urgency"),
    "deadline_at": N_("Deadline"),
    "district": N_("District"),
    "street": N_("Street or town"),
    "community": N_("Community"),
    "department": N_("Department"),
    "notes": N_("Notes"),
}
"""How the console names changed fields (marked messages: translated when shown)."""

FLAG_TEXT = {"unknown-place": N_("The place is not in the gazetteer: check it")}
"""What the console says for a work-order flag."""


def _options(choices: list[tuple[str, str]], selected: str | None) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == (selected or "") else ""}>{escape(label)}</option>'
        for v, label in choices
    )


def _select(name: str, choices: list[tuple[str, str]], selected: str | None) -> str:
    return f'<select name="wo_{name}" id="wo-{name}" form="{FORM}">{_options(choices, selected)}</select>'


def _row(name: str, control: str, note: str = "") -> str:
    return f"<p><label>{escape(_(FIELD_NAMES[name]))}{escape(note)}<br>{control}</label></p>"


def _subcategories(book: WorkOrderBook, wo: WorkOrder) -> str:
    groups = [f'<option value=""{"" if wo.subcategory else " selected"}>—</option>']
    for cat in book.taxonomy.categories:
        if not cat.subcategories:
            continue
        opts = [(s.code, s.label.of(current())) for s in cat.subcategories]
        selected = wo.subcategory if cat.code == wo.category else None
        label = escape(cat.label.of(current()))
        groups.append(f'<optgroup label="{label}">{_options(opts, selected or "-")}</optgroup>')
    return f'<select name="wo_subcategory" id="wo-subcategory" form="{FORM}">{"".join(groups)}</select>'


def _departments(book: WorkOrderBook, wo: WorkOrder) -> list[tuple[str, str]]:
    names = list(book.departments())
    if wo.department and wo.department not in names:
        names.insert(0, wo.department)
    suggested = wo.suggested_department
    return [(n, _("{name} (suggested)").format(name=n) if n == suggested else n) for n in names]


def _info(wo: WorkOrder, stored: bool) -> str:
    notes = []
    if not stored:
        unsaved = _("Not saved yet: built from the complaint fields; saving the form stores it.")
        notes.append(f"<em>{escape(unsaved)}</em>")
    for flag in wo.flags:
        text = labels.word(FLAG_TEXT, flag.code)
        notes.append(f'<span class="err flag" data-flag="{escape(flag.code)}">{escape(text)}: '
                     f"{escape(wo.area.text)}</span>")  # fmt: skip
    if wo.area.matched:
        notes.append(f"{escape(_('Places matched'))}: {escape('、'.join(wo.area.matched))}")
    if wo.urgency_cues:
        notes.append(f"{escape(_('Urgency cues'))}: {escape('、'.join(wo.urgency_cues))}")
    if wo.suggested_department:
        notes.append(f"{escape(_('Suggested department'))}: {escape(wo.suggested_department)} "
                     f"<code>{escape(wo.route)}</code>")  # fmt: skip
    return "".join(f"<p>{n}</p>" for n in notes)


def work_order_section(book: WorkOrderBook, t: Ticket) -> str:
    """Return the work-order section of an opened ticket (inputs belong to the ticket's edit form)."""
    wo = t.work_order or build_work_order(book, t.fields, t.started_at)
    tax, gaz = book.taxonomy, book.gazetteer
    streets = "".join(f'<option value="{escape(s.place.name)}">' for d in gaz.districts for s in d.streets)
    deadline = local_deadline(book, wo.deadline_at) if wo.deadline_at else ""
    types = [(k, v.of(current())) for k, v in tax.request_types.items()]
    levels = [(lv.code, lv.label.of(current())) for lv in book.deadlines.levels]
    rows = [
        _row("request_type", _select("request_type", types, wo.request_type)),
        _row("category", _select("category", [(c.code, c.label.of(current())) for c in tax.categories], wo.category)),
        _row("subcategory", _subcategories(book, wo)),
        _row("urgency", _select("urgency", levels, wo.urgency)),
        _row(
            "deadline_at",
            f'<input type="datetime-local" name="wo_deadline_at" id="wo-deadline_at" form="{FORM}" value="{deadline}">',
            f" {book.deadlines.timezone}",
        ),  # fmt: skip
        _row(
            "district",
            _select(
                "district",
                [("", _("— not recognised")), *[(d.place.name, d.place.name) for d in gaz.districts]],
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
        f'<section id="work-order"><h2>{escape(_("Work order"))}</h2>{_info(wo, t.work_order is not None)}'
        f'{"".join(rows)}<button id="save-work-order" form="{FORM}">{escape(_("Save"))}</button></section>'
    )


def work_order_cell(book: WorkOrderBook, t: Ticket) -> str:
    """Return the queue's work-order cell: urgency in words (紧急 and 特急 stand out) and the department."""
    wo = t.work_order
    if wo is None:
        return ""
    level = book.deadlines.level(wo.urgency)
    label = escape(level.label.of(current()) if level else wo.urgency)
    urgent = book.deadlines.rank(wo.urgency) > book.deadlines.rank(book.deadlines.default)
    badge = f'<span class="badge{" callback_due" if urgent else ""}">{label}</span>'
    return f"{badge} {escape(wo.department or '')}"


def _value(book: WorkOrderBook, field: str, value: str | None) -> str:
    if value is None or value == "":
        return "—"
    words = {
        "request_type": {k: v.of(current()) for k, v in book.taxonomy.request_types.items()},
        "category": {c.code: c.label.of(current()) for c in book.taxonomy.categories},
        "subcategory": {s.code: s.label.of(current()) for c in book.taxonomy.categories for s in c.subcategories},
        "urgency": {lv.code: lv.label.of(current()) for lv in book.deadlines.levels},
    }.get(field, {})
    if field.startswith("fields."):
        return labels.field_value(book, field.removeprefix("fields."), value) or "—"
    if field == "deadline_at" and value.isdigit():
        return local_deadline(book, int(value)).replace("T", " ")
    return words.get(value, value)


def _change(book: WorkOrderBook, c: FieldChange) -> str:
    when = local_deadline(book, c.at_ms).replace("T", " ")
    key = c.field.removeprefix("fields.")
    name = _(FIELD_NAMES[c.field]) if c.field in FIELD_NAMES else labels.field_label(key)
    said = _("{actor} changed {field}: {old} → {new}").format(
        actor="\0", field=name, old=_value(book, c.field, c.old), new=_value(book, c.field, c.new)
    )
    who, _sep, rest = escape(said).partition("\0")
    return f'<li data-field="{escape(c.field)}">{when} {who}<b>{escape(c.actor)}</b>{rest}</li>'


def changes_section(book: WorkOrderBook, t: Ticket) -> str:
    """Return the field-change history (times in the city's time zone, as the deadlines)."""
    items = "".join(_change(book, c) for c in t.changes)
    zone = escape(str(book.deadlines.timezone))
    items = items or f"<li><em>{escape(_('None yet.'))}</em></li>"
    return f'<section><h2>{escape(_("Changes"))} <small>({zone})</small></h2><ul id="changes">{items}</ul></section>'
