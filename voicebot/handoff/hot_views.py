"""The hot-topics page (热点诉求分析) and its CSV export, in the page language (``voicebot.i18n``)."""

from __future__ import annotations

import csv
import io
from html import escape

from voicebot.handoff import hot_labels, hot_svg
from voicebot.handoff.auth import Agent
from voicebot.handoff.hot_report import HotReport, keys
from voicebot.handoff.views import page
from voicebot.i18n import N_, _
from voicebot.workorder.book import WorkOrderBook

DIMENSION = {"category": N_("Category"), "district": N_("District"), "topic": N_("FAQ topic")}
"""What the page calls each spike dimension."""

WIDE = (' class="wide"', ' class="wide"', "", "", "")
"""The by-day chart and the heatmap take a whole row (their text stays full size); the bar charts pair up."""

CSV_BOM = "\ufeff"
"""Starts the CSV so that Excel reads it as UTF-8 (Chinese names) instead of the machine's code page."""


def key_name(book: WorkOrderBook, dimension: str, key: str) -> str:
    """Return a bounded key of a dimension in words."""
    if dimension == "category":
        return hot_labels.category_name(book, key)
    if dimension == "district":
        return hot_labels.district_name(book, key)
    return hot_labels.topic_name(key)


def _day(report: HotReport, index: int) -> str:
    return report.days[index].strftime("%m-%d")


