"""The collector on a real PostgreSQL server: ingest, queries, proofs, and two replicas sharing it.

PostgreSQL runs as a throwaway cluster (initdb + pg_ctl in a temp dir, as an unprivileged user when
the tests run as root). Install the binaries with scripts/install-postgres.sh.
"""

import threading

import pytest
from collector_support import (
    fill,
    forge,
    make_service,
    pg_bin,
    running,
    ship_query_verify,
    throwaway_postgres,
)

from kubechat.audit import AuditTrail
from kubechat.audit.keys import KeyStore
from kubechat.collector.store import open_store


@pytest.fixture(scope="module")
def postgres_url():
    if pg_bin() is None:
        pytest.skip("PostgreSQL server binaries not installed (run scripts/install-postgres.sh)")
    with throwaway_postgres() as url:
        yield url


@pytest.fixture
def fresh_db(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for table in ("records", "keys", "clients", "checkpoints"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    return postgres_url


def test_round_trip_over_tls_on_postgres(fresh_db, tmp_path, capsys):
    service = make_service(open_store(fresh_db))
    assert service.store.kind == "postgresql"
    with running(service, tmp_path) as (url, ca):
        audit = ship_query_verify(url, ca, service, tmp_path, capsys)
        import psycopg

        with psycopg.connect(fresh_db, autocommit=True) as conn:
            audit_id, sealed = conn.execute(
                "SELECT audit_id, body FROM records WHERE leaf_index = 9"
            ).fetchone()
            conn.execute("UPDATE records SET body = %s WHERE leaf_index = 9", (forge(sealed, audit_id),))
        code, out = audit("verify")
        assert code == 1 and "record 10" in out, out


def test_two_replicas_share_one_log(fresh_db, tmp_path):
    # Two collector processes' worth of services on one database, two clients shipping at once.
    a = make_service(open_store(fresh_db))
    b = make_service(open_store(fresh_db))
    b.signer = a.signer  # replicas mount the same checkpoint key Secret
    trails = []
    for name in ("one", "two"):
        trail = AuditTrail(spool_path=tmp_path / f"{name}.db", keys=KeyStore(tmp_path / f"{name}-keys"))
        fill(trail, 60)
        trails.append(trail)
    with running(a, tmp_path / "a") as (url_a, ca_a), running(b, tmp_path / "b") as (url_b, ca_b):
        results = {}

        def ship(i, trail, url, ca):
            results[i] = trail.ship_pending(url, token="tok-alice", ca_file=ca, batch_size=7)

        threads = [
            threading.Thread(target=ship, args=(0, trails[0], url_a, ca_a)),
            threading.Thread(target=ship, args=(1, trails[1], url_b, ca_b)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert all(r.ok and r.accepted == 60 for r in results.values()), [r.describe() for r in results.values()]
    cp_a, cp_b = a.checkpoint(), b.checkpoint()
    assert cp_a["treeSize"] == cp_b["treeSize"] == 120 and cp_a["rootHash"] == cp_b["rootHash"]
    page = a.query({}, limit=1000)
    assert [i["leafIndex"] for i in page["items"]] == list(range(120))


def test_a_batch_sent_again_comes_back_as_duplicates_with_the_same_receipts(fresh_db, tmp_path):
    # The batch is looked up in one query and stored in one pipelined statement: a client that
    # gave up and sends it again, with a record repeated inside it, gets no second copy of any.
    from kubechat.audit.ship import registration_payload
    from kubechat.ledger import merkle
    from kubechat.ledger.sign import encode_public

    service = make_service(open_store(fresh_db))
    trail = AuditTrail(spool_path=tmp_path / "spool.db", keys=KeyStore(tmp_path / "keys"))
    kid = trail.keys.current_id()
    payload = registration_payload(
        trail.keys.private_key(kid), kid, encode_public(trail.keys.public_key(kid))
    )
    service.register_key("tok-alice", payload)
    fill(trail, 5)
    raw = [b.decode() for b in trail.spool.raw_records()]
    first = service.ingest("tok-alice", raw[:3])["results"]
    again = service.ingest("tok-alice", [*raw, raw[4]])
    assert [r["status"] for r in first] == ["accepted"] * 3
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3 + [
        "accepted",
        "accepted",
        "duplicate",
    ]
    leaves = [r["leafIndex"] for r in again["results"]]
    assert leaves == [0, 1, 2, 3, 4, 4]
    root, size = bytes.fromhex(again["checkpoint"]["rootHash"]), again["checkpoint"]["treeSize"]
    assert size == 5
    for body, result in zip([*raw, raw[4]], again["results"], strict=True):
        proof = [bytes.fromhex(p) for p in result["proof"]]
        assert merkle.verify_inclusion(
            merkle.leaf_hash(body.encode()), result["leafIndex"], size, proof, root
        )
    import psycopg

    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT audit_id) FROM records").fetchone() == (5, 5)
