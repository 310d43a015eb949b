"""Audit trail figures: record latency (sign + chain + fsynced spool), chain verification speed,
collector ingest over HTTPS/TLS 1.3 (SQLite store), the collector's own ingest rate into SQLite
and PostgreSQL (in process, no HTTP: what the service sustains; median of --repeats fresh stores),
and Merkle proof costs. PostgreSQL is a throwaway cluster when its binaries are installed, or
--postgres URL (its tables are dropped).

    .venv/bin/python bench/audit_throughput.py [--records 500] [--ingest-records 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

INGEST_CHAINS = 10  # clients, each with its own key and chain
INGEST_BATCH = 500  # records a batch, as the shipper sends them
COLLECTOR_TABLES = (
    "records",
    "keys",
    "checkpoints",
    "activity",
    "denial_reasons",
    "chains",
    "chain_users",
    "summaries",
)


def collector_ingest_rate(url: str, chains) -> tuple[float, float]:
    """Records/s the collector service verifies and stores, batches from the chains in turn, and
    its CPU microseconds a record."""
    from collector_support import make_service

    from kubechat.audit.ship import registration_payload
    from kubechat.collector.limits import Limits
    from kubechat.collector.store import open_store
    from kubechat.ledger.sign import encode_public, key_id

    # The per-identity rate limit is lifted: every chain ships as the same identity.
    service = make_service(open_store(url), limits=Limits(records_per_second=1e9, burst=10**9))
    try:
        for key, _ in chains:
            kid = key_id(key.public_key())
            service.register_key("tok-alice", registration_payload(key, kid, encode_public(key.public_key())))
        accepted, total = 0, sum(len(records) for _, records in chains)
        t, cpu = time.perf_counter(), time.process_time()
        for i in range(0, max(len(records) for _, records in chains), INGEST_BATCH):
            for _, records in chains:
                results = service.ingest("tok-alice", records[i : i + INGEST_BATCH])["results"]
                accepted += sum(r["status"] == "accepted" for r in results)
        dt, cpu = time.perf_counter() - t, time.process_time() - cpu
    finally:
        service.store.close()
    assert accepted == total, f"{accepted} accepted of {total}"
    return total / dt, cpu / total * 1e6


def drop_collector_tables(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in COLLECTOR_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")


def print_collector_ingest(tmp: Path, n: int, repeats: int, postgres: str | None) -> None:
    import contextlib

    from audit_scale import make_chain
    from collector_support import pg_bin, throwaway_postgres

    chains = [make_chain(n // INGEST_CHAINS, c, time.time() - n) for c in range(INGEST_CHAINS)]
    where = f"{n:,} records, {INGEST_CHAINS} chains, batches of {INGEST_BATCH}, median of {repeats}"
    runs = [collector_ingest_rate(f"sqlite:///{tmp / f'ingest-{r}.db'}", chains) for r in range(repeats)]
    print(f"collector ingest into SQLite ({where}): {_figures(runs)}")
    if postgres is None and pg_bin() is None:
        print("collector ingest into PostgreSQL: skipped (no server binaries; or pass --postgres URL)")
        return
    with contextlib.ExitStack() as stack:
        url = postgres or stack.enter_context(throwaway_postgres())
        runs = []
        for _ in range(repeats):
            drop_collector_tables(url)
            runs.append(collector_ingest_rate(url, chains))
        drop_collector_tables(url)
    print(f"collector ingest into PostgreSQL ({where}): {_figures(runs)}")


def _figures(runs: list[tuple[float, float]]) -> str:
    """Median records/s, each run's, and the collector process's CPU time a record (which other
    jobs on the machine barely change; PostgreSQL's own CPU is not in it)."""
    rates = [rate for rate, _ in runs]
    cpu = statistics.median(us for _, us in runs)
    listed = ", ".join(f"{r:,.0f}" for r in rates)
    return f"{statistics.median(rates):,.0f} records/s (runs: {listed}), {cpu:,.0f} µs CPU a record"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--ingest-records", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a throwaway cluster")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kubechat-bench-"))
    os.environ["KUBECHAT_HOME"] = str(tmp / "home")

    from kubechat.audit import AuditTrail, RecordInput, UserInfo
    from kubechat.collector.store import open_store
    from kubechat.ledger import merkle

    trail = AuditTrail()
    user = UserInfo(username="alice", groups=["kubechat:operators"])
    inp = RecordInput(
        user=user,
        request="scale web in prod to 3",
        argv=["kubectl", "scale", "deployment/web", "--replicas=3", "-n", "prod"],
        verb="scale",
        risk="write",
        exit_code=0,
        output="deployment.apps/web scaled\n" * 20,
    )
    trail.record(inp)  # key creation and schema out of the way
    lat = []
    for _ in range(args.records):
        t = time.perf_counter()
        trail.record(inp)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    print(
        f"record (redact+sign+chain+fsync spool): p50 {statistics.median(lat):.2f} ms, "
        f"p95 {lat[int(len(lat) * 0.95)]:.2f} ms, max {lat[-1]:.2f} ms over {len(lat)} records"
    )

    t = time.perf_counter()
    result = trail.verify()
    dt = time.perf_counter() - t
    print(
        f"verify spool chain: {result.count} records in {dt * 1000:.0f} ms ({result.count / dt:,.0f} records/s)"
    )

    from collector_support import make_service, running

    service = make_service(open_store(f"sqlite:///{tmp / 'collector.db'}"))
    with running(service, tmp / "tls") as (url, ca):
        t = time.perf_counter()
        shipped = trail.ship_pending(url, token="tok-alice", ca_file=ca, batch_size=200)
        dt = time.perf_counter() - t
    print(
        f"ship + collector ingest over TLS 1.3 (SQLite, batches of 200): {shipped.accepted} records in "
        f"{dt * 1000:.0f} ms ({shipped.accepted / dt:,.0f} records/s)"
    )

    print_collector_ingest(tmp, args.ingest_records, args.repeats, args.postgres)

    for n in (10_000, 100_000):
        leaves = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(n)]
        t = time.perf_counter()
        root = merkle.root(leaves)
        t_root = time.perf_counter() - t
        t = time.perf_counter()
        proof = merkle.inclusion_proof(n // 3, leaves)
        ok = merkle.verify_inclusion(leaves[n // 3], n // 3, n, proof, root)
        t_proof = time.perf_counter() - t
        cache = merkle.SubtreeCache()
        merkle.root(leaves[: n - 200], cache)  # the collector's warm cache before a batch
        t = time.perf_counter()
        merkle.root(leaves, cache)
        t_grow = time.perf_counter() - t
        print(
            f"merkle n={n:,}: cold root {t_root * 1000:.0f} ms, root after a 200-record batch (warm cache) "
            f"{t_grow * 1000:.1f} ms, inclusion proof+verify {t_proof * 1000:.0f} ms ({len(proof)} hashes, ok={ok})"
        )


if __name__ == "__main__":
    main()
