"""Receipts, prune and local verify, against the real collector service (in process, over its
HTTP API): only records the collector acknowledged with a signed receipt can leave the spool, and
a rewritten trail (deleted head, forged anchor, record changed after shipping) shows up."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.collector.api import create_app
from kubechat.collector.crypto import BodyCipher, CheckpointSigner
from kubechat.collector.identity import IdentityError
from kubechat.collector.service import CollectorService
from kubechat.collector.store import SqliteStore
from kubechat.errors import AuditError
from kubechat.ledger.sign import sign

USER = UserInfo(username="alice")
PAST = "2000-01-01T00:00:00.000000Z"
LATER = "2020-01-01T00:00:00Z"


class Tokens:
    def resolve(self, token):
        if token != "tok-alice":
            raise IdentityError("token rejected")
        return USER


@pytest.fixture
def collector(tmp_path):
    service = CollectorService(
        SqliteStore(str(tmp_path / "c.db")),
        BodyCipher(b"k" * 32),
        CheckpointSigner(Ed25519PrivateKey.generate()),
        Tokens(),
    )
    with TestClient(create_app(service), base_url="https://collector") as client:
        yield service, client


def _fill(trail, n, start=0):
    for i in range(start, start + n):
        trail.record(RecordInput(user=USER, request=f"r{i}"))


def _ship(trail, client, **kw):
    result = trail.ship_pending("https://collector", token="tok-alice", client=client, **kw)
    assert result.ok, result.describe()
    trail.spool.db.execute("UPDATE records SET ts = ?", (PAST,))  # old enough to prune
    return result


def test_prune_needs_the_collector_key():
    trail = AuditTrail()
    with pytest.raises(AuditError, match="checkpoint public key"):
        trail.prune(LATER)


def test_records_marked_shipped_by_hand_are_not_pruned(collector):
    service, _ = collector
    trail = AuditTrail()
    _fill(trail, 3)
    ids = [r.auditID for r in trail.spool.records()]
    trail.spool.mark_shipped(ids, PAST)  # what an edit of the spool could do
    trail.spool.db.execute("UPDATE records SET ts = ?", (PAST,))
    dropped, stopped = trail.prune(LATER, service.signer.public_b64)
    assert dropped == 0 and "no collector receipt" in stopped and trail.spool.count() == 3


def test_prune_keeps_unacknowledged_and_chain_verifiable(collector):
    service, client = collector
    key = service.signer.public_b64
    trail = AuditTrail()
    _fill(trail, 5)
    _ship(trail, client, batch_size=2)
    trail.rotate_keys(USER)  # not shipped from here on
    _fill(trail, 1)
    assert trail.prune(LATER, key) == (5, None)
    assert [r.seq for r in trail.spool.records()] == [6, 7]
    result = trail.verify(key)
    assert result.ok and result.count == 7 and result.pruned == 5, result.describe()
    assert "5 pruned behind a verified anchor, 2 in the spool" in result.describe()
    assert trail.prune(LATER, key)[0] == 0  # the rest has no receipt


def test_chain_continues_after_everything_was_pruned(collector):
    service, client = collector
    trail = AuditTrail()
    _fill(trail, 3)
    _ship(trail, client)
    last = list(trail.spool.records())[-1]
    assert trail.prune(LATER, service.signer.public_b64)[0] == 3 and trail.spool.count() == 0
    nxt = trail.record(RecordInput(user=USER, request="next"))
    assert nxt.seq == 4 and nxt.prevHash == last.hash()
    assert trail.verify(service.signer.public_b64).ok
    _ship(trail, client)  # the collector takes the continuation


def test_a_receipt_from_another_key_prunes_nothing(collector):
    _, client = collector
    trail = AuditTrail()
    _fill(trail, 2)
    _ship(trail, client)
    other = CheckpointSigner(Ed25519PrivateKey.generate()).public_b64
    dropped, stopped = trail.prune(LATER, other)
    assert dropped == 0 and "not signed by the collector" in stopped


def _delete_head_and_forge_anchor(trail, through: int) -> None:
    rows = trail.spool.db.execute("SELECT seq, hash, body FROM records WHERE seq <= ?", (through,)).fetchall()
    seq, digest, _ = rows[-1]
    trail.spool.db.execute("DELETE FROM records WHERE seq <= ?", (through,))
    trail.spool.set_meta("anchor_seq", str(seq))
    trail.spool.set_meta("anchor_hash", digest)
    trail.spool.set_meta("anchor_key", trail.keys.current_id())


def test_deleted_head_behind_a_forged_anchor_is_reported(collector):
    service, client = collector
    key = service.signer.public_b64
    trail = AuditTrail()
    _fill(trail, 30)
    _ship(trail, client)
    _delete_head_and_forge_anchor(trail, 10)
    result = trail.verify(key)
    assert not result.ok and "without a collector receipt" in result.reason, result.describe()
    # Copying a genuine receipt of a later record onto the anchor does not help either.
    seq, body, receipt = next(trail.spool.receipts())
    trail.spool.set_meta("anchor_record", body.decode())
    trail.spool.set_meta("anchor_receipt", receipt)
    result = trail.verify(key)
    assert not result.ok and "does not match the record" in result.reason


def test_anchor_needs_the_collector_key_to_count_as_verified(collector, monkeypatch):
    service, client = collector
    monkeypatch.delenv("KUBECHAT_COLLECTOR_KEY", raising=False)
    trail = AuditTrail()
    _fill(trail, 3)
    _ship(trail, client)
    trail.prune(LATER, service.signer.public_b64)
    result = trail.verify()
    assert not result.ok and "--collector-key" in result.reason
    monkeypatch.setenv("KUBECHAT_COLLECTOR_KEY", service.signer.public_b64)
    assert trail.verify().ok


def test_record_changed_after_shipping_is_reported(collector):
    service, client = collector
    trail = AuditTrail()
    _fill(trail, 3)
    _ship(trail, client)
    last = list(trail.spool.records())[-1]
    changed = last.model_copy(update={"request": "nothing happened", "signature": None})
    changed.signature = sign(trail.keys.private_key(), changed.signing_bytes())  # chain still links
    trail.spool.db.execute(
        "UPDATE records SET body = ?, hash = ? WHERE seq = 3", (changed.canonical(), changed.hash())
    )
    result = trail.verify(service.signer.public_b64)
    assert not result.ok and result.position == 3 and "differs from what the collector" in result.reason


def test_gaps_are_named():
    trail = AuditTrail()
    _fill(trail, 8)
    trail.spool.db.execute("DELETE FROM records WHERE seq IN (4, 5)")
    result = trail.verify()
    assert not result.ok and "records 4–5 are missing" in result.reason


def test_receipts_leave_with_their_records(collector):
    service, client = collector
    trail = AuditTrail()
    _fill(trail, 4)
    _ship(trail, client)
    trail.prune(LATER, service.signer.public_b64)
    assert list(trail.spool.receipts()) == []
    assert json.loads(trail.spool.anchor().receipt)["leafIndex"] == 3
