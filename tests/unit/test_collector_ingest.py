"""Collector ingest rules with an injected identity resolver: key binding, signatures, chains."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.audit.keys import KeyStore
from kubechat.audit.ship import registration_payload
from kubechat.collector.crypto import BodyCipher, CheckpointSigner
from kubechat.collector.identity import IdentityError
from kubechat.collector.service import CollectorService, Refused
from kubechat.collector.store import SqliteStore
from kubechat.ledger import merkle
from kubechat.ledger.protocol import verify_checkpoint
from kubechat.ledger.sign import encode_public


class Tokens:
    """token → user, as the API server would answer."""

    USERS = {
        "tok-alice": UserInfo(username="alice", groups=["dev"]),
        "tok-bob": UserInfo(username="bob", groups=["dev"]),
        "tok-auditor": UserInfo(username="carol", groups=["kubechat:auditors"]),
    }

    def resolve(self, token):
        if token not in self.USERS:
            raise IdentityError("token rejected")
        return self.USERS[token]


def _service(tmp_path, limits=None, **options):
    return CollectorService(
        SqliteStore(str(tmp_path / "c.db")),
        BodyCipher(b"k" * 32),
        CheckpointSigner(Ed25519PrivateKey.generate()),
        Tokens(),
        limits=limits,
        **options,
    )


@pytest.fixture
def service(tmp_path):
    return _service(tmp_path)


def _trail(tmp_path, name):
    return AuditTrail(spool_path=tmp_path / f"{name}.db", keys=KeyStore(tmp_path / f"{name}-keys"))


def _register(service, trail, token):
    kid = trail.keys.current_id()
    pub = encode_public(trail.keys.public_key(kid))
    return service.register_key(token, registration_payload(trail.keys.private_key(kid), kid, pub))


def _ingest(service, raw, token="tok-alice"):
    return service.ingest(token, raw)["results"]


def _raw(trail):
    return [b.decode() for b in trail.spool.raw_records()]


def _record(trail, username, n=1):
    for i in range(n):
        trail.record(RecordInput(user=UserInfo(username=username), request=f"get pods {i}", verb="get"))


def test_registered_key_records_accepted_and_checkpointed(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    assert _register(service, alice, "tok-alice")[0] == 201
    assert _register(service, alice, "tok-alice")[0] == 200  # idempotent
    _record(alice, "alice", 3)
    results = _ingest(service, _raw(alice))
    assert [r["status"] for r in results] == ["accepted"] * 3
    cp = service.checkpoint()
    assert cp["treeSize"] == 3 and verify_checkpoint(cp, cp["publicKey"])
    leaves = [merkle.leaf_hash(b) for b in alice.spool.raw_records()]
    assert cp["rootHash"] == merkle.root(leaves).hex()


def test_user_a_cannot_submit_records_as_user_b(service, tmp_path):
    mallory = _trail(tmp_path, "alice")
    _register(service, mallory, "tok-alice")  # alice's key, bound to alice
    _record(mallory, "bob")  # but she claims to be bob
    (result,) = _ingest(service, _raw(mallory))
    assert result["status"] == "rejected" and "bound to 'alice'" in result["reason"]
    assert service.checkpoint()["treeSize"] == 0


def test_unknown_key_rejected(service, tmp_path):
    stranger = _trail(tmp_path, "x")
    _record(stranger, "alice")
    (result,) = _ingest(service, _raw(stranger))
    assert result["status"] == "rejected" and "unknown signing key" in result["reason"]


def test_a_key_speaks_only_for_identities_proven_to_it(service, tmp_path):
    # One person with two identities proves each with that identity's token and the same key.
    alice = _trail(tmp_path, "alice")
    assert _register(service, alice, "tok-alice")[0] == 201
    assert _register(service, alice, "tok-bob")[0] == 201
    _record(alice, "alice")
    _record(alice, "bob")
    _record(alice, "carol")
    results = _ingest(service, _raw(alice))
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"]
    assert "bound to 'alice', 'bob'" in results[2]["reason"]


def test_unverified_identity_accepted_from_a_bound_key_only(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    alice.record(RecordInput(user=UserInfo(username="unknown"), request="get pods (cluster unreachable)"))
    (result,) = _ingest(service, _raw(alice))
    assert result["status"] == "rejected" and "unknown signing key" in result["reason"]
    _register(service, alice, "tok-alice")
    (result,) = _ingest(service, _raw(alice))
    assert result["status"] == "accepted"


def test_another_users_key_cannot_extend_a_chain(service, tmp_path):
    alice, bob = _trail(tmp_path, "alice"), _trail(tmp_path, "bob")
    _register(service, alice, "tok-alice")
    _register(service, bob, "tok-bob")
    _record(alice, "alice")
    _ingest(service, _raw(alice))
    first = next(alice.spool.records())
    from kubechat.ledger.sign import sign

    forged = first.model_copy(
        update={
            "auditID": "f0",
            "seq": 2,
            "prevHash": first.hash(),
            "keyID": bob.keys.current_id(),
            "user": UserInfo(username="bob"),
            "signature": None,
        }
    )
    forged.signature = sign(bob.keys.private_key(), forged.signing_bytes())
    (result,) = _ingest(service, [forged.canonical().decode()], "tok-bob")
    assert result["status"] == "rejected" and "current key" in result["reason"]


def test_registration_needs_valid_token_and_proof(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    with pytest.raises(Refused) as exc:
        _register(service, alice, "forged")
    assert exc.value.status == 401
    kid = alice.keys.current_id()
    payload = registration_payload(
        Ed25519PrivateKey.generate(), kid, encode_public(alice.keys.public_key(kid))
    )
    with pytest.raises(Refused) as exc:
        service.register_key(
            "tok-bob", payload
        )  # bob tries to claim alice's public key without its private half
    assert exc.value.status == 400 and "proof" in exc.value.message


def test_duplicates_are_idempotent_and_conflicts_rejected(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 2)
    _ingest(service, _raw(alice))
    assert [r["status"] for r in _ingest(service, _raw(alice))] == ["duplicate", "duplicate"]
    assert service.checkpoint()["treeSize"] == 2


def test_gap_and_tamper_rejected(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 3)
    raw = _raw(alice)
    (gap,) = _ingest(service, [raw[1]])
    assert gap["status"] == "rejected" and "has not arrived" in gap["reason"]
    body = json.loads(raw[0])
    body["request"] = "nothing to see"
    forged = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    (bad,) = _ingest(service, [forged])
    assert bad["status"] == "rejected" and "signature" in bad["reason"]
    assert [r["status"] for r in _ingest(service, raw)] == ["accepted"] * 3


def test_rotated_key_must_be_registered_too(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice")
    alice.rotate_keys(UserInfo(username="alice"))
    _record(alice, "alice")
    results = _ingest(service, _raw(alice))
    assert [r["status"] for r in results[:2]] == ["accepted", "accepted"]
    assert results[2]["status"] == "rejected" and "unknown signing key" in results[2]["reason"]
    _register(service, alice, "tok-alice")  # the new current key
    assert _ingest(service, _raw(alice)[2:])[0]["status"] == "accepted"


def test_queries_need_a_reader_and_bodies_are_encrypted(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    alice.record(
        RecordInput(user=UserInfo(username="alice"), request="delete web", verb="delete", risk="destructive")
    )
    _record(alice, "alice", 2)
    _ingest(service, _raw(alice))
    with pytest.raises(Refused) as exc:
        service.authorize_reader("tok-alice")
    assert exc.value.status == 403
    assert service.authorize_reader("tok-auditor").username == "carol"
    page = service.query({"risk": "destructive"})
    assert [i["verb"] for i in page["items"]] == ["delete"]
    page = service.query({"text": "PODS 1"})
    assert len(page["items"]) == 1
    first = service.query({}, limit=2)
    rest = service.query({}, after=first["next"], limit=2)
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next"] is None
    stored = service.store.db.execute("SELECT body FROM records").fetchall()
    assert all(b"delete web" not in bytes(b[0]) for b in stored)


def test_inclusion_and_consistency_proofs_verify(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 3)
    _ingest(service, _raw(alice))
    cp3 = service.checkpoint()
    _record(alice, "alice", 4)
    _ingest(service, _raw(alice)[3:])
    cp7 = service.checkpoint()
    proof = service.inclusion(5, 7)
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["leafHash"]),
        5,
        7,
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(cp7["rootHash"]),
    )
    cons = service.consistency(3, 7)
    assert merkle.verify_consistency(
        3,
        7,
        bytes.fromhex(cp3["rootHash"]),
        bytes.fromhex(cp7["rootHash"]),
        [bytes.fromhex(p) for p in cons["proof"]],
    )


def test_failed_batch_leaves_no_phantom_leaves_in_the_tree(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 2)
    raw = _raw(alice)
    _ingest(service, raw[:1])
    real_sign = service.signer.sign

    def broken(*a, **kw):
        raise RuntimeError("store lost mid-batch")

    service.signer.sign = broken
    with pytest.raises(RuntimeError):
        _ingest(service, raw[1:])
    service.signer.sign = real_sign
    assert service.checkpoint()["treeSize"] == 1
    other = _trail(tmp_path, "other")
    _register(service, other, "tok-bob")
    _record(other, "bob")
    _ingest(service, _raw(other), "tok-bob")  # takes leaf 1, which the failed batch had used in its cache
    leaves = [merkle.leaf_hash(raw[0].encode()), merkle.leaf_hash(_raw(other)[0].encode())]
    assert service.checkpoint()["rootHash"] == merkle.root(leaves).hex()


def _claim_client_id(trail, other):
    """Make `trail` sign its next records under `other`'s client chain id (a squatter)."""
    trail.spool.set_meta("client_id", other.spool.meta("client_id"))


