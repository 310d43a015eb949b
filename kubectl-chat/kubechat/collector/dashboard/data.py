"""What the dashboard pages show: record pages read through the collector service (bodies\ndecrypted there, one page at a time); the overview and chain table from the summaries kept at ingest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from ...errors import UsageError
from ...ledger.filters import Filters, parse_time
from ...ledger.record import Record

PAGE = 1000  # records per store read when walking a whole range
# Records per store read for an export: a page decoded is about 12 KB a record in memory, and an
# export holds one page at a time whatever its length.
EXPORT_PAGE = 250
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


def walk(service, filters: Filters, size: int = PAGE) -> Iterator[Row]:
    after = -1
    while True:
        rows, after = page(service, filters, after, size)
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


def overview(service, filters: Filters) -> Overview:
    """From the summaries kept at ingest (SQL sums, nothing decrypted): whole UTC days.
    A text search is not summarised: it raises UsageError (the trail searches text)."""
    if filters.text:
        raise UsageError("the overview cannot search text: use the trail for a text search")
    with service.store.read() as tx:
        sums = tx.activity(filters.params())
    out = Overview(totals=Counter({s: sums["totals"][s] for s in SERIES}))
    out.confirmed = sums["totals"]["confirmed"]
    out.policy_denied = sums["totals"]["policy_denied"]
    out.rbac_denied = sums["totals"]["rbac_denied"]
    out.by = {
        dim: Counter({(value or "(none)"): n for value, n in sums[column]})
        for dim, column in (
            ("cluster", "cluster"),
            ("namespace", "namespace"),
            ("user", "username"),
            ("risk", "risk"),
        )
    }
    out.top_reasons = sums["reasons"]
    days = sums["days"]
    if days:
        first, last = date.fromisoformat(days[0][0]), date.fromisoformat(days[-1][0])
        # a bucket size that keeps the timeline to a readable number of points
        out.bucket, width = ("day", 10) if last - first <= timedelta(days=120) else ("month", 7)
        buckets: dict[str, Counter] = {}
        for day, counts in days:
            buckets.setdefault(day[:width], Counter()).update({s: counts[s] for s in SERIES})
        out.timeline = [{"bucket": label, **{s: c[s] for s in SERIES}} for label, c in buckets.items()]
    return out
