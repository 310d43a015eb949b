"""Deliver spooled records to the collector: batches in chain order, at least once.

A record is marked shipped only after the collector answers that it stored it (or already had
it: ingest is idempotent by auditID) with a receipt whose inclusion proof matches the record, so
a crash anywhere re-sends rather than loses. Transport failures, 429 and 5xx answers are retried
with exponential backoff (at least as long as Retry-After asks); a batch too large for the
collector is split. Nothing here raises through the user's command — the result says what happened.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from .. import https as http
from ..errors import AuditError
from ..ledger.protocol import registration_message
from ..ledger.record import now_rfc3339
from ..ledger.sign import encode_public, sign
from . import receipts


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
    message = registration_message(kid, public_b64)
    return {"keyID": kid, "publicKey": public_b64, "proof": sign(private_key, message)}


class _Retry(Exception):
    pass


MAX_RETRY_AFTER = 60.0


def _retry_after(resp: httpx.Response) -> float:
    try:
        return min(float(resp.headers.get("retry-after", 0)), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0


def _post(client: httpx.Client, url: str, payload: dict, headers: dict, attempts: int, backoff: float, sleep):
    delay = backoff
    last = "no attempt made"
    for attempt in range(attempts):
        wait = 0.0
        try:
            resp = client.post(url, json=payload, headers=headers)
            if resp.status_code < 500 and resp.status_code != 429:
                return resp
            last = f"collector answered HTTP {resp.status_code}"
            wait = _retry_after(resp)
        except httpx.HTTPError as exc:
            last = f"cannot reach the collector at {url}: {exc.__class__.__name__}: {exc}"
        if attempt + 1 < attempts:
            sleep(max(wait, delay * (0.5 + random.random())))  # noqa: S311 - jitter, not security
            delay = min(delay * 2, 30.0)
    raise _Retry(last)


def register_keys(
    trail, client: httpx.Client, base: str, headers: dict, key_ids: set[str], attempts, backoff, sleep
) -> str | None:
    """Bind these signing keys to the shipper's identity (the collector learns it from the API
    server). Binding is idempotent, and the collector accepts records only from an identity bound
    to their key, so each key is bound once per run with the credentials this run ships with.
    Returns an error or None."""
    for kid in sorted(key_ids):
        try:
            payload = registration_payload(
                trail.keys.private_key(kid), kid, encode_public(trail.keys.public_key(kid))
            )
        except (AuditError, OSError) as exc:  # a rotated-away key whose private half was deleted
            return f"cannot prove possession of key {kid}: {exc}"
        resp = _post(client, f"{base}/v1/keys", payload, headers, attempts, backoff, sleep)
        if resp.status_code not in (200, 201):
            return f"collector refused key {kid}: HTTP {resp.status_code}: {_detail(resp)}"
        # The token may belong to someone else than the records claim: then the collector rejects
        # those records with a reason, which is the right outcome.
    return None


def _detail(resp: httpx.Response) -> str:
    """The collector's reason for an error, as printable one-line text of bounded length: it is
    stored as the shipper's last error and printed on the user's terminal."""
    from .terminal import printable

    try:
        body = resp.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) and "detail" in body else resp.text
    return printable(detail)


def ship_pending(
    trail,
    collector_url: str,
    *,
    token: str | None = None,
    ca_file: str | None = None,
    collector_key: str | None = None,
    batch_size: int = 200,
    attempts: int = 5,
    backoff: float = 0.5,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
    through: str | None = None,
    direct: httpx.Client | None = None,
) -> ShipResult:
    """Ship what the spool holds unshipped. Receipts are checked against `collector_key` (or
    KUBECHAT_COLLECTOR_KEY) when known; prune checks them against it in any case.

    `through` is the collector's aggregated API on the cluster's API server (…/apis/audit.kubechat.io):
    batches go there instead, with `client` authenticating as the user (a client certificate or a
    token; see kube.api_server_client), and receipts still name `collector_url`."""
    result = ShipResult()
    try:
        receipt_base = http.require_tls(collector_url)
        base = http.require_tls(through) if through else receipt_base
    except AuditError as exc:
        result.error = exc.message
        result.pending = trail.spool.pending_count()
        return result
    if not token and not through:
        result.error = (
            "no Kubernetes bearer token for authenticating with the collector "
            "(use a kubeconfig with a token, or --token-file)"
        )
        result.pending = trail.spool.pending_count()
        return result
    key = receipts.collector_key(collector_key)
    if through:
        try:
            key = _served_key(direct, receipt_base, ca_file, timeout, key)
        except AuditError as exc:
            result.error = exc.message
            result.pending = trail.spool.pending_count()
            return result
    own = client is None
    client = client or http.client(ca_file, timeout)
    registered: set[str] = set()
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        while True:
            batch = trail.spool.pending(batch_size)
            if not batch:
                break
            kids = {json.loads(body)["keyID"] for _, body in batch} - registered
            error = register_keys(trail, client, base, headers, kids, attempts, backoff, sleep)
            if error:
                result.error = error
                break
            registered |= kids
            bodies = [body.decode("utf-8") for _, body in batch]
            resp = _post(client, f"{base}/v1/records", {"records": bodies}, headers, attempts, backoff, sleep)
            if resp.status_code == 413 and batch_size > 1:
                batch_size = max(1, batch_size // 2)  # the collector's body limit: smaller batches
                continue
            if resp.status_code != 200:
                result.error = f"collector refused the batch: HTTP {resp.status_code}: {_detail(resp)}"
                break
            result.sent += len(batch)
            stop = not _settle(
                trail,
                receipt_base,
                key,
                dict((json.loads(b)["auditID"], b) for _, b in batch),
                resp.json(),
                result,
            )
            if stop:
                break  # the chain is ordered: later records cannot land before this one does
    except _Retry as exc:
        result.error = str(exc)
    finally:
        if own:
            client.close()
        result.pending = trail.spool.pending_count()
    return result


def _served_key(direct: httpx.Client | None, base: str, ca_file, timeout: float, given: str | None) -> str:
    """The checkpoint key the collector serves at its own URL (checked against `given`)."""
    try:
        if direct is None:
            with http.client(ca_file, timeout) as own:
                resp = own.get(f"{base}/v1/checkpoint")
        else:
            resp = direct.get(f"{base}/v1/checkpoint")
        served = resp.json().get("publicKey") if resp.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        raise AuditError(f"cannot ask the collector at {base} for its checkpoint key: {exc}") from exc
    if not isinstance(served, str) or not served:
        raise AuditError(f"the collector at {base} served no checkpoint key (HTTP {resp.status_code})")
    if given is not None and given != served:
        raise AuditError(f"the collector at {base} serves another checkpoint key than the one configured")
    return served


def _settle(
    trail, base: str, key: str | None, sent: dict[str, bytes], answer: dict, result: ShipResult
) -> bool:
    """Mark what the collector acknowledged with a receipt that proves it holds these exact bytes.
    Returns whether every record of the batch was settled."""
    checkpoint = answer.get("checkpoint") or {}
    done: dict[str, str] = {}
    settled = True
    for item in answer.get("results", []):
        status, aid = item.get("status"), item.get("auditID")
        if status in ("accepted", "duplicate") and aid in sent:
            try:
                receipt = receipts.make(base, checkpoint, item["leafIndex"], item["proof"])
            except (KeyError, TypeError):
                receipt = None
            why = receipts.check(receipt, sent[aid], key)
            if why:
                result.error = f"collector's receipt for record {aid} does not hold up: {why}"
                settled = False
                break
            done[aid] = receipt
            result.accepted += status == "accepted"
            result.duplicates += status == "duplicate"
        else:
            reason = item.get("reason", "rejected")
            result.rejected.append((aid, reason))
            trail.spool.mark_error(aid, reason)
            settled = False
            break
    trail.spool.mark_shipped(list(done), now_rfc3339(), done)
    return settled and len(done) == len(sent)