def test_another_key_cannot_squat_a_client_chain(service, tmp_path):
    alice, bob = _trail(tmp_path, "alice"), _trail(tmp_path, "bob")
    _register(service, alice, "tok-alice")
    _register(service, bob, "tok-bob")
    _record(alice, "alice", 2)  # alice has not shipped yet
    _claim_client_id(bob, alice)
    _record(bob, "bob", 2)
    assert [r["status"] for r in _ingest(service, _raw(bob), "tok-bob")] == ["accepted"] * 2
    # bob's records under alice's client id are a chain of bob's key; alice's own chain is untouched
    assert [r["status"] for r in _ingest(service, _raw(alice))] == ["accepted"] * 2
    _record(alice, "alice")
    assert _ingest(service, _raw(alice)[2:])[0]["status"] == "accepted"


def test_records_of_a_chain_from_another_identity_are_rejected(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 2)
    (result,) = _ingest(service, _raw(alice)[:1], "tok-bob")
    assert result["status"] == "rejected" and "not proven possession" in result["reason"]
    assert service.checkpoint()["treeSize"] == 0
    assert [r["status"] for r in _ingest(service, _raw(alice))] == ["accepted"] * 2


def test_ingest_needs_a_token(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice")
    with pytest.raises(Refused) as exc:
        service.ingest(None, _raw(alice))
    assert exc.value.status == 401


def test_every_stored_record_comes_back_with_a_receipt(service, tmp_path):
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 3)
    service.ingest("tok-alice", _raw(alice)[:1])
    answer = service.ingest("tok-alice", _raw(alice))  # one duplicate, two new
    cp = answer["checkpoint"]
    assert verify_checkpoint(cp, service.signer.public_b64) and cp["treeSize"] == 3
    assert [r["status"] for r in answer["results"]] == ["duplicate", "accepted", "accepted"]
    for body, result in zip(alice.spool.raw_records(), answer["results"], strict=True):
        proof = [bytes.fromhex(p) for p in result["proof"]]
        root = bytes.fromhex(cp["rootHash"])
        assert merkle.verify_inclusion(merkle.leaf_hash(body), result["leafIndex"], 3, proof, root)


