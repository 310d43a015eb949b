"""The per-record checks `audit verify --collector` runs in worker processes."""

import json

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.audit import remote_verify as rv
from kubechat.audit.keys import KeyStore
from kubechat.ledger import merkle
from kubechat.ledger.sign import encode_public


def test_chunk_checks_hash_sign_and_canonical_form(tmp_path):
    trail = AuditTrail(spool_path=tmp_path / "s.db", keys=KeyStore(tmp_path / "keys"))
    for i in range(3):
        trail.record(RecordInput(user=UserInfo(username="alice"), request=f"get pods {i}", verb="get"))
    raw = [b.decode() for b in trail.spool.raw_records()]
    kid = trail.keys.current_id()
    rv._init_worker({kid: encode_public(trail.keys.public_key(kid))})
    good = rv._check_chunk(raw)
    assert [e.error for e in good] == [None] * 3 and [e.seq for e in good] == [1, 2, 3]
    assert good[0].leaf == merkle.leaf_hash(raw[0].encode()) and good[1].prev_hash == good[0].hash
    body = json.loads(raw[1])
    body["request"] = "get secrets"
    altered = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    spaced = json.dumps(json.loads(raw[2]), sort_keys=True)
    bad = rv._check_chunk([altered, spaced])
    assert "signature does not verify" in bad[0].error and bad[0].client_id
    assert "canonical" in bad[1].error
