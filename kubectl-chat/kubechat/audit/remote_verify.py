"""Verify a collector without trusting it: check its signed checkpoint, rebuild the Merkle root
from the records it serves, verify every client chain and key binding, and prove the log only
grew since the last checkpoint this machine saw (RFC 6962 consistency proof). Given the local
spool, also check that every record it holds a receipt for is, byte for byte, the collector's
entry at that position, so a record changed on either side after shipping shows up."""

from __future__ import annotations

import json
import os
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import httpx

from .. import https as http
from .. import paths
from ..errors import AuditError
from ..ledger import merkle, wire
from ..ledger.chain import ROTATION_NEW_PUBLIC, next_key
from ..ledger.protocol import verify_checkpoint
from ..ledger.record import GENESIS_HASH, UNVERIFIED_USERS, Record
from ..ledger.sign import decode_public, key_id, verify
from . import receipts

PAGE = 10_000  # log entries per request
CHUNK = 1_000  # records per task for the worker processes


@dataclass(slots=True)
class _Entry:
    """What following the chains needs of one log entry, after the per-record checks."""

    leaf: bytes = b""
    hash: str = ""
    audit_id: str | None = None
    key_id: str = ""
    username: str = ""
    client_id: str = ""
    seq: int = 0
    prev_hash: str = ""
    next_key: str = ""
    error: str | None = None


_worker_keys: dict = {}


def _init_worker(public: dict[str, str]) -> None:
    _worker_keys.update({kid: decode_public(pub) for kid, pub in public.items()})


def _check_chunk(entries: list[str]) -> list[_Entry]:
    """Parse, canonical form, leaf and chain hashes and the signature of each entry. The key
    is the one bound at the collector under the record's key id (a rotated-to key is bound too)."""
    out = []
    for text in entries:
        data = text.encode("utf-8")
        try:
            checked = wire.check(data)
        except wire.WireError as exc:
            out.append(_Entry(audit_id=_guess_id(data), error=str(exc)))
            continue
        r = checked.record
        entry = _Entry(
            merkle.leaf_hash(data),
            checked.hash,
            r.auditID,
            r.keyID,
            r.user.username,
            r.clientID,
            r.seq,
            r.prevHash,
            next_key(r),
        )
        key = _worker_keys.get(r.keyID)
        if key is None:
            entry.error = f"signed by unknown key {r.keyID}"
        elif not verify(key, checked.signing, r.signature):
            entry.error = "signature does not verify (the record was altered)"
        elif r.stage == "KeyRotation":
            try:
                new_key = decode_public(r.annotations.get(ROTATION_NEW_PUBLIC) or "")
            except ValueError:
                new_key = None
            if new_key is None or key_id(new_key) != entry.next_key:
                entry.error = "key rotation record's new key does not match its key id"
        out.append(entry)
    return out


def _checked_entries(pages: Iterator[list[str]], public: dict[str, str]) -> Iterator[_Entry]:
    """Every entry checked, in log order; pages are fetched while the workers check earlier ones."""
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(public,)) as pool:
        pending: deque = deque()
        for page in pages:
            for i in range(0, len(page), CHUNK):
                pending.append(pool.submit(_check_chunk, page[i : i + CHUNK]))
            while len(pending) > 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


@dataclass
class CollectorReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    checkpoint: dict | None = None  # the signed checkpoint checked, once its signature verified
    key: str | None = None  # the public key (base64) it verified with
    trusted: bool = False  # that key was given, not the one the collector presented

    def fail(self, line: str) -> CollectorReport:
        self.ok = False
        self.lines.append("FAIL " + line)
        return self

    def describe(self) -> str:
        return "\n".join(self.lines)


def _guess_id(data: bytes) -> str | None:
    try:
        value = json.loads(data).get("auditID")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _seen_path():
    return paths.state_dir() / "audit" / "collector-checkpoints.json"


