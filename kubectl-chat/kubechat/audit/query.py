"""Find records in the local spool or at the collector with one set of filters."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from .. import https as http
from ..errors import AuditError
from ..ledger.filters import Filters, parse_time
from ..ledger.record import Record
from .spool import Spool

__all__ = ["Filters", "from_collector", "from_spool", "parse_time"]


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
