"""Audit records name the policy bundle that decided them; records without one keep their old
canonical bytes; the collector flags records decided by a bundle it does not accept."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.audit.keys import KeyStore
from kubechat.audit.ship import registration_payload
from kubechat.collector.bundles import AcceptedBundles
from kubechat.collector.crypto import BodyCipher, CheckpointSigner
from kubechat.collector.service import CollectorService
from kubechat.collector.store import SqliteStore
from kubechat.ledger.record import PolicyBundle, PolicyResult, Record
from kubechat.ledger.sign import encode_public, verify

GOOD = "sha256:" + "a" * 64
EVIL = "sha256:" + "e" * 64


def _trail(tmp_path):
    return AuditTrail(spool_path=tmp_path / "spool.db", keys=KeyStore(tmp_path / "keys"))


def _decided(bundle: PolicyBundle | None, decision="allow") -> RecordInput:
    return RecordInput(
        user=UserInfo(username="alice"),
        request="delete web-1",
        verb="delete",
        risk="destructive",
        policy=PolicyResult(decision=decision, confirm="typed"),
        policy_bundle=bundle,
    )


def test_record_names_the_bundle_and_the_signature_covers_it(tmp_path):
    trail = _trail(tmp_path)
    record = trail.record(_decided(PolicyBundle(revision="rev-1", digest=GOOD)))
    assert record.policyBundle == PolicyBundle(revision="rev-1", digest=GOOD)
    body = json.loads(record.canonical())
    assert body["policyBundle"] == {"revision": "rev-1", "digest": GOOD}
    public = trail.keys.public_key(record.keyID)
    assert verify(public, record.signing_bytes(), record.signature)
    forged = record.model_copy(update={"policyBundle": PolicyBundle(revision="rev-1", digest=EVIL)})
    assert not verify(public, forged.signing_bytes(), record.signature)
    assert trail.verify().ok


def test_records_without_a_bundle_keep_their_canonical_bytes(tmp_path):
    record = _trail(tmp_path).record(_decided(None, decision="none"))
    raw = record.canonical()
    assert b"policyBundle" not in raw
    assert Record.model_validate_json(raw).canonical() == raw


class _Tokens:
    def resolve(self, token):
        return {"tok-alice": UserInfo(username="alice"), "tok-audit": UserInfo(username="carol")}[token]


@pytest.fixture
def collector(tmp_path):
    return CollectorService(
        SqliteStore(str(tmp_path / "c.db")),
        BodyCipher(b"k" * 32),
        CheckpointSigner(Ed25519PrivateKey.generate()),
        _Tokens(),
        reader_users=("carol",),
        accepted_bundles=AcceptedBundles(frozenset({GOOD, "rev-approved"})),
    )


def test_collector_flags_records_from_bundles_it_does_not_accept(collector, tmp_path):
    trail = _trail(tmp_path)
    kid = trail.keys.current_id()
    pub = encode_public(trail.keys.public_key(kid))
    collector.register_key("tok-alice", registration_payload(trail.keys.private_key(kid), kid, pub))
    trail.record(_decided(PolicyBundle(revision="rev-1", digest=GOOD)))  # accepted by digest
    trail.record(_decided(PolicyBundle(revision="rev-approved")))  # central OPA: revision only
    trail.record(_decided(PolicyBundle(revision="rev-1", digest=EVIL)))  # the user's own bundle
    trail.record(_decided(None))  # a client that names no bundle
    trail.record(_decided(None, decision="none"))  # no decision at all: nothing to judge
    raw = [b.decode() for b in trail.spool.raw_records()]
    results = collector.ingest("tok-alice", raw)["results"]
    assert [r["status"] for r in results] == ["accepted"] * 5  # flagged, never dropped
    expected = ["accepted", "accepted", "unaccepted", "unaccepted", None]
    assert [r.get("policyBundleStatus") for r in results] == expected
    items = collector.query({})["items"]
    assert [i.get("policyBundleStatus") for i in items] == expected


def test_no_accepted_list_means_no_flag(tmp_path):
    record = _trail(tmp_path).record(_decided(PolicyBundle(digest=EVIL)))
    assert AcceptedBundles().status(record) is None
