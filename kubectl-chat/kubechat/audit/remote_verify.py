"""Verify a collector without trusting it: check its signed checkpoint, rebuild the Merkle root
from the records it serves, verify every client chain and key binding, and prove the log only
grew since the last checkpoint this machine saw (RFC 6962 consistency proof). Given the local
spool, also check that every record it holds a receipt for is, byte for byte, the collector's
entry at that position, so a record changed on either side after shipping shows up."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import httpx

from .. import paths
from ..collector import merkle
from ..collector.crypto import verify_checkpoint
from ..errors import AuditError
from . import http, receipts
from .chain import ChainVerifier
from .record import UNVERIFIED_USERS, Record
from .sign import decode_public


@dataclass
class CollectorReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, line: str) -> CollectorReport:
        self.ok = False
        self.lines.append("FAIL " + line)
        return self

    def describe(self) -> str:
        return "\n".join(self.lines)


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
        report.lines.append(
            f"ok   checkpoint: {cp['treeSize']} entries, root {cp['rootHash'][:16]}…, signed ({how})"
        )

        public: dict[str, str] = {}
        bound: dict[str, set[str]] = defaultdict(set)
        for item in get("/v1/keys")["items"]:
            public[item["key_id"]] = item["public_key"]
            bound[item["key_id"]].add(item["username"])
        trusted = {kid: decode_public(pub) for kid, pub in public.items()}
        leaves: list[bytes] = []
        # A chain is found through its links: a first record starts one, every later record
        # continues the chain whose last record its prevHash names. Two keys using one client id
        # are then two chains, as the collector keeps them.
        tips: dict[str, ChainVerifier] = {}
        chains = 0
        after = -1
        while len(leaves) < cp["treeSize"]:
            page = get("/v1/records", after=after, limit=1000)
            for item in page["items"]:
                index = item.pop("leafIndex")
                if index != len(leaves):
                    return report.fail(f"log entry {index} out of order (expected {len(leaves)})")
                record = Record.model_validate(item)
                leaves.append(merkle.leaf_hash(record.canonical()))
                owners = bound.get(record.keyID, set())
                if not owners or (record.user.username not in owners | set(UNVERIFIED_USERS)):
                    return report.fail(
                        f"log entry {index} ({record.auditID}): signer not bound to {record.user.username}"
                    )
                if record.seq == 1:
                    verifier, chains = ChainVerifier(trusted), chains + 1
                else:
                    verifier = tips.pop(record.prevHash, None)
                    if verifier is None:
                        return report.fail(
                            f"log entry {index} ({record.auditID}): record {record.seq} of chain "
                            f"{record.clientID[:8]} does not follow any record before it"
                        )
                reason = verifier.check(record)
                if reason:
                    return report.fail(
                        f"chain {record.clientID[:8]} record {record.seq} ({record.auditID}): {reason}"
                    )
                tips[record.hash()] = verifier
            if page["next"] is None:
                break
            after = page["next"]
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
