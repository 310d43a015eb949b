"""Chain verification finds tampering at the exact record where it happened."""

import json
import sqlite3

import pytest

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.ledger.chain import verify_chain
from kubechat.ledger.record import GENESIS_HASH

USER = UserInfo(username="alice", groups=["dev"])


@pytest.fixture
def trail():
    t = AuditTrail()
    for i in range(5):
        t.record(RecordInput(user=USER, request=f"get pods {i}", argv=["kubectl", "get", "pods", f"p{i}"]))
    return t


def _raw(trail) -> list[bytes]:
    return list(trail.spool.raw_records())


def test_intact_chain_verifies(trail):
    result = trail.verify()
    assert result.ok and result.count == 5


def test_links_and_sequence(trail):
    records = list(trail.spool.records())
    assert records[0].prevHash == GENESIS_HASH
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    for prev, cur in zip(records, records[1:], strict=False):
        assert cur.prevHash == prev.hash()


def _edit(raw: bytes, **changes) -> bytes:
    body = json.loads(raw)
    body.update(changes)
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_altered_field_detected_at_its_position(trail):
    raw = _raw(trail)
    raw[2] = _edit(raw[2], request="something else")
    result = verify_chain(raw, trail.keys.public_keys())
    assert not result.ok and result.position == 3 and "signature" in result.reason


def test_deleted_record_detected(trail):
    raw = _raw(trail)
    del raw[1]
    result = verify_chain(raw, trail.keys.public_keys())
    assert not result.ok and result.position == 2 and "sequence" in result.reason


def test_reordered_records_detected(trail):
    raw = _raw(trail)
    raw[3], raw[4] = raw[4], raw[3]
    result = verify_chain(raw, trail.keys.public_keys())
    assert not result.ok and result.position == 4


def test_resigned_record_with_other_key_detected(trail):
    # An attacker with their own key re-signs a record: the signer differs from the chain's key.
    from kubechat.audit.keys import KeyStore

    other = KeyStore(trail.keys.dir.parent / "other")
    kid = other.current_id()
    records = list(trail.spool.records())
    forged = records[1].model_copy(update={"keyID": kid, "signature": None})
    from kubechat.ledger.sign import sign

    forged.signature = sign(other.private_key(kid), forged.signing_bytes())
    keys = {**trail.keys.public_keys(), **other.public_keys()}
    result = verify_chain([records[0], forged, *records[2:]], keys)
    assert not result.ok and result.position == 2 and "expected" in result.reason


def test_tampered_spool_file_fails_verify(trail):
    db = sqlite3.connect(trail.spool.path)
    body = db.execute("SELECT body FROM records WHERE seq = 4").fetchone()[0]
    db.execute("UPDATE records SET body = ? WHERE seq = 4", (_edit(body, risk="read"),))
    db.commit()
    db.close()
    result = trail.verify()
    assert not result.ok and result.position == 4


def test_rotation_keeps_old_records_verifiable(trail):
    old = trail.keys.current_id()
    rotation = trail.rotate_keys(USER)
    after = trail.record(RecordInput(user=USER, request="get nodes"))
    assert rotation.keyID == old and rotation.stage == "KeyRotation"
    assert after.keyID != old and after.keyID == trail.keys.current_id()
    assert trail.verify().ok
    # A verifier holding only the first public key still follows the hand-over in the chain.
    result = verify_chain(trail.spool.raw_records(), {old: trail.keys.public_key(old)})
    assert result.ok and result.count == 7


def test_record_after_rotation_signed_with_old_key_rejected(trail):
    old = trail.keys.current_id()
    trail.rotate_keys(USER)
    records = list(trail.spool.records())
    from kubechat.ledger.sign import sign

    last = records[-1]
    forged = last.model_copy(
        update={"auditID": "x", "seq": last.seq + 1, "prevHash": last.hash(), "keyID": old}
    )
    forged.signature = sign(trail.keys.private_key(old), forged.signing_bytes())
    result = verify_chain([*records, forged], trail.keys.public_keys())
    assert not result.ok and result.position == len(records) + 1
