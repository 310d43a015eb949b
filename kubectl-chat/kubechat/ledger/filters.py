"""Record filters: the set `audit query` and the dashboard take, times as people write them, and
the SQL for them, shared by the local spool and the collector store (same columns)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from ..errors import UsageError
from .record import rfc3339

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time(value: str | None, now: datetime | None = None) -> str | None:
    """'30d' / '12h' (ago) or an ISO date/time → RFC 3339 UTC text comparable with record times."""
    if not value:
        return None
    now = now or datetime.now(UTC)
    m = _DURATION.match(value.strip())
    if m:
        when = now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    else:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise UsageError(
                f"cannot read time {value!r}", hint="use 30d, 12h, 2026-01-31 or 2026-01-31T12:00:00Z"
            ) from exc
    return rfc3339(when)


@dataclass
class Filters:
    username: str | None = None
    verb: str | None = None
    namespace: str | None = None
    risk: str | None = None
    decision: str | None = None
    stage: str | None = None
    since: str | None = None  # RFC 3339 (already parsed)
    until: str | None = None
    text: str | None = None

    def params(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


EQUAL_COLUMNS = ("username", "verb", "namespace", "risk", "decision", "stage")


def where(filters: dict, text_clause: str, text_arg) -> tuple[list[str], list]:
    """Clauses (with `?` placeholders) and arguments; `text_clause` takes `text_arg(text)`."""
    clauses, args = [], []
    for column in EQUAL_COLUMNS:
        if filters.get(column):
            clauses.append(f"{column} = ?")
            args.append(filters[column])
    if filters.get("since"):
        clauses.append("ts >= ?")
        args.append(filters["since"])
    if filters.get("until"):
        clauses.append("ts < ?")
        args.append(filters["until"])
    if filters.get("text"):
        clauses.append(text_clause)
        args.append(text_arg(filters["text"]))
    return clauses, args
