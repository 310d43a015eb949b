"""Verify a client's hash chain: order, links, signer continuity and signatures.

Each record names the sha256 of the previous record's canonical bytes (signature included), so
changing, removing, inserting or reordering any record breaks the link at that exact position.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from .record import GENESIS_HASH, Record
from .sign import decode_public, key_id, verify

ROTATION_NEW_KEY = "kubechat.io/new-key-id"
ROTATION_NEW_PUBLIC = "kubechat.io/new-public-key"


@dataclass
class Anchor:
    """Where verification starts when older records were pruned from the spool (they are at the
    collector): the last pruned record's seq, hash and the key that signs the next record, and
    that record itself with the collector's receipt for it, which prove the anchor genuine."""

    seq: int = 0
    hash: str = GENESIS_HASH
    next_key: str | None = None
    record: bytes | None = None
    receipt: str | None = None


@dataclass
class VerifyResult:
    ok: bool
    count: int  # records checked (all of them when ok)
    position: int | None = None  # 1-based position of the first bad record
    audit_id: str | None = None
    reason: str | None = None
    pruned: int = 0  # records 1..pruned left the spool behind a receipt-backed anchor
    receipts: int = 0  # kept records whose collector receipt matched

    def describe(self) -> str:
        if self.ok:
            kept = self.count - self.pruned
            where = (
                f" ({self.pruned} pruned behind a verified anchor, {kept} in the spool)"
                if self.pruned
                else ""
            )
            matched = f"; {self.receipts} match the collector's receipts" if self.receipts else ""
            return f"ok: {self.count} records{where}, chain and signatures intact{matched}"
        return f"record {self.position} ({self.audit_id or 'unparsable'}): {self.reason}"


class ChainVerifier:
    """Checks one client's records, one at a time, in order (so it streams over any number)."""

    def __init__(self, public_keys: dict[str, Ed25519PublicKey], anchor: Anchor | None = None):
        anchor = anchor or Anchor()
        self.keys = dict(public_keys)
        self.prev_hash = anchor.hash
        self.expected_key: str | None = anchor.next_key
        self.client_id: str | None = None
        self.count = anchor.seq

    def check(self, record: Record) -> str | None:
        """Return why `record` is bad, or None and advance."""
        position = self.count + 1
        if self.client_id is not None and record.clientID != self.client_id:
            return f"belongs to another client ({record.clientID}, expected {self.client_id})"
        if record.seq > position:
            missing = str(position) if record.seq == position + 1 else f"{position}–{record.seq - 1}"
            return f"sequence number {record.seq}, expected {position}: records {missing} are missing"
        if record.seq != position:
            return f"sequence number {record.seq}, expected {position} (a record is inserted or reordered)"
        if record.prevHash != self.prev_hash:
            return "prevHash does not match the previous record (the previous record was altered or removed)"
        if self.expected_key is not None and record.keyID != self.expected_key:
            return f"signed by key {record.keyID}, expected {self.expected_key}"
        key = self.keys.get(record.keyID)
        if key is None:
            return f"signed by unknown key {record.keyID}"
        if not verify(key, record.signing_bytes(), record.signature):
            return "signature does not verify (the record was altered)"
        next_key = record.keyID
        if record.stage == "KeyRotation":
            new_id = record.annotations.get(ROTATION_NEW_KEY)
            new_pub = record.annotations.get(ROTATION_NEW_PUBLIC)
            try:
                new_key = decode_public(new_pub or "")
            except ValueError:
                return "key rotation record without a valid new public key"
            if key_id(new_key) != new_id:
                return "key rotation record's key id does not match its public key"
            self.keys[new_id] = new_key
            next_key = new_id
        self.client_id = record.clientID
        self.expected_key = next_key
        self.prev_hash = record.hash()
        self.count = position
        return None


def next_key(record: Record) -> str:
    """The key that must sign the record after this one."""
    if record.stage == "KeyRotation":
        return record.annotations.get(ROTATION_NEW_KEY) or record.keyID
    return record.keyID


def verify_chain(
    records: Iterable[Record | bytes | str],
    public_keys: dict[str, Ed25519PublicKey],
    anchor: Anchor | None = None,
) -> VerifyResult:
    """Verify records in chain order. Raw canonical JSON is parsed and checked to be canonical."""
    verifier = ChainVerifier(public_keys, anchor)
    for raw in records:
        position = verifier.count + 1
        if isinstance(raw, Record):
            record = raw
        else:
            try:
                record = Record.model_validate_json(raw)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                return VerifyResult(
                    False, verifier.count, position, None, f"not a valid record: {where}: {first['msg']}"
                )
            stored = raw.encode() if isinstance(raw, str) else raw
            if stored != record.canonical():
                return VerifyResult(
                    False,
                    verifier.count,
                    position,
                    record.auditID,
                    "stored bytes are not canonical (altered)",
                )
        reason = verifier.check(record)
        if reason:
            return VerifyResult(False, verifier.count, position, record.auditID, reason)
    return VerifyResult(True, verifier.count)
