"""SOC 2-style evidence report over a time window: the exceptions first, then each control with
its result and the evidence for it (changes confirmed, destructive ones typed, denials by reason,
RBAC pre-checks, integrity with the signed checkpoint and the keys' fingerprints), then activity.

Everything here is words and numbers for people: human column names, dates, outcomes in words.
The PDF (report_pdf.py) and the HTML and Markdown renderings all read the same ReportData."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from .filters import parse_time
from .record import Record, now_rfc3339

CHANGE_RISKS = ("write", "destructive")
# Records of a command that reached kubectl (a failed run ran too).
RAN_STAGES = ("ResponseComplete", "Failed")

STAGE_WORDS = {
    "ResponseComplete": "ran",
    "Failed": "ran, failed",
    "Cancelled": "cancelled",
    "Denied": "denied",
    "DryRun": "server dry run only",
    "Clarification": "question asked back",
    "KeyRotation": "signing key rotated",
}
CONFIRM_WORDS = {"none": "none", "yes": "answered yes", "typed": "typed the name"}
DECISION_WORDS = {"allow": "allowed", "deny": "denied", "error": "policy error", "none": "not evaluated"}


@dataclass
class Integrity:
    """What verifying the trail found, as the integrity control shows it."""

    ok: bool
    detail: str  # the verifier's own words
    signing_keys: list[tuple[str, str]] = field(default_factory=list)  # (key id, fingerprint)
    checkpoint: dict | None = None  # the newest signed collector checkpoint: treeSize, rootHash, timestamp
    checkpoint_key: str | None = None  # fingerprint of the key its signature was checked with
    checkpoint_how: str | None = None  # where that key came from; None: the signature was not checked


@dataclass
class Control:
    name: str
    result: str  # "met", "not met", "no activity" or "enforced"
    evidence: list[str]


@dataclass
class Exception_:
    when: str
    user: str
    command: str
    problem: str


@dataclass
class ReportData:
    since: str | None  # RFC 3339, or None: from the first record
    until: str | None  # RFC 3339, or None: to the time of the report
    generated: str
    integrity: Integrity
    total: int = 0
    first: str | None = None  # the oldest and newest record in the window
    last: str | None = None
    by_user: dict[str, Counter] = field(default_factory=dict)
    by_day: dict[str, Counter] = field(default_factory=dict)  # YYYY-MM-DD → requests by risk
    changes: list[Record] = field(default_factory=list)  # writes and destructive operations
    denials: list[Record] = field(default_factory=list)
    denials_by_reason: Counter = field(default_factory=Counter)
    controls: list[Control] = field(default_factory=list)
    exceptions: list[Exception_] = field(default_factory=list)


def is_denied(record: Record) -> bool:
    """Turned down by policy, by RBAC, or before it ran."""
    return record.policy.decision == "deny" or record.rbac.allowed is False or record.stage == "Denied"


def ran(record: Record) -> bool:
    return record.stage in RAN_STAGES and record.responseStatus.code is not None


def build(
    records: list[Record], *, since: str | None, until: str | None, integrity: Integrity | str
) -> ReportData:
    if isinstance(integrity, str):  # only a verifier's words: nothing says the trail verified
        integrity = Integrity(ok=False, detail=integrity or "not verified")
    data = ReportData(
        since=parse_time(since), until=parse_time(until), generated=now_rfc3339(), integrity=integrity
    )
    by_user: dict[str, Counter] = defaultdict(Counter)
    by_day: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        if record.stage == "KeyRotation":
            continue  # the chain's own bookkeeping, not a request
        data.total += 1
        when = record.requestReceivedTimestamp
        data.first = min(data.first or when, when)
        data.last = max(data.last or when, when)
        by_day[when[:10]][record.risk] += 1
        counts = by_user[record.user.username]
        counts["requests"] += 1
        counts[record.risk] += 1
        counts[_outcome(record)] += 1
        if is_denied(record):
            data.denials.append(record)
            data.denials_by_reason.update(denial_reasons(record))
        if record.risk in CHANGE_RISKS:
            data.changes.append(record)
    data.by_user = dict(sorted(by_user.items()))
    data.by_day = dict(sorted(by_day.items()))
    data.controls = _controls(records, data)
    data.exceptions = _exceptions(records, integrity)
    return data


def _outcome(record: Record) -> str:
    if is_denied(record):
        return "denied"
    if ran(record):
        return "ran"
    if record.stage == "Cancelled":
        return "cancelled"
    return "other"


def denial_reasons(record: Record) -> list[str]:
    """Why a denied request was refused: 'policy: …' and 'rbac: …', with the values the command's
    own redaction hides hidden here too. The dashboard's summaries count these same strings."""
    from .redact import redact_argv, redact_text

    _, secrets = redact_argv(record.argv)
    reasons = []
    if record.policy.decision == "deny":
        reasons += [f"policy: {redact_text(r, secrets)}" for r in record.policy.reasons or ["policy denied"]]
    if record.rbac.allowed is False:
        reasons.append(f"rbac: {redact_text(record.rbac.reason or 'not allowed', secrets)}")
    return reasons


