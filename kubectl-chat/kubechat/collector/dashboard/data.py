"""What the dashboard pages show, read through the collector service (bodies decrypted there)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...audit.query import Filters, parse_time
from ...audit.record import Record
from ...audit.report import build, is_denied

PAGE = 1000  # records per store read when walking a whole range
SERIES = ("requests", "commands", "writes", "destructive", "denied")
FILTER_FIELDS = ("username", "since", "until", "namespace", "verb", "risk", "decision", "stage", "text")


@dataclass
class Row:
    leaf_index: int
    record: Record
    bundle_status: str | None = None


def filters_from(params) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters, and the parameters as typed (for the form and links).
    A time that cannot be read raises UsageError (a clear one-line message)."""
    typed = {k: (params.get(k) or "").strip() for k in FILTER_FIELDS}
    values = {k: v or None for k, v in typed.items()}
    values["since"] = parse_time(values["since"])
    values["until"] = parse_time(values["until"])
    return Filters(**values), {k: v for k, v in typed.items() if v}


def _rows(items: list[dict]) -> list[Row]:
    rows = []
    for item in items:
        index = item.pop("leafIndex")
        status = item.pop("policyBundleStatus", None)  # the collector's verdict, not part of the record
        rows.append(Row(index, Record.model_validate(item), status))
    return rows


def page(service, filters: Filters, after: int | str, size: int) -> tuple[list[Row], int | str | None]:
    answer = service.query(filters.params(), after, size)
    return _rows(answer["items"]), answer["next"]


def walk(service, filters: Filters) -> Iterator[Row]:
    after = -1
    while True:
        rows, after = page(service, filters, after, PAGE)
        yield from rows
        if after is None:
            return


def one(service, leaf_index: int) -> Row | None:
    rows, _ = page(service, Filters(), leaf_index - 1, 1)
    return rows[0] if rows and rows[0].leaf_index == leaf_index else None


# -- overview ------------------------------------------------------------------------------------
@dataclass
class Overview:
    totals: Counter = field(default_factory=Counter)
    timeline: list[dict] = field(default_factory=list)  # {"bucket": label, series...}
    bucket: str = "day"
    by: dict[str, Counter] = field(default_factory=dict)  # dimension → value → requests
    confirmed: int = 0
    policy_denied: int = 0
    rbac_denied: int = 0
    top_reasons: list[tuple[str, int]] = field(default_factory=list)

    def share(self, n: int) -> str:
        total = self.totals["requests"]
        return f"{100 * n / total:.1f}%" if total else "0.0%"


def _counts(record: Record) -> dict[str, int]:
    return {
        "requests": 1,
        # a command ran when kubectl gave an exit code
        "commands": int(record.responseStatus.code is not None),
        "writes": int(record.risk == "write"),
        "destructive": int(record.risk == "destructive"),
        "denied": int(is_denied(record)),
    }


def _bucketing(first: datetime, last: datetime) -> tuple[str, str]:
    """A bucket size that keeps the timeline to a readable number of points."""
    span = last - first
    if span <= timedelta(days=2):
        return "hour", "%Y-%m-%d %H:00"
    if span <= timedelta(days=120):
        return "day", "%Y-%m-%d"
    return "month", "%Y-%m"


def _when(record: Record) -> datetime:
    return datetime.fromisoformat(record.requestReceivedTimestamp.replace("Z", "+00:00"))


def overview(records: list[Record]) -> Overview:
    out = Overview()
    dims = {"cluster": Counter(), "namespace": Counter(), "user": Counter(), "risk": Counter()}
    for record in records:
        out.totals.update(_counts(record))
        dims["cluster"][record.cluster.name or record.cluster.server or "(none)"] += 1
        dims["namespace"][record.objectRef.namespace or "(none)"] += 1
        dims["user"][record.user.username] += 1
        dims["risk"][record.risk] += 1
        out.confirmed += record.confirmation != "none"
        out.policy_denied += record.policy.decision == "deny"
        out.rbac_denied += record.rbac.allowed is False
    out.by = {k: Counter(dict(v.most_common(20))) for k, v in dims.items()}
    out.top_reasons = build(records, since=None, until=None, integrity="").denials_by_reason.most_common(10)
    if records:
        times = [_when(r) for r in records]
        out.bucket, fmt = _bucketing(min(times), max(times))
        buckets: dict[str, Counter] = {}
        for when, record in sorted(zip(times, records, strict=True), key=lambda p: p[0]):
            buckets.setdefault(when.strftime(fmt), Counter()).update(_counts(record))
        out.timeline = [{"bucket": label, **{s: c[s] for s in SERIES}} for label, c in buckets.items()]
    return out
