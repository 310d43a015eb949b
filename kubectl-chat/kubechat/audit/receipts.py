"""Collector receipts, and the local checks built on them.

A receipt is what the collector answers for each record it stored: the signed checkpoint of that
batch and an RFC 6962 inclusion proof from the record's leaf to the checkpoint's root. The spool
keeps it next to the record. A record leaves the spool only when its receipt verifies against the
collector's public key, and the last pruned record and its receipt stay as the anchor, so neither
marking records shipped nor rewriting the anchor lets anything disappear unnoticed.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace

from ..ledger import merkle
from ..ledger.chain import VerifyResult, next_key, verify_chain
from ..ledger.protocol import verify_checkpoint
from ..ledger.record import Record

COLLECTOR_KEY_ENV = "KUBECHAT_COLLECTOR_KEY"


def collector_key(given: str | None = None) -> str | None:
    """The collector's checkpoint public key to trust: given, or from the environment. Never
    from the spool, which is what the key has to vouch for."""
    return given or os.environ.get(COLLECTOR_KEY_ENV) or None


def make(collector: str, checkpoint: dict, leaf_index: int, proof: list[str]) -> str:
    fields = ("treeSize", "rootHash", "timestamp", "keyID", "signature")
    return json.dumps(
        {
            "collector": collector,
            "checkpoint": {k: checkpoint[k] for k in fields},
            "leafIndex": leaf_index,
            "proof": proof,
        },
        sort_keys=True,
    )


def check(receipt: str | None, body: bytes, key: str | None) -> str | None:
    """Why `receipt` does not prove the collector holds exactly `body`, or None. Without `key` only
    the inclusion proof is checked (it still shows a record changed after shipping)."""
    if not receipt:
        return "no collector receipt"
    try:
        data = json.loads(receipt)
        cp = data["checkpoint"]
        proof = [bytes.fromhex(p) for p in data["proof"]]
        good = merkle.verify_inclusion(
            merkle.leaf_hash(body), data["leafIndex"], cp["treeSize"], proof, bytes.fromhex(cp["rootHash"])
        )
    except (ValueError, KeyError, TypeError):
        return "collector receipt is unreadable"
    if not good:
        return "differs from what the collector acknowledged (its receipt's inclusion proof fails)"
    if key is not None and not verify_checkpoint(cp, key):
        return "collector receipt is not signed by the collector's checkpoint key"
    return None


def leaf_index(receipt: str) -> int:
    return json.loads(receipt)["leafIndex"]


def check_anchor(anchor, key: str | None) -> str | None:
    """Why the spool's anchor (the last pruned record) is not trustworthy, or None."""
    if anchor.seq == 0:
        return None
    if anchor.record is None or anchor.receipt is None:
        return f"records 1–{anchor.seq} were removed without a collector receipt for the anchor"
    try:
        record = Record.model_validate_json(anchor.record)
    except ValueError:
        return "the anchor record is unreadable"
    if (record.seq, record.hash(), next_key(record)) != (anchor.seq, anchor.hash, anchor.next_key):
        return f"the anchor (seq {anchor.seq}) does not match the record it was made from"
    if key is None:
        return (
            f"records 1–{anchor.seq} were pruned; their anchor can only be checked with the collector's "
            f"checkpoint key (pass --collector-key or set {COLLECTOR_KEY_ENV})"
        )
    reason = check(anchor.receipt, anchor.record, key)
    return f"the anchor record {record.auditID}: {reason}" if reason else None


def verify_spool(spool, public_keys: dict, key: str | None = None) -> VerifyResult:
    """The local trail: chain links, order and signatures from a checked anchor, and every record
    that has a receipt against it."""
    anchor = spool.anchor()
    result = verify_chain(spool.raw_records(), public_keys, anchor)
    if not result.ok:
        return result
    reason = check_anchor(anchor, key)
    if reason:
        return VerifyResult(False, result.count, anchor.seq, None, reason)
    matched = 0
    for seq, body, receipt in spool.receipts():
        why = check(receipt, body, key)
        if why:
            audit_id = json.loads(body).get("auditID")
            return VerifyResult(False, result.count, seq, audit_id, why)
        matched += 1
    return replace(result, pruned=anchor.seq, receipts=matched)
