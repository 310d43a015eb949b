"""Canonical bytes and Ed25519 signatures of audit records."""

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.ledger.record import Record, canonical_bytes
from kubechat.ledger.sign import key_id, sign, verify


def test_canonical_bytes_sorted_compact_utf8():
    data = {"b": 1, "a": {"z": "é", "y": [1, 2]}, "c": None}
    assert canonical_bytes(data) == '{"a":{"y":[1,2],"z":"é"},"b":1,"c":null}'.encode()


def test_canonical_bytes_independent_of_key_order():
    assert canonical_bytes({"x": 1, "y": 2}) == canonical_bytes({"y": 2, "x": 1})


def _record(**kw) -> Record:
    trail = AuditTrail()
    inp = RecordInput(user=UserInfo(username="alice", groups=["dev", "system:authenticated"]), **kw)
    return trail, trail.record(inp)


def test_record_carries_k8s_audit_field_names():
    _, record = _record(
        request="list pods in prod", argv=["kubectl", "get", "pods", "-n", "prod"], verb="get"
    )
    body = json.loads(record.canonical())
    for name in (
        "auditID",
        "stage",
        "requestReceivedTimestamp",
        "stageTimestamp",
        "objectRef",
        "responseStatus",
    ):
        assert name in body
    assert body["user"] == {"username": "alice", "uid": None, "groups": ["dev", "system:authenticated"]}
    assert body["kind"] == "Event"


def test_signature_verifies_and_covers_every_field():
    trail, record = _record(request="scale web to 3", argv=["kubectl", "scale", "deploy/web", "--replicas=3"])
    pub = trail.keys.public_key(record.keyID)
    assert verify(pub, record.signing_bytes(), record.signature)
    tampered = record.model_copy(update={"argv": ["kubectl", "scale", "deploy/web", "--replicas=30"]})
    assert not verify(pub, tampered.signing_bytes(), tampered.signature)
    assert not verify(pub, record.signing_bytes(), None)


def test_signature_is_over_bytes_without_signature_field():
    _, record = _record()
    assert b'"signature"' not in record.signing_bytes()
    assert b'"signature"' in record.canonical()


def test_output_digest_without_output_by_default():
    _, record = _record(output="pod/web-1 deleted", exit_code=0)
    assert record.output is None
    assert record.outputDigest == hashlib.sha256(b"pod/web-1 deleted").hexdigest()


def test_output_kept_only_when_configured_and_never_for_secrets():
    trail = AuditTrail(keep_output=True)
    user = UserInfo(username="bob")
    kept = trail.record(RecordInput(user=user, argv=["kubectl", "get", "pods"], output="web-1 Running"))
    assert kept.output == "web-1 Running"
    secret = trail.record(
        RecordInput(user=user, argv=["kubectl", "get", "secret", "db", "-o", "yaml"], output="data: x")
    )
    assert secret.output is None and secret.outputDigest


def test_key_id_is_stable():
    key = Ed25519PrivateKey.generate()
    assert key_id(key.public_key()) == key_id(key.public_key())
    assert len(key_id(key.public_key())) == 32
    assert verify(key.public_key(), b"x", sign(key, b"x"))


def test_signing_key_is_private_and_a_readable_one_is_refused():
    trail, record = _record()
    path = trail.keys.dir / f"{record.keyID}.key"
    assert (path.stat().st_mode & 0o777) == 0o600
    path.chmod(0o644)
    from kubechat.errors import AuditError

    with pytest.raises(AuditError) as exc:
        trail.record(RecordInput(user=UserInfo(username="alice")))
    assert "readable by others" in exc.value.message


def test_signing_key_read_from_its_file_is_the_key_that_was_written(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from kubechat.audit.keys import KeyStore
    from kubechat.errors import AuditError

    store = KeyStore(tmp_path)
    kid = store.generate()
    pem = (tmp_path / f"{kid}.key").read_bytes()
    raw = serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    expected = serialization.load_pem_private_key(pem, password=None).private_bytes(*raw)
    assert store.private_key(kid).private_bytes(*raw) == expected
    assert key_id(store.private_key(kid).public_key()) == kid
    # Any other key goes through cryptography's reader and is refused as before.
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / f"{kid}.key").write_bytes(other)
    with pytest.raises(AuditError, match="not an Ed25519 key"):
        store.private_key(kid)
    (tmp_path / f"{kid}.key").write_bytes(pem.replace(b"MC4C", b"MC4!"))
    with pytest.raises(ValueError):
        store.private_key(kid)


def test_received_time_normalised_to_one_form():
    _, record = _record(received_at="2026-03-01T10:00:00+02:00")
    assert record.requestReceivedTimestamp == "2026-03-01T08:00:00.000000Z"
