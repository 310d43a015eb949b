"""`kubectl chat audit status`: where records go and how far behind shipping is."""

from __future__ import annotations

import time
from pathlib import Path

from . import autoship, locate
from .terminal import printable


def status(options, spool: Path | None = None, ask_cluster: bool = True, now: float | None = None) -> dict:
    """The collector in use (URL, and whether it came from env, config or the cluster), the
    backlog, and what the last shipper saw."""
    from ..kubeconfig_info import resolve

    path = autoship.spool_path(spool)
    try:
        server = resolve(options).server
    except Exception:  # noqa: BLE001 - no kubeconfig: only a configured collector is known
        server = None
    found = locate.candidate(options, server, ask_cluster=ask_cluster)
    count, oldest = autoship.backlog(path)
    state = autoship.read_state(path)
    collector = None
    if found is not None:
        collector = {"url": found.url, "source": found.source, "server": found.server}
        if why := locate.untrusted_reason(found):
            collector["untrusted"] = why
    return {
        "collector": collector,
        "pending": count,
        "oldestPending": oldest,
        "oldestPendingAgeSeconds": autoship.age_seconds(oldest, now if now is not None else time.time()),
        "lastSuccess": state.get("last_success"),
        "lastAttempt": state.get("last_attempt"),
        "lastError": state.get("last_error"),
    }


def _age(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def describe(data: dict) -> str:
    c = data["collector"]
    where = f"{c['url']} ({c['source']}{' from ' + c['server'] if c.get('server') else ''})" if c else "none"
    lines = [
        f"collector:      {where}",
        f"pending:        {data['pending']}"
        + (f" (oldest {_age(data['oldestPendingAgeSeconds'])} old)" if data["pending"] else ""),
        f"last shipped:   {data['lastSuccess'] or 'never'}",
        f"last error:     {printable(data['lastError']) if data['lastError'] else 'none'}",
    ]
    if c and c.get("untrusted"):
        lines.insert(1, f"not used:       {c['untrusted']}")
    return "\n".join(lines)