def verify_collector(
    url: str,
    *,
    token: str | None,
    ca_file: str | None = None,
    trusted_key: str | None = None,
    spool=None,
):
    report = CollectorReport()
    base = http.require_tls(url)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with http.client(ca_file, 60, headers=headers) as client:

        def get(path: str, **params):
            try:
                resp = client.get(base + path, params=params)
            except httpx.HTTPError as exc:
                raise AuditError(f"cannot reach the collector at {url}: {exc}") from exc
            if resp.status_code != 200:
                raise AuditError(f"collector answered HTTP {resp.status_code} for {path}: {resp.text[:200]}")
            return resp.json()

        cp = get("/v1/checkpoint")
        key = trusted_key or cp["publicKey"]
        if not verify_checkpoint(cp, key):
            return report.fail("checkpoint signature does not verify")
        how = "trusted key" if trusted_key else "key the collector presented (pass --collector-key to pin it)"
        report.checkpoint, report.key, report.trusted = cp, key, bool(trusted_key)
        report.lines.append(
            f"ok   checkpoint: {cp['treeSize']} entries, root {cp['rootHash'][:16]}…, signed ({how})"
        )

        public: dict[str, str] = {}
        bound: dict[str, set[str]] = defaultdict(set)
        for item in get("/v1/keys")["items"]:
            public[item["key_id"]] = item["public_key"]
            bound[item["key_id"]].add(item["username"])

        def pages():
            for first in range(0, cp["treeSize"], PAGE):
                yield get("/v1/log", start=first, count=min(PAGE, cp["treeSize"] - first))["entries"]

        leaves: list[bytes] = []
        # A chain is found through its links: a first record starts one, every later record
        # continues the chain whose last record its prevHash names. Two keys using one client id
        # are then two chains, as the collector keeps them. Per-record work (parse, canonical
        # form, hashes, signature) runs on every core; the links are followed here, in log order.
        tips: dict[str, tuple[str, int, str]] = {}  # hash of a chain's last record → (client, seq, next key)
        chains = 0
        for entry in _checked_entries(pages(), public):
            index = len(leaves)
            where = f"chain {entry.client_id[:8]} record {entry.seq} ({entry.audit_id})"
            if entry.error:
                whose = where if entry.client_id else f"log entry {index} ({entry.audit_id})"
                return report.fail(f"{whose}: {entry.error}")
            leaves.append(entry.leaf)
            owners = bound.get(entry.key_id, set())
            if not owners or (entry.username not in owners | set(UNVERIFIED_USERS)):
                return report.fail(
                    f"log entry {index} ({entry.audit_id}): signer not bound to {entry.username}"
                )
            if entry.seq == 1:
                if entry.prev_hash != GENESIS_HASH:
                    return report.fail(f"{where}: prevHash does not match the previous record")
                chains += 1
            else:
                tip = tips.pop(entry.prev_hash, None)
                if tip is None:
                    return report.fail(
                        f"log entry {index} ({entry.audit_id}): record {entry.seq} of chain "
                        f"{entry.client_id[:8]} does not follow any record before it"
                    )
                chain_client, seq, expected_key = tip
                if chain_client != entry.client_id:
                    return report.fail(
                        f"{where}: belongs to another client ({entry.client_id}, expected {chain_client})"
                    )
                if entry.seq != seq + 1:
                    return report.fail(f"{where}: sequence number {entry.seq}, expected {seq + 1}")
                if entry.key_id != expected_key:
                    return report.fail(f"{where}: signed by key {entry.key_id}, expected {expected_key}")
            tips[entry.hash] = (entry.client_id, entry.seq, entry.next_key)
        if len(leaves) < cp["treeSize"]:
            return report.fail(f"collector served {len(leaves)} entries, checkpoint says {cp['treeSize']}")
        root = merkle.root(leaves[: cp["treeSize"]]).hex()
        if root != cp["rootHash"]:
            return report.fail("Merkle root of the served records does not match the signed checkpoint")
        report.lines.append(f"ok   Merkle root rebuilt from {cp['treeSize']} records matches the checkpoint")
        report.lines.append(f"ok   {chains} client chains: links, order and signatures intact")
        if spool is not None and not _compare_local(report, spool, leaves, key):
            return report

        seen = _load_seen()
        prev = seen.get(base)
        if prev and prev["treeSize"] > cp["treeSize"]:
            return report.fail(f"log shrank: {prev['treeSize']} entries seen before, {cp['treeSize']} now")
        if prev and 0 < prev["treeSize"]:
            proof = get("/v1/proof/consistency", first=prev["treeSize"], second=cp["treeSize"])
            good = merkle.verify_consistency(
                prev["treeSize"],
                cp["treeSize"],
                bytes.fromhex(prev["rootHash"]),
                bytes.fromhex(cp["rootHash"]),
                [bytes.fromhex(p) for p in proof["proof"]],
            )
            if not good:
                return report.fail(
                    f"log is not an extension of the checkpoint seen before (size {prev['treeSize']})"
                )
            report.lines.append(f"ok   log is append-only since the last check (size {prev['treeSize']})")
        seen[base] = {"treeSize": cp["treeSize"], "rootHash": cp["rootHash"]}
        _save_seen(seen)
    return report


