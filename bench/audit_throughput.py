"""Audit trail figures: record latency (sign + chain + fsynced spool), chain verification speed,
collector ingest over HTTPS/TLS 1.3 (SQLite store), and Merkle proof costs.

    .venv/bin/python bench/audit_throughput.py [--records 500]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kubechat-bench-"))
    os.environ["KUBECHAT_HOME"] = str(tmp / "home")

    from kubechat.audit import AuditTrail, RecordInput, UserInfo
    from kubechat.ledger import merkle
    from kubechat.collector.store import open_store

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