def human_reason(reason: str) -> str:
    """'Policy: read-only mode: scale is …' from 'policy: read-only mode: `scale` is …'."""
    source, _, text = reason.partition(": ")
    return f"{ {'policy': 'Policy', 'rbac': 'RBAC'}.get(source, source) }: {plain(text)}"


def _controls(records: list[Record], data: ReportData) -> list[Control]:
    requests = [r for r in records if r.stage != "KeyRotation"]
    changes = [r for r in requests if r.risk in CHANGE_RISKS and ran(r)]
    confirmed = [r for r in changes if r.confirmation in ("yes", "typed")]
    destructive = [r for r in changes if r.risk == "destructive"]
    typed = [r for r in destructive if r.confirmation == "typed"]
    executed = [r for r in requests if ran(r)]
    prechecked = [r for r in executed if r.rbac.allowed is not None]
    rbac_refused = [r for r in requests if r.rbac.allowed is False]
    policy_refused = [r for r in requests if r.policy.decision == "deny"]
    cancelled = [r for r in requests if r.stage == "Cancelled"]

    def result(done: list, of: list) -> str:
        return "no activity" if not of else ("met" if len(done) == len(of) else "not met")

    answered = sum(r.confirmation == "yes" for r in confirmed)
    integ = data.integrity
    evidence = [integ.detail]
    if integ.signing_keys:
        evidence += [f"Signing key {kid}, fingerprint {fp}" for kid, fp in integ.signing_keys]
    else:
        evidence.append("Signing keys: none known on this machine")
    if integ.checkpoint:
        cp = integ.checkpoint
        checked = (
            f"signature verified with {integ.checkpoint_how}, fingerprint {integ.checkpoint_key}"
            if integ.checkpoint_how
            else "signature not checked: give the collector's key (--collector-key) to check it"
        )
        evidence.append(
            f"Signed checkpoint: {cp['treeSize']} entries, root {cp['rootHash']}, "
            f"signed {human_time(cp['timestamp'])} UTC; {checked}"
        )
    else:
        evidence.append("Signed checkpoint: none yet (no record of the period has reached the collector)")
    return [
        Control(
            "Every change was confirmed before it ran",
            result(confirmed, changes),
            [
                f"{len(confirmed)} of {len(changes)} changes that ran were confirmed "
                f"({answered} answered yes, {len(confirmed) - answered} typed the object's name)",
                f"{count(len(cancelled), 'request')} cancelled at the confirmation or while running",
            ],
        ),
        Control(
            "Every destructive change was confirmed by typing the object's name",
            result(typed, destructive),
            [f"{len(typed)} of {len(destructive)} destructive changes that ran were typed"],
        ),
        Control(
            "Requests the policy or RBAC refuses do not run",
            "enforced" if not any(ran(r) for r in policy_refused) else "not met",
            [
                f"{count(len(data.denials), 'request')} denied: {len(policy_refused)} by policy, "
                f"{len(rbac_refused)} by the RBAC pre-check",
                *[f"{n} × {human_reason(reason)}" for reason, n in data.denials_by_reason.most_common()],
            ],
        ),
        Control(
            "Commands are pre-checked against RBAC before they run",
            result([r for r in changes if r.rbac.allowed], changes),
            [
                f"{len(prechecked)} of {len(executed)} commands that ran were pre-checked "
                f"(SelfSubjectAccessReview), {len([r for r in changes if r.rbac.allowed])} of "
                f"the {len(changes)} changes among them",
                f"{count(len(rbac_refused), 'request')} refused by the pre-check, never run",
            ],
        ),
        Control("The audit trail is intact and signed", "met" if integ.ok else "not met", evidence),
    ]


def _exceptions(records: list[Record], integrity: Integrity) -> list[Exception_]:
    out = []
    if not integrity.ok:
        out.append(Exception_("", "", "the audit trail", f"integrity check failed: {integrity.detail}"))
    for r in records:
        problems = []
        if r.risk in CHANGE_RISKS and ran(r):
            if r.confirmation not in ("yes", "typed"):
                problems.append("change ran without confirmation")
            elif r.risk == "destructive" and r.confirmation != "typed":
                problems.append("destructive change ran without a typed confirmation")
            if not r.rbac.allowed:
                problems.append("change ran without an RBAC pre-check")
        if ran(r) and r.policy.decision == "deny":
            problems.append("ran although the policy denied it")
        if problems:
            out.append(
                Exception_(
                    human_time(r.requestReceivedTimestamp), r.user.username, command(r), "; ".join(problems)
                )
            )
    return out


# --- words for people --------------------------------------------------------------------------------


def human_time(ts: str | None) -> str:
    """'2026-11-29 22:40:12' (UTC, as the column names say) from RFC 3339."""
    if not ts:
        return ""
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M:%S")


