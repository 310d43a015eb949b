"""A real collector (uvicorn over TLS 1.3 on loopback, SQLite store) fed by a real audit trail."""

import socket
import ssl

import pytest
from collector_support import (
    AuditorCli,
    fill,
    forge,
    free_port,
    make_service,
    run_cli,
    running,
    ship_query_verify,
)

from kubechat import https as http
from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.collector.store import open_store


@pytest.fixture
def collector(tmp_path):
    service = make_service(open_store(f"sqlite:///{tmp_path / 'collector.db'}"))
    with running(service, tmp_path) as (url, ca):
        yield url, ca, service


def test_tls13_only(collector):
    url, ca, _ = collector
    port = int(url.rsplit(":", 1)[1])
    ctx = ssl.create_default_context(cafile=ca)
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s,
    ):
        assert s.version() == "TLSv1.3"
    old = ssl.create_default_context(cafile=ca)
    old.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError), socket.create_connection(("127.0.0.1", port)) as raw:
        old.wrap_socket(raw, server_hostname="127.0.0.1")


def test_ship_query_verify_end_to_end(collector, capsys, tmp_path):
    url, ca, service = collector
    audit = ship_query_verify(url, ca, service, tmp_path, capsys)
    db = service.store.db
    audit_id, sealed = db.execute("SELECT audit_id, body FROM records WHERE leaf_index = 4").fetchone()
    db.execute("UPDATE records SET body = ? WHERE leaf_index = 4", (forge(sealed, audit_id),))
    code, out = audit("verify")
    assert code == 1 and "record 5" in out and "signature" in out, out


def test_reader_rules_and_metrics(collector):
    url, ca, _ = collector
    trail = AuditTrail()
    fill(trail, 2)
    trail.ship_pending(url, token="tok-alice", ca_file=ca)
    with http.client(ca) as client:
        assert client.get(f"{url}/v1/records").status_code == 401
        assert client.get(f"{url}/v1/records", headers={"Authorization": "Bearer tok-bob"}).status_code == 403
        assert client.get(f"{url}/healthz").text == "ok"
        metrics = client.get(f"{url}/metrics").text
    assert 'kubechat_collector_records_total{status="accepted"} 2.0' in metrics
    assert "kubechat_collector_tree_size 2.0" in metrics


def test_impersonation_rejected_over_http(collector):
    url, ca, _ = collector
    trail = AuditTrail()
    trail.record(RecordInput(user=UserInfo(username="alice"), request="get pods"))
    result = trail.ship_pending(url, token="tok-bob", ca_file=ca)  # bob's token binds the key to bob
    assert not result.ok and "bound to 'bob'" in result.rejected[0][1] and result.pending == 1


def test_down_collector_is_a_clear_message_and_loses_nothing(tmp_path):
    trail = AuditTrail()
    fill(trail, 3)
    result = trail.ship_pending(
        f"https://127.0.0.1:{free_port()}", token="tok-alice", attempts=2, backoff=0.01
    )
    assert not result.ok and "cannot reach the collector" in result.error and result.pending == 3


def test_collector_accepts_the_chain_after_local_prune(collector):
    url, ca, service = collector
    trail = AuditTrail()
    fill(trail, 5)
    assert trail.ship_pending(url, token="tok-alice", ca_file=ca).accepted == 5
    assert trail.prune("9999-01-01T00:00:00Z", service.signer.public_b64) == (5, None)  # all acknowledged
    fill(trail, 2)
    result = trail.ship_pending(url, token="tok-alice", ca_file=ca)
    assert result.ok and result.accepted == 2 and service.checkpoint()["treeSize"] == 7


def test_proof_of_one_record_without_reader_rights(collector, capsys):
    url, ca, service = collector
    trail = AuditTrail()
    fill(trail, 6)
    trail.ship_pending(url, token="tok-alice", ca_file=ca)
    fill(trail, 1)  # not shipped yet
    records = list(trail.spool.records())

    def proof(index, key=service.signer.public_b64):
        args = ("--collector", url, "--ca-file", ca, "--collector-key", key)
        return run_cli(capsys, "audit", "proof", records[index].auditID, *args)

    code, out = proof(3)
    assert code == 0 and "is entry 3 of the log" in out, out
    code, out = proof(6)
    assert code == 1 and "not in the collector's log" in out
    code, out = proof(3, key=make_service(open_store("sqlite:///:memory:")).signer.public_b64)
    assert code == 1 and "checkpoint signature does not verify" in out


def test_prune_needs_receipts_and_verify_compares_spool_and_collector(collector, capsys, tmp_path):
    url, ca, service = collector
    key = service.signer.public_b64
    trail = AuditTrail()
    fill(trail, 6)
    assert trail.ship_pending(url, token="tok-alice", ca_file=ca, collector_key=key).accepted == 6
    fill(trail, 2)
    trail.spool.mark_shipped([r.auditID for r in trail.spool.records()], "2000-01-01T00:00:00Z")  # by hand
    code, out = run_cli(capsys, "audit", "prune", "--shipped-before", "9999-01-01", "--collector-key", key)
    assert (
        code == 0 and "removed 6 acknowledged" in out and "record 7" in out and "no collector receipt" in out
    )
    assert [r.seq for r in trail.spool.records()] == [7, 8]
    fill(trail, 1)
    trail.spool.db.execute("UPDATE records SET shipped_at = NULL WHERE seq > 6")
    assert trail.ship_pending(url, token="tok-alice", ca_file=ca, collector_key=key).accepted == 3
    audit = AuditorCli(capsys, url, ca, tmp_path, key)
    code, out = audit("verify")
    assert code == 0 and "6 pruned behind a verified anchor" in out, out
    assert "4 local records match the collector's entries and receipts" in out, out
    # The collector's copy of a record this spool still holds is rewritten: the comparison shows it.
    db = service.store.db
    audit_id, sealed = db.execute("SELECT audit_id, body FROM records WHERE leaf_index = 7").fetchone()
    db.execute("UPDATE records SET body = ? WHERE leaf_index = 7", (forge(sealed, audit_id),))
    code, out = audit("verify")
    assert code == 1 and "FAIL" in out, out


def test_another_key_cannot_squat_a_client_chain_over_https(collector):
    url, ca, service = collector
    from kubechat.audit.keys import KeyStore

    alice = AuditTrail()
    bob = AuditTrail(
        spool_path=alice.spool.path.parent / "bob.db", keys=KeyStore(alice.keys.dir.parent / "bob")
    )
    fill(alice, 2)
    bob.spool.set_meta("client_id", alice.spool.meta("client_id"))
    bob.record(RecordInput(user=UserInfo(username="bob"), request="first!"))
    assert bob.ship_pending(url, token="tok-bob", ca_file=ca).accepted == 1
    result = alice.ship_pending(url, token="tok-alice", ca_file=ca)
    assert result.ok and result.accepted == 2, result.describe()


def test_identity_over_its_rate_gets_429_with_retry_after(tmp_path):
    from kubechat.collector.limits import Limits

    service = make_service(
        open_store(f"sqlite:///{tmp_path / 'c.db'}"), limits=Limits(records_per_second=0.1, burst=3)
    )
    with running(service, tmp_path) as (url, ca):
        trail = AuditTrail()
        fill(trail, 5)
        result = trail.ship_pending(url, token="tok-alice", ca_file=ca, batch_size=2, attempts=1)
        assert not result.ok and "HTTP 429" in result.error and result.pending == 3
        with http.client(ca) as client:
            resp = client.post(
                f"{url}/v1/records", json={"records": ["{}"]}, headers={"Authorization": "Bearer tok-alice"}
            )
        assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1