def test_oversized_record_is_rejected(tmp_path):
    from kubechat.collector.limits import Limits

    small = _service(tmp_path, Limits(max_record_bytes=2000))
    alice = _trail(tmp_path, "alice")
    _register(small, alice, "tok-alice")
    alice.record(RecordInput(user=UserInfo(username="alice"), request="x" * 3000))
    (result,) = _ingest(small, _raw(alice))
    assert result["status"] == "rejected" and "limit of 2000" in result["reason"]


def test_identity_over_its_rate_gets_429_with_retry_after(tmp_path):
    from kubechat.collector.limits import Limits

    slow = _service(tmp_path, Limits(records_per_second=0.5, burst=4))
    alice, bob = _trail(tmp_path, "alice"), _trail(tmp_path, "bob")
    _register(slow, alice, "tok-alice")  # one token
    _record(alice, "alice", 4)
    assert len(_ingest(slow, _raw(alice)[:3])) == 3
    with pytest.raises(Refused) as exc:
        slow.ingest("tok-alice", _raw(alice)[3:])
    assert exc.value.status == 429 and int(exc.value.headers["Retry-After"]) >= 1
    _register(slow, bob, "tok-bob")  # another identity has its own budget
    _record(bob, "bob")
    assert _ingest(slow, _raw(bob), "tok-bob")[0]["status"] == "accepted"


