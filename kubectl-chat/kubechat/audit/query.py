"""Find records in the local spool or at the collector with one set of filters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import httpx

from ..errors import AuditError, UsageError
from . import http
from .record import Record, rfc3339
from .spool import Spool

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


def from_spool(spool: Spool, filters: Filters, limit: int | None = None) -> Iterator[Record]:
    for n, record in enumerate(spool.records(**filters.params())):
        if limit is not None and n >= limit:
            return
        yield record


def from_collector(
    url: str,
    filters: Filters,
    *,
    token: str | None = None,
    ca_file: str | None = None,
    limit: int | None = None,
    page_size: int = 500,
) -> Iterator[Record]:
    """Page through GET /v1/records (cursor pagination)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    params = filters.params()
    got = 0
    cursor = None
    with http.client(ca_file) as client:
        while True:
            page = dict(params, limit=str(page_size))
            if cursor is not None:
                page["after"] = str(cursor)
            try:
                resp = client.get(url.rstrip("/") + "/v1/records", params=page, headers=headers)
            except httpx.HTTPError as exc:
                raise AuditError(f"cannot reach the collector at {url}: {exc}") from exc
            if resp.status_code != 200:
                raise AuditError(f"collector answered HTTP {resp.status_code}: {resp.text[:300]}")
            data = resp.json()
            for item in data["items"]:
                if limit is not None and got >= limit:
                    return
                item.pop("leafIndex", None)
                item.pop("policyBundleStatus", None)  # the collector's verdict, not part of the record
                yield Record.model_validate(item)
                got += 1
            cursor = data.get("next")
            if cursor is None:
                return
