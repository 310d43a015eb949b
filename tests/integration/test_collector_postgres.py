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
