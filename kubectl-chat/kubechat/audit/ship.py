"""Deliver spooled records to the collector: batches in chain order, at least once.

A record is marked shipped only after the collector answers that it stored it (or already had
it: ingest is idempotent by auditID), so a crash anywhere re-sends rather than loses. Transport
failures and 5xx answers are retried with exponential backoff; nothing here raises through the
user's command — the result says what happened.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ..errors import AuditError
from . import http
from .record import UNVERIFIED_USERS, now_rfc3339
from .sign import encode_public, sign

REGISTRATION_PURPOSE = "kubechat-audit-key-registration"


@dataclass
class ShipResult:
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (auditID, reason)
    pending: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.rejected

    def describe(self) -> str:
        parts = [f"shipped {self.accepted} new, {self.duplicates} already at the collector"]
        if self.rejected:
            aid, why = self.rejected[0]
            parts.append(f"{len(self.rejected)} rejected (first: {aid}: {why})")
        if self.error:
            parts.append(f"stopped: {self.error}")
        parts.append(f"{self.pending} still in the local spool")
        return "; ".join(parts)


def registration_payload(private_key, kid: str, public_b64: str) -> dict:
    """Proof that the registrant holds the private key (the collector checks it)."""
    message = f"{REGISTRATION_PURPOSE}:{kid}:{public_b64}".encode()
    return {"keyID": kid, "publicKey": public_b64, "proof": sign(private_key, message)}


class _Retry(Exception):
    pass


def _post(client: httpx.Client, url: str, payload: dict, headers: dict, attempts: int, backoff: float, sleep):
    delay = backoff
    last = "no attempt made"
    for attempt in range(attempts):
        try:
            resp = client.post(url, json=payload, headers=headers)
            if resp.status_code < 500 and resp.status_code != 429:
                return resp
            last = f"collector answered HTTP {resp.status_code}"
        except httpx.HTTPError as exc:
            last = f"cannot reach the collector at {url}: {exc.__class__.__name__}: {exc}"
        if attempt + 1 < attempts:
            sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not security
            delay = min(delay * 2, 30.0)
    raise _Retry(last)


def register_keys(
    trail, client: httpx.Client, base: str, token: str | None, bodies: list[bytes], attempts, backoff, sleep
) -> str | None:
    """Bind the keys that signed `bodies` to the identities they claim, with the caller's token
    (the collector learns the token's user from the API server). Returns an error or None."""
    meta_key = f"registered:{base}"  # per collector: another collector knows none of this
    registered = {tuple(pair) for pair in json.loads(trail.spool.meta(meta_key) or "[]")}
    needed = set()
    for body in bodies:
        record = json.loads(body)
        needed.add((record["keyID"], record["user"]["username"]))
    for kid, username in sorted(needed):
        known = {u for k, u in registered if k == kid}
        if username in known or (known and username in UNVERIFIED_USERS):
            continue
        if not token:
            return (
                f"audit key {kid} is not registered with the collector for {username or 'this user'} and no "
                "Kubernetes bearer token is available to register it (use a kubeconfig with a token, or --token-file)"
            )
        try:
            payload = registration_payload(
                trail.keys.private_key(kid), kid, encode_public(trail.keys.public_key(kid))
            )
        except (AuditError, OSError) as exc:  # a rotated-away key whose private half was deleted
            return f"cannot prove possession of key {kid}: {exc}"
        resp = _post(
            client, f"{base}/v1/keys", payload, {"Authorization": f"Bearer {token}"}, attempts, backoff, sleep
        )
        if resp.status_code not in (200, 201):
            return f"collector refused key {kid}: HTTP {resp.status_code}: {_detail(resp)}"
        # The token may belong to someone else than the record claims: then the collector rejects
        # the record with a reason, which is the right outcome.
        registered.add((kid, resp.json().get("username", username)))
        trail.spool.set_meta(meta_key, json.dumps(sorted(registered)))
    return None


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("detail", resp.text))
    except ValueError:
        return resp.text[:200]


def ship_pending(
    trail,
    collector_url: str,
    *,
    token: str | None = None,
    ca_file: str | None = None,
    batch_size: int = 200,
    attempts: int = 5,
    backoff: float = 0.5,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
) -> ShipResult:
    result = ShipResult()
    base = collector_url.rstrip("/")
    own = client is None
    client = client or http.client(ca_file, timeout)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        while True:
            batch = trail.spool.pending(batch_size)
            if not batch:
                break
            error = register_keys(trail, client, base, token, [b for _, b in batch], attempts, backoff, sleep)
            if error:
                result.error = error
                break
            bodies = [body.decode("utf-8") for _, body in batch]
            resp = _post(client, f"{base}/v1/records", {"records": bodies}, headers, attempts, backoff, sleep)
            if resp.status_code != 200:
                result.error = f"collector refused the batch: HTTP {resp.status_code}: {_detail(resp)}"
                break
            result.sent += len(batch)
            done: list[str] = []
            stop = False
            for item in resp.json().get("results", []):
                status, aid = item.get("status"), item.get("auditID")
                if status in ("accepted", "duplicate"):
                    done.append(aid)
                    result.accepted += status == "accepted"
                    result.duplicates += status == "duplicate"
                else:
                    reason = item.get("reason", "rejected")
                    result.rejected.append((aid, reason))
                    trail.spool.mark_error(aid, reason)
                    stop = True
            trail.spool.mark_shipped(done, now_rfc3339())
            if stop or not done:
                break  # the chain is ordered: later records cannot land before this one does
    except _Retry as exc:
        result.error = str(exc)
    finally:
        if own:
            client.close()
        result.pending = trail.spool.pending_count()
    return result