def _compare_local(report: CollectorReport, spool, leaves: list[bytes], key: str) -> bool:
    """Every record the spool holds a receipt for (the anchor included) must be the collector's
    entry at the receipt's position, under a checkpoint of this same log."""
    held = list(spool.receipts())
    anchor = spool.anchor()
    if anchor.record is not None and anchor.receipt is not None:
        held.insert(0, (anchor.seq, anchor.record, anchor.receipt))
    roots: dict[int, str] = {}
    cache = merkle.SubtreeCache()
    for seq, body, receipt in held:
        aid = json.loads(body).get("auditID")
        why = receipts.check(receipt, body, key)
        if why:
            report.fail(f"local record {seq} ({aid}): {why}")
            return False
        data = json.loads(receipt)
        index, size = data["leafIndex"], data["checkpoint"]["treeSize"]
        if size > len(leaves) or leaves[index] != merkle.leaf_hash(body):
            report.fail(f"local record {seq} ({aid}) differs from the collector's entry {index}")
            return False
        if size not in roots:
            roots[size] = merkle.root(leaves[:size], cache).hex()
        if roots[size] != data["checkpoint"]["rootHash"]:
            report.fail(f"local record {seq} ({aid}): its receipt's checkpoint is not part of this log")
            return False
    report.lines.append(f"ok   {len(held)} local records match the collector's entries and receipts")
    return True


def prove_inclusion(
    url: str, record: Record, *, ca_file: str | None = None, trusted_key: str | None = None
) -> CollectorReport:
    """Prove that this exact record (our own bytes) is in the collector's signed log, without
    reading anyone else's records: a signed checkpoint plus an RFC 6962 inclusion proof."""
    report = CollectorReport()
    base = http.require_tls(url)
    with http.client(ca_file) as client:
        try:
            cp = client.get(base + "/v1/checkpoint").json()
            resp = client.get(
                base + "/v1/proof/inclusion", params={"audit_id": record.auditID, "tree_size": cp["treeSize"]}
            )
        except httpx.HTTPError as exc:
            raise AuditError(f"cannot reach the collector at {url}: {exc}") from exc
    if not verify_checkpoint(cp, trusted_key or cp["publicKey"]):
        return report.fail("checkpoint signature does not verify")
    if resp.status_code == 404:
        return report.fail(f"record {record.auditID} is not in the collector's log")
    if resp.status_code != 200:
        raise AuditError(f"collector answered HTTP {resp.status_code}: {resp.text[:200]}")
    proof = resp.json()
    leaf = merkle.leaf_hash(record.canonical())
    if proof["leafHash"] != leaf.hex():
        return report.fail(f"the collector holds different bytes for record {record.auditID}")
    good = merkle.verify_inclusion(
        leaf,
        proof["leafIndex"],
        cp["treeSize"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(cp["rootHash"]),
    )
    if not good:
        return report.fail("inclusion proof does not lead to the signed root")
    pinned = "pinned key" if trusted_key else "key the collector presented (pass --collector-key to pin it)"
    report.lines.append(
        f"ok   record {record.auditID} is entry {proof['leafIndex']} of the log; {len(proof['proof'])}-hash "
        f"proof to the checkpoint of {cp['treeSize']} entries signed at {cp['timestamp']} ({pinned})"
    )
    return report


def _load_seen() -> dict:
    try:
        return json.loads(_seen_path().read_text())
    except (OSError, ValueError):
        return {}


def _save_seen(seen: dict) -> None:
    path = _seen_path()
    paths.ensure_private_dir(path.parent)
    path.write_text(json.dumps(seen, indent=1))
