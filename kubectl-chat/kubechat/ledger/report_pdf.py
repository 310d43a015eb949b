"""The evidence report as a PDF (reportlab), with charts of activity (matplotlib). Both come with
the `collector` extra; the plugin never imports them."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

from .report import (
    CONTROL_COLUMNS,
    EXCEPTION_COLUMNS,
    NO_EXCEPTIONS,
    TITLE,
    ReportData,
    exception_rows,
    summary,
    tables,
)

# Colour-blind-safe (Okabe-Ito) colours, one per kind of bar.
RISK_COLOURS = {"read": "#0072B2", "write": "#E69F00", "destructive": "#D55E00", "unknown": "#999999"}
OUTCOME_COLOURS = {"ran": "#009E73", "denied": "#D55E00", "cancelled": "#E69F00", "other": "#999999"}
CHART_SIZE_IN = (5.2, 2.6)


def requests_per_day(data: ReportData) -> bytes:
    """Requests per day, stacked by risk, as PNG bytes; days without requests show as gaps."""
    days = _days(data)
    fig, ax = _figure()
    bottom = [0] * len(days)
    for risk, colour in RISK_COLOURS.items():
        counts = [data.by_day.get(d.isoformat(), {}).get(risk, 0) for d in days]
        if any(counts):
            ax.bar(range(len(days)), counts, bottom=bottom, color=colour, label=risk, width=0.8)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title("Requests per day, by risk", fontsize=9)
    ax.set_ylabel("requests", fontsize=8)
    _integer_axis(ax.yaxis)
    step = max(1, len(days) // 10)  # at most about ten dates under the bars
    ax.set_xticks(range(0, len(days), step), [d.strftime("%d %b") for d in days[::step]])
    return _png(fig, ax)


def outcomes_by_user(data: ReportData) -> bytes:
    """What became of each user's requests (ran, denied, cancelled), as PNG bytes."""
    users = list(data.by_user)[::-1] or ["(none)"]
    fig, ax = _figure()
    left = [0] * len(users)
    for outcome, colour in OUTCOME_COLOURS.items():
        counts = [data.by_user.get(u, {}).get(outcome, 0) for u in users]
        if any(counts):
            ax.barh(users, counts, left=left, color=colour, label=outcome, height=0.6)
            left = [a + c for a, c in zip(left, counts, strict=True)]
    ax.set_title("Outcome of each user's requests", fontsize=9)
    ax.set_xlabel("requests", fontsize=8)
    _integer_axis(ax.xaxis)
    return _png(fig, ax)


def _days(data: ReportData) -> list[date]:
    start = date.fromisoformat((data.since or data.first or data.generated)[:10])
    end = date.fromisoformat((data.until or data.generated)[:10])
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _figure():
    from matplotlib.figure import Figure  # no pyplot: no global state, no display backend

    fig = Figure(figsize=CHART_SIZE_IN, dpi=150, layout="constrained")
    ax = fig.add_subplot()
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _integer_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _png(fig, ax) -> bytes:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def write(data: ReportData, path: str) -> None:
    from ..lean_imports import require_collector_extra

    require_collector_extra("reportlab", "matplotlib")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = body.clone("small", fontSize=7.5, leading=9)
    bold = small.clone("bold", fontName="Helvetica-Bold")
    page_w = landscape(A4)[0] - 4 * cm

    def para(text: str, style=small) -> Paragraph:
        return Paragraph(html.escape(text).replace("\n", "<br/>"), style)

    def table(cols: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Table:
        t = Table(
            [[para(c, bold) for c in cols], *[[para(v) for v in r] for r in rows]],
            colWidths=[w * page_w for w in widths] if widths else None,
            repeatRows=1,
        )
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    def section(text: str, content) -> list:
        """A heading kept on the page of what it heads."""
        return [Spacer(1, 10), KeepTogether([Paragraph(html.escape(text), styles["Heading2"]), content])]

    facts = Table(
        [[para(k, bold), para(v)] for k, v in summary(data)], colWidths=[0.2 * page_w, 0.8 * page_w]
    )
    facts.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story = [Paragraph(html.escape(TITLE), styles["Title"]), facts]
    if data.exceptions:
        story += section(
            "Exceptions", table(EXCEPTION_COLUMNS, exception_rows(data), [0.14, 0.12, 0.4, 0.34])
        )
    else:
        story += section("Exceptions", para(NO_EXCEPTIONS, body))
    rows = [[c.name, c.result, "\n".join(c.evidence)] for c in data.controls]
    story += section("Controls", table(CONTROL_COLUMNS, rows, [0.25, 0.08, 0.67]))
    charts = [
        Image(io.BytesIO(png), width=12 * cm, height=6 * cm)
        for png in (requests_per_day(data), outcomes_by_user(data))
    ]
    story += section("Activity", Table([charts]))
    widths = {
        "Activity by user": None,
        "Writes and destructive operations": [0.12, 0.1, 0.36, 0.07, 0.07, 0.1, 0.1, 0.08],
        "Denials": [0.12, 0.1, 0.3, 0.08, 0.4],
        "Denials by reason": [0.85, 0.15],
    }
    for title, cols, rows in tables(data):
        story += section(title, table(cols, rows, widths[title]) if rows else para("none", body))

    def footer(canvas, doc) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.drawString(2 * cm, 1 * cm, f"{TITLE} · {summary(data)[0][1]}")
        canvas.drawRightString(landscape(A4)[0] - 2 * cm, 1 * cm, f"page {doc.page}")

    SimpleDocTemplate(
        path,
        pagesize=landscape(A4),
        title=TITLE,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.8 * cm,
    ).build(story, onFirstPage=footer, onLaterPages=footer)