def test_search_column_is_redacted_whatever_the_client_sent(service, tmp_path, monkeypatch):
    import kubechat.audit.trail as trail_mod

    # A client that does not redact (older, modified or hostile): its records are still signed.
    monkeypatch.setattr(trail_mod, "redact_argv", lambda argv: (list(argv), []))
    monkeypatch.setattr(trail_mod, "redact_text", lambda text, secrets=(), **kw: text)
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    alice.record(
        RecordInput(
            user=UserInfo(username="alice"),
            request="set DB_PASSWORD=hunter22 on web",
            argv=["set", "env", "deploy/web", "DB_PASSWORD=hunter22"],
            verb="set",
        )
    )
    assert b"hunter22" in b"".join(alice.spool.raw_records())
    (result,) = _ingest(service, _raw(alice))
    assert result["status"] == "accepted"
    (search,) = service.store.db.execute("SELECT search FROM records").fetchone()
    assert "hunter22" not in search and "db_password=***redacted***" in search
    assert service.query({"text": "hunter22"})["items"] == []


def test_one_batch_with_a_whole_chain_duplicates_and_a_fork(service, tmp_path):
    """A chain sent in one batch links through records of the same batch; the same record twice
    in a batch is a duplicate, and a second record for a taken position is a fork."""
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice", 3)
    raw = _raw(alice)
    body = json.loads(raw[2])
    body["request"] = "another third record"
    fork = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    results = _ingest(service, [*raw, raw[1], fork])
    assert [r["status"] for r in results] == ["accepted", "accepted", "accepted", "duplicate", "rejected"]
    assert "different record" in results[4]["reason"]  # same auditID, other bytes
    assert service.checkpoint()["treeSize"] == 3 and results[3]["leafIndex"] == 1


def test_records_not_exactly_canonical_are_rejected(service, tmp_path):
    """Each of these would parse; none is the signed record as written."""
    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    _record(alice, "alice")
    (raw,) = _raw(alice)
    body = json.loads(raw)

    def dumps(data):
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    missing = dict(body)
    del missing["context"]  # the model would fill in None, changing the bytes
    nested = json.loads(raw)
    del nested["cluster"]["server"]
    as_text = dict(body, seq=str(body["seq"]))
    variants = {
        "spaces": json.dumps(body, sort_keys=True),
        "missing": dumps(missing),
        "nested": dumps(nested),
        "text seq": dumps(as_text),
        "extra": dumps(dict(body, extra=1)),
        "null bundle": dumps(dict(body, policyBundle=None)),
    }
    for name, variant in variants.items():
        (result,) = _ingest(service, [variant])
        assert result["status"] == "rejected", name
    assert _ingest(service, [raw])[0]["status"] == "accepted"


