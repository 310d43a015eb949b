"""SOC 2-style evidence report over a time window: who did what, which changes were confirmed,
what policy or RBAC denied, and whether the trail verified."""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .formats import flat
from .record import Record, now_rfc3339


@dataclass
class ReportData:
    since: str | None
    until: str | None
    generated: str
    integrity: str
    total: int = 0
    by_user: dict[str, Counter] = field(default_factory=dict)
    changes: list[dict[str, str]] = field(default_factory=list)  # writes and destructive operations
    denials: list[dict[str, str]] = field(default_factory=list)
    denials_by_reason: Counter = field(default_factory=Counter)


def is_denied(record: Record) -> bool:
    """Turned down by policy, by RBAC, or before it ran."""
    return record.policy.decision == "deny" or record.rbac.allowed is False or record.stage == "Denied"


def build(records: list[Record], *, since: str | None, until: str | None, integrity: str) -> ReportData:
    data = ReportData(since=since, until=until, generated=now_rfc3339(), integrity=integrity)
    by_user: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        data.total += 1
        f = flat(record)
        counts = by_user[record.user.username]
        counts["requests"] += 1
        counts[record.risk] += 1
        if is_denied(record):
            counts["denied"] += 1
            data.denials.append(f)
            if record.policy.decision == "deny":
                for reason in record.policy.reasons or ["policy denied"]:
                    data.denials_by_reason[f"policy: {reason}"] += 1
            if record.rbac.allowed is False:
                data.denials_by_reason[f"rbac: {record.rbac.reason or 'not allowed'}"] += 1
        if record.stage == "Cancelled":
            counts["cancelled"] += 1
        if record.risk in ("write", "destructive") and record.stage != "KeyRotation":
            data.changes.append(f)
    data.by_user = dict(sorted(by_user.items()))
    return data


_USER_COLS = ["requests", "read", "write", "destructive", "denied", "cancelled"]
_CHANGE_COLS = [
    "requestReceivedTimestamp",
    "username",
    "argv",
    "risk",
    "decision",
    "confirmation",
    "stage",
    "exitCode",
]
_DENIAL_COLS = ["requestReceivedTimestamp", "username", "argv", "decision", "reasons", "rbac"]


def _sections(data: ReportData):
    users = [[u, *[str(c[k]) for k in _USER_COLS]] for u, c in data.by_user.items()]
    changes = [[r[k] for k in _CHANGE_COLS] for r in data.changes]
    denials = [[r[k] for k in _DENIAL_COLS] for r in data.denials]
    reasons = [[reason, str(n)] for reason, n in data.denials_by_reason.most_common()]
    return [
        ("Activity by user", ["user", *_USER_COLS], users),
        ("Writes and destructive operations", _CHANGE_COLS, changes),
        ("Denials", _DENIAL_COLS, denials),
        ("Denials by reason", ["reason", "count"], reasons),
    ]


def _summary(data: ReportData) -> list[str]:
    return [
        f"Period: {data.since or 'beginning'} to {data.until or 'now'}",
        f"Generated: {data.generated}",
        f"Records: {data.total}",
        f"Integrity: {data.integrity}",
    ]


def render_md(data: ReportData) -> str:
    def cell(v: str) -> str:
        return v.replace("|", "\\|").replace("\n", " ")

    lines = ["# kubectl chat audit evidence report", ""]
    lines += [f"- {line}" for line in _summary(data)]
    for title, cols, rows in _sections(data):
        lines += ["", f"## {title}", ""]
        if not rows:
            lines.append("_none_")
            continue
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_html(data: ReportData) -> str:
    e = html.escape
    out = [
        "<!doctype html><html><head><meta charset='utf-8'><title>kubectl chat audit evidence report</title>",
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;"
        "padding:2px 6px;font-size:12px}</style></head><body>",
        "<h1>kubectl chat audit evidence report</h1><ul>",
        *[f"<li>{e(line)}</li>" for line in _summary(data)],
        "</ul>",
    ]
    for title, cols, rows in _sections(data):
        out.append(f"<h2>{e(title)}</h2>")
        if not rows:
            out.append("<p><em>none</em></p>")
            continue
        out.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>")
        out += ["<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in rows]
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_pdf(data: ReportData, path: str) -> None:
    from ..lean_imports import require_collector_extra

    require_collector_extra("reportlab")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    story = [Paragraph("kubectl chat audit evidence report", styles["Title"])]
    story += [Paragraph(html.escape(line), styles["BodyText"]) for line in _summary(data)]
    for title, cols, rows in _sections(data):
        story += [Spacer(1, 8), Paragraph(html.escape(title), styles["Heading2"])]
        if not rows:
            story.append(Paragraph("none", styles["BodyText"]))
            continue
        table = Table([[Paragraph(html.escape(v), small) for v in r] for r in [cols, *rows]], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ]
            )
        )
        story.append(table)
    SimpleDocTemplate(path, pagesize=landscape(A4), title="kubectl chat audit evidence report").build(story)
