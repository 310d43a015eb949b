"""A real collector (uvicorn over TLS 1.3 on loopback, SQLite store) fed by a real audit trail."""

import socket
import ssl

import pytest
from collector_support import fill, forge, free_port, make_service, run_cli, running, ship_query_verify

from kubechat.audit import AuditTrail, RecordInput, UserInfo, http
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
    assert trail.prune("9999-01-01T00:00:00Z") == 5  # everything shipped goes
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