def _spike_table(report: HotReport, book: WorkOrderBook) -> str:
    if not report.spikes:
        return f'<p id="no-spikes">{escape(_("No tickets or FAQ questions today nor on the compared days."))}</p>'
    heads = (_("Spike"), _("Of"), _("Name"), _("Today"), _("Same weekday, mean"), _("Ratio"))
    rows = []
    for row in report.spikes:
        s = row.spike
        ratio = "—" if s.ratio is None else f"{s.ratio:.1f}×"
        mark = f'<span class="flag">{escape(_("Spike"))}</span>' if s.flagged else ""
        rows.append(
            f'<tr class="{"spike" if s.flagged else ""}" data-dimension="{row.dimension}" data-key="{escape(row.key)}" '
            f'data-flagged="{str(s.flagged).lower()}"><td>{mark}</td><td>{escape(_(DIMENSION[row.dimension]))}</td>'
            f"<td>{escape(key_name(book, row.dimension, row.key))}</td><td>{s.today}</td>"
            f"<td>{s.baseline:.1f}</td><td>{ratio}</td></tr>"
        )
    return (f'<table id="spikes"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in heads)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def _summary(report: HotReport, book: WorkOrderBook) -> str:
    flagged = report.flagged
    if not flagged:
        return f'<p id="spike-summary">{escape(_("No spikes today."))}</p>'
    items = []
    for r in flagged:
        text = _("{of} {name}: today {n}, usually {mean}").format(
            of=_(DIMENSION[r.dimension]), name=key_name(book, r.dimension, r.key), n=r.spike.today,
            mean=f"{r.spike.baseline:.1f}",
        )  # fmt: skip
        items.append(f'<li class="err flag">{escape(text)}</li>')
    return f'<ul id="spike-summary">{"".join(items)}</ul>'


def _by_day_chart(report: HotReport, book: WorkOrderBook) -> str:
    series = [hot_svg.Series(hot_labels.category_name(book, key), tuple(report.series("category", key)))
              for key in keys(book, "category") if report.period_total("category", key)]  # fmt: skip
    columns = [_day(report, i) for i in range(len(report.days))]
    return hot_svg.stacked_columns("chart-days", _("Tickets by day and category"), columns, series)


def _heatmap(report: HotReport, book: WorkOrderBook) -> str:
    cats = [k for k in keys(book, "category") if report.period_total("category", k)]
    places = [k for k in keys(book, "district") if report.period_total("district", k)]
    if not cats:
        return f"<p>{escape(_('No tickets with a work order in these days.'))}</p>"
    return hot_svg.heatmap(
        "chart-heatmap", _("Tickets by category and district"), [hot_labels.category_name(book, c) for c in cats],
        [hot_labels.district_name(book, d) for d in places], [[report.cell(c, d) for d in places] for c in cats],
    )  # fmt: skip


def _flags(report: HotReport, dimension: str) -> set[str]:
    return {r.key for r in report.flagged if r.dimension == dimension}


def _today_bars(report: HotReport, book: WorkOrderBook, dimension: str, ident: str, title: str) -> str:
    flagged = _flags(report, dimension)
    counts = [(key, report.series(dimension, key)[-1]) for key in keys(book, dimension)]
    rows = [hot_svg.Bar(key_name(book, dimension, k), n, k in flagged)
            for k, n in sorted(counts, key=lambda kn: -kn[1]) if n]  # fmt: skip
    return hot_svg.bars(ident, title, rows)


def _topic_bars(report: HotReport, book: WorkOrderBook) -> str:
    flagged = _flags(report, "topic")
    totals = [(key, report.period_total("topic", key)) for key in keys(book, "topic")]
    rows = [hot_svg.Bar(hot_labels.topic_name(k), n, k in flagged)
            for k, n in sorted(totals, key=lambda kn: -kn[1]) if n]  # fmt: skip
    return hot_svg.bars("chart-topics", _("FAQ topics asked in these days"), rows)


def _figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>"


def hot_topics_page(agent: Agent, report: HotReport, book: WorkOrderBook, prefix: str, zone: str) -> str:
    """Return the supervisors' hot-topics page: spikes, then the charts (each also readable as the spike table)."""
    rule = report.rule
    explain = _(
        "A spike: today at least {ratio}× the mean of the same weekday over the last {weeks} weeks, and at "
        "least {min} tickets or questions. Days end at midnight ({zone})."
    ).format(ratio=f"{rule.spike_ratio:g}", weeks=rule.weeks, min=rule.spike_min_count, zone=zone or _("local time"))
    period = _("{first} to {last}").format(first=report.days[0].isoformat(), last=report.days[-1].isoformat())
    districts = _today_bars(report, book, "district", "chart-districts", _("Tickets today by district"))
    categories = _today_bars(report, book, "category", "chart-categories", _("Tickets today by category"))
    charts = (
        _figure(_("Tickets by day and category"), _by_day_chart(report, book)),
        _figure(_("Tickets by category and district"), _heatmap(report, book)),
        _figure(_("Tickets today by district"), districts),
        _figure(_("Tickets today by category"), categories),
        _figure(_("FAQ topics asked in these days"), _topic_bars(report, book)),
    )
    body = (
        f'<h1>{escape(_("Hot topics"))}</h1><p class="note">{escape(period)} · {escape(explain)} '
        f'<a id="hot-csv" href="{prefix}/hot-topics.csv">{escape(_("Download CSV"))}</a></p>'
        f"<section><h2>{escape(_('Spikes today'))}</h2>{_summary(report, book)}</section>"
        f'<div class="charts">{"".join(f"<section{w}>{c}</section>" for w, c in zip(WIDE, charts, strict=True))}</div>'
        f"<section><h2>{escape(_('Today against the same weekday'))}</h2>{_spike_table(report, book)}</section>"
    )
    return page(_("Hot topics"), body, agent, prefix, prefix + "/hot-topics")


def hot_topics_csv(report: HotReport, book: WorkOrderBook) -> str:
    """Return the charted days' counts as CSV with a BOM: one row per day and category x district, and per day and
    FAQ topic (codes for machines, names in the page language for people; zero counts left out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Date"), _("Counted"), _("Category code"), _("Category"), _("District"), _("FAQ topic code"),
                     _("FAQ topic"), _("Count")])  # fmt: skip
    for day in report.days:
        for (d, cat, place), n in sorted(report.counts.tickets.items()):
            if d == day and n:
                writer.writerow([day.isoformat(), _("tickets"), cat, hot_labels.category_name(book, cat),
                                 hot_labels.district_name(book, place), "", "", n])  # fmt: skip
        for (d, topic), n in sorted(report.counts.topics.items()):
            if d == day and n:
                name = hot_labels.topic_name(topic)
                writer.writerow([day.isoformat(), _("FAQ questions"), "", "", "", topic, name, n])
    return CSV_BOM + out.getvalue()