def count(n: int, noun: str) -> str:
    """'1 request', '3 requests'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def human_date(ts: str) -> str:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).strftime("%d %B %Y, %H:%M UTC")


def plain(text: str) -> str:
    """Policy reasons quote commands in backticks; people read them without."""
    return re.sub(r"`([^`]*)`", r"\1", text).replace("`", "")


def command(record: Record) -> str:
    return " ".join(["kubectl", *record.argv]) if record.argv else f"(no command) {record.request}"


def period(data: ReportData) -> str:
    start = data.since or data.first
    end = data.until or data.generated
    if start is None:
        return f"up to {human_date(end)} (no records)"
    return f"{human_date(start)} to {human_date(end)}"


def summary(data: ReportData) -> list[tuple[str, str]]:
    return [
        ("Period", period(data)),
        ("Generated", human_date(data.generated)),
        ("Requests recorded", str(data.total)),
        ("Exceptions", str(len(data.exceptions))),
        ("Integrity", "verified" if data.integrity.ok else "FAILED"),
    ]


USER_COLUMNS = ["User", "Requests", "Reads", "Writes", "Destructive", "Ran", "Denied", "Cancelled"]
CHANGE_COLUMNS = ["Time (UTC)", "User", "Command", "Risk", "Policy", "Confirmation", "Outcome", "Exit code"]
DENIAL_COLUMNS = ["Time (UTC)", "User", "Command", "Refused by", "Reason"]
EXCEPTION_COLUMNS = ["Time (UTC)", "User", "Command", "Exception"]
CONTROL_COLUMNS = ["Control", "Result", "Evidence"]


def tables(data: ReportData) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables after the controls, in order: (title, columns, rows)."""
    keys = ["requests", "read", "write", "destructive", "ran", "denied", "cancelled"]
    users = [[u, *[str(c[k]) for k in keys]] for u, c in data.by_user.items()]
    changes = [
        [
            human_time(r.requestReceivedTimestamp),
            r.user.username,
            command(r),
            r.risk,
            DECISION_WORDS.get(r.policy.decision, r.policy.decision),
            CONFIRM_WORDS.get(r.confirmation, r.confirmation),
            STAGE_WORDS.get(r.stage, r.stage),
            "" if r.responseStatus.code is None else str(r.responseStatus.code),
        ]
        for r in data.changes
    ]
    denials = [
        [
            human_time(r.requestReceivedTimestamp),
            r.user.username,
            command(r),
            "policy"
            if r.policy.decision == "deny"
            else ("RBAC" if r.rbac.allowed is False else "kubectl chat"),
            "; ".join(human_reason(x) for x in denial_reasons(r)) or "refused before it ran",
        ]
        for r in data.denials
    ]
    reasons = [[human_reason(reason), str(n)] for reason, n in data.denials_by_reason.most_common()]
    return [
        ("Activity by user", USER_COLUMNS, users),
        ("Writes and destructive operations", CHANGE_COLUMNS, changes),
        ("Denials", DENIAL_COLUMNS, denials),
        ("Denials by reason", ["Reason", "Count"], reasons),
    ]


def exception_rows(data: ReportData) -> list[list[str]]:
    return [[e.when, e.user, e.command, e.problem] for e in data.exceptions]


NO_EXCEPTIONS = "None: every control held for every request in the period."
TITLE = "kubectl chat audit evidence report"


def render_md(data: ReportData) -> str:
    def cell(v: str) -> str:
        return v.replace("|", "\\|").replace("\n", " ")

    def table(cols: list[str], rows: list[list[str]]) -> list[str]:
        out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        return out + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]

    lines = [f"# {TITLE}", ""]
    lines += [f"- {k}: {v}" for k, v in summary(data)]
    lines += ["", "## Exceptions", ""]
    lines += table(EXCEPTION_COLUMNS, exception_rows(data)) if data.exceptions else [NO_EXCEPTIONS]
    lines += ["", "## Controls", ""]
    lines += table(CONTROL_COLUMNS, [[c.name, c.result, "; ".join(c.evidence)] for c in data.controls])
    for title, cols, rows in tables(data):
        lines += ["", f"## {title}", ""]
        lines += table(cols, rows) if rows else ["_none_"]
    return "\n".join(lines) + "\n"


def render_html(data: ReportData) -> str:
    e = html.escape

    def table(cols: list[str], rows: list[list[str]]) -> str:
        head = "<tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"
        return (
            "<table>"
            + head
            + "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in r) + "</tr>" for r in rows)
            + "</table>"
        )

    out = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(TITLE)}</title>",
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;"
        "padding:2px 6px;font-size:12px;text-align:left;vertical-align:top}</style></head><body>",
        f"<h1>{e(TITLE)}</h1>",
        table(["", ""], summary(data)),
        "<h2>Exceptions</h2>",
        table(EXCEPTION_COLUMNS, exception_rows(data)) if data.exceptions else f"<p>{e(NO_EXCEPTIONS)}</p>",
        "<h2>Controls</h2>",
        table(CONTROL_COLUMNS, [[c.name, c.result, "\n".join(c.evidence)] for c in data.controls]),
    ]
    for title, cols, rows in tables(data):
        out.append(f"<h2>{e(title)}</h2>")
        out.append(table(cols, rows) if rows else "<p><em>none</em></p>")
    out.append("</body></html>")
    return "\n".join(out)


def write_pdf(data: ReportData, path: str) -> None:
    from .report_pdf import write

    write(data, path)