def test_signed_bytes_are_cut_from_the_canonical_bytes(tmp_path):
    from kubechat.ledger import wire
    from kubechat.ledger.record import Record

    alice = _trail(tmp_path, "alice")
    alice.record(
        RecordInput(
            user=UserInfo(username="alice"),
            request='say ,"signature":"x" and "quotes"',
            annotations={"signature": "not the record's"},
            verb="get",
        )
    )
    (raw,) = alice.spool.raw_records()
    checked = wire.check(raw)
    assert checked.signing == Record.model_validate_json(raw).signing_bytes()


def test_a_busy_collector_answers_503_with_retry_after(tmp_path):
    busy = _service(tmp_path, ingest_wait=0.05)
    alice = _trail(tmp_path, "alice")
    _register(busy, alice, "tok-alice")
    _record(alice, "alice")
    with busy._ingest_slot:  # another batch is being stored
        with pytest.raises(Refused) as exc:
            busy.ingest("tok-alice", _raw(alice))
    assert exc.value.status == 503 and int(exc.value.headers["Retry-After"]) >= 1
    assert _ingest(busy, _raw(alice))[0]["status"] == "accepted"  # and nothing was half-stored


def test_a_batch_that_waited_for_a_thread_past_its_turn_is_refused_not_stored(tmp_path):
    import time

    busy = _service(tmp_path, ingest_wait=2.0)
    alice = _trail(tmp_path, "alice")
    _register(busy, alice, "tok-alice")
    _record(alice, "alice")
    # The request came in 3 s ago and only now got a worker thread: nobody holds the slot, but
    # the client is about to give up, so the batch is answered at once and nothing is stored.
    with pytest.raises(Refused) as exc:
        busy.ingest("tok-alice", _raw(alice), arrived=time.monotonic() - 3.0)
    assert exc.value.status == 503 and "Retry-After" in exc.value.headers
    assert busy.checkpoint()["treeSize"] == 0
    assert _ingest(busy, _raw(alice))[0]["status"] == "accepted"


def test_a_large_batch_is_verified_by_the_verifier_threads_with_the_same_answers(tmp_path, monkeypatch):
    import threading

    from kubechat.collector import service as service_module

    alice = _trail(tmp_path, "alice")
    _record(alice, "alice", 100)
    raw = _raw(alice)
    body = json.loads(raw[70])
    body["request"] = "nothing to see"
    raw[70] = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def answers(name: str, parallel_min: int) -> tuple[list, list[str]]:
        (tmp_path / name).mkdir()
        service = _service(tmp_path / name)
        _register(service, alice, "tok-alice")
        threads = []

        def spy(*args):
            threads.append(threading.current_thread().name)
            return verify(*args)

        with monkeypatch.context() as m:
            m.setattr(service_module, "verify", spy)
            m.setattr(service_module, "VERIFY_THREADS", 2)  # as on a machine with two cores or more
            m.setattr(service_module, "PARALLEL_VERIFY_MIN", parallel_min)
            results = _ingest(service, raw)
        return [{k: v for k, v in r.items() if k != "proof"} for r in results], threads

    verify = service_module.verify
    threaded, threads = answers("threads", 64)
    inline, _ = answers("inline", 10**9)
    assert threaded == inline
    assert [r["status"] for r in threaded] == ["accepted"] * 70 + ["rejected"] * 30
    assert "signature does not verify" in threaded[70]["reason"]
    # Each signature checked once, none in the request's own thread.
    assert len(threads) == 100 and all(t.startswith("kubechat-verify") for t in threads), threads
