"""Re-verify a range of the collector's log in place, from what the store holds: the latest
checkpoint's signature, the Merkle root over every stored leaf hash, and for each record in the
range its decrypted bytes against its leaf, its signature against the key bound to its user, and
its link to the record before it in its chain. Also proves the log only grew since the previous
check this process made (RFC 6962 consistency proof)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pydantic import ValidationError

from ...ledger import merkle
from ...ledger.protocol import verify_checkpoint
from ...ledger.record import GENESIS_HASH, Record, now_rfc3339
from ...ledger.sign import decode_public, verify
from ..crypto import CollectorKeyError

PAGE = 1000


@dataclass
class Check:
    first: int
    last: int  # exclusive
    tree_size: int
    checked_at: str
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    chains: dict[str, str] = field(default_factory=dict)  # client id → "intact" or the first problem
    consistency: str | None = None

    def fail(self, line: str) -> None:
        self.ok = False
        self.problems.append(line)


def _record_problem(tx, cipher, leaves: list[bytes], index: int, audit_id: str, sealed: bytes):
    """(client id or None, why this log entry is bad or None)."""
    try:
        body = cipher.open(audit_id, sealed)
    except CollectorKeyError as exc:
        return None, exc.message
    if merkle.leaf_hash(body) != leaves[index]:
        return None, "stored body differs from the leaf in the Merkle tree"
    try:
        record = Record.model_validate_json(body)
    except ValidationError:
        return None, "not a valid record"
    if record.canonical() != body:
        return record.clientID, "not in canonical form"
    bindings = tx.bindings(record.keyID)
    if not bindings:
        return record.clientID, f"signing key {record.keyID} is bound to nobody"
    if not verify(decode_public(bindings[0].public_key), record.signing_bytes(), record.signature):
        return record.clientID, "signature does not verify"
    if record.seq == 1:
        if record.prevHash != GENESIS_HASH:
            return record.clientID, "first record of a chain without the genesis prevHash"
        return record.clientID, None
    link = tx.chain_link(record.clientID, record.seq - 1, record.prevHash)
    if link is None:
        return record.clientID, f"record {record.seq - 1} of its chain, which prevHash names, is missing"
    if link[1] != record.keyID:
        return record.clientID, f"signed by {record.keyID}, but the chain's key is {link[1]}"
    return record.clientID, None


class Verifier:
    """Keeps the last check so the integrity page can show it and the next check can prove
    the log grew append-only since."""

    def __init__(self, service):
        self.service = service
        self.last: Check | None = None
        self._seen: tuple[int, str] | None = None  # (tree size, root) of the last good check
        self._lock = threading.Lock()

    def run(self, first: int = 0, last: int | None = None) -> Check:
        with self._lock:  # one check at a time: each is a full pass over the leaves
            check = self._run(first, last)
            self.last = check
            return check

    def _run(self, first: int, last: int | None) -> Check:
        service = self.service
        cp = service.checkpoint()
        size = cp["treeSize"]
        last = size if last is None else max(0, min(last, size))
        first = max(0, min(first, last))
        check = Check(first, last, size, now_rfc3339())
        if not verify_checkpoint(cp, service.signer.public_b64):
            check.fail("the latest checkpoint's signature does not verify")
            return check
        check.lines.append(f"checkpoint of {size} entries, signed {cp['timestamp']}: signature verifies")
        with service.store.read() as tx:
            leaves = tx.leaf_hashes(0, size)
        if len(leaves) != size or merkle.root(leaves).hex() != cp["rootHash"]:
            check.fail("the Merkle root of the stored entries does not match the signed checkpoint")
            return check
        check.lines.append(f"Merkle root of {size} stored entries matches the checkpoint")
        self._consistency(check, leaves, cp["rootHash"])
        after = first - 1
        while after + 1 < last:
            with service.store.read() as tx:
                rows = tx.query({}, after, min(PAGE, last - after - 1))
                for index, audit_id, sealed in rows:
                    client, why = _record_problem(tx, service.cipher, leaves, index, audit_id, sealed)
                    if why:
                        check.fail(f"log entry {index} ({audit_id}): {why}")
                    if client is not None and check.chains.get(client) in (None, "intact"):
                        check.chains[client] = why or "intact"
            if not rows:
                break
            after = rows[-1][0]
        if check.ok:
            check.lines.append(
                f"entries {first}–{max(first, last - 1)}: {last - first} records, signatures and chain links intact"
            )
            self._seen = (size, cp["rootHash"])
        return check

    def _consistency(self, check: Check, leaves: list[bytes], root_hex: str) -> None:
        if self._seen is None:
            check.consistency = "first check since the collector started"
            return
        old_size, old_root = self._seen
        if old_size > len(leaves):
            check.fail(f"the log shrank: {old_size} entries at the previous check, {len(leaves)} now")
            return
        proof = merkle.consistency_proof(old_size, leaves)
        if not merkle.verify_consistency(
            old_size, len(leaves), bytes.fromhex(old_root), bytes.fromhex(root_hex), proof
        ):
            check.fail(f"the log is not an extension of the one checked before (size {old_size})")
            return
        check.consistency = f"append-only since the previous check (size {old_size} → {len(leaves)})"
        check.lines.append(check.consistency)
