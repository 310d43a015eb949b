"""Audit at scale: N real signed records (~1.1 KB, 10 client chains) into a collector with a
SQLite store over HTTPS/TLS 1.3, then query latency, full `audit verify --collector` time and
the peak memory of a full export. Prints figures; the collector runs in its own process.

    .venv/bin/python bench/audit_scale.py [--records 200000]   # --records 1000000 for the full figure
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

CHAINS = 10
BATCH = 500
VERBS = ("get", "scale", "delete", "apply", "logs")
RISKS = ("read", "write", "destructive", "write", "read")


def make_chain(n: int, chain: int, start_ts: float):
    """(private key, canonical records) of one client chain."""
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from signed_chain import signed_chain

    from kubechat.ledger.record import (
        Cluster,
        ObjectRef,
        PolicyResult,
        RbacResult,
        ResponseStatus,
        UserInfo,
        rfc3339,
    )

    def record(seq: int) -> dict:
        i = seq * CHAINS + chain
        ts = rfc3339(datetime.fromtimestamp(start_ts + i, UTC))
        return dict(
            stage="ResponseComplete",
            requestReceivedTimestamp=ts,
            stageTimestamp=ts,
            user=UserInfo(username="alice", groups=["kubechat:operators"]),
            cluster=Cluster(name="prod-eu-1", server="https://10.0.0.1:6443"),
            context="prod-eu-1",
            sessionID=f"session-{chain}-{seq // 50}",
            request=f"{VERBS[i % 5]} web-{i % 997} in team-{i % 40} token{i}",
            argv=["kubectl", VERBS[i % 5], f"deployment/web-{i % 997}", "-n", f"team-{i % 40}", "-o", "wide"],
            verb=VERBS[i % 5],
            objectRef=ObjectRef(resource="deployments", namespace=f"team-{i % 40}", name=f"web-{i % 997}"),
            risk=RISKS[i % 5],
            policy=PolicyResult(decision="deny" if i % 50 == 0 else "allow", reasons=["ok by policy teams"]),
            rbac=RbacResult(allowed=True),
            confirmation="none",
            responseStatus=ResponseStatus(code=0),
            outputDigest=hashlib.sha256(str(i).encode()).hexdigest(),
            durationMs=120,
            annotations={"kubechat.io/model": "rules", "kubechat.io/trace": "x" * 200},
            clientID=f"client-{chain}",
        )

    key = Ed25519PrivateKey.generate()
    return key, list(signed_chain(key, n, record))


def serve(db: str, tls: str, conn) -> None:
    from collector_support import make_service, running

    from kubechat.collector.limits import Limits
    from kubechat.collector.store import open_store

    # The per-identity rate limit (100 records/s sustained by default) is lifted: every bench
    # client ships as the same identity, and this measures what the collector itself sustains.
    service = make_service(open_store(f"sqlite:///{db}"), limits=Limits(records_per_second=1e9, burst=10**9))
    with running(service, Path(tls)) as (url, ca):
        conn.send((url, ca, service.signer.public_b64))
        conn.recv()  # until told to stop


def ship(url: str, ca: str, key, records: list[str], counts: list[int]) -> None:
    from kubechat import https as http
    from kubechat.audit.ship import registration_payload
    from kubechat.ledger.sign import encode_public, key_id

    headers = {"Authorization": "Bearer tok-alice"}
    with http.client(ca, 60, headers=headers) as client:
        kid = key_id(key.public_key())
        client.post(f"{url}/v1/keys", json=registration_payload(key, kid, encode_public(key.public_key())))
        for i in range(0, len(records), BATCH):
            while True:
                resp = client.post(f"{url}/v1/records", json={"records": records[i : i + BATCH]})
                if resp.status_code in (429, 503):
                    time.sleep(float(resp.headers.get("retry-after", 1)))
                    continue
                resp.raise_for_status()
                break
            counts.append(sum(r["status"] == "accepted" for r in resp.json()["results"]))


def ingest(url, ca, chains) -> float:
    counts: list[int] = []
    threads = [threading.Thread(target=ship, args=(url, ca, key, recs, counts)) for key, recs in chains]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    dt = time.perf_counter() - t
    total = sum(len(r) for _, r in chains)
    assert sum(counts) == total, f"{sum(counts)} accepted of {total}"
    return total / dt


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kubechat-scale-"))
    os.environ["KUBECHAT_HOME"] = str(tmp / "home")
    per_chain = args.records // CHAINS
    start_ts = time.time() - args.records

    t = time.perf_counter()
    chains = [make_chain(per_chain, c, start_ts) for c in range(CHAINS)]
    size = statistics.mean(len(r) for r in chains[0][1][:100])
    print(
        f"generated {per_chain * CHAINS:,} signed records (~{size:.0f} B) in {time.perf_counter() - t:.0f} s"
    )

    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("spawn").Process(
        target=serve, args=(str(tmp / "c.db"), str(tmp / "tls"), child)
    )
    proc.start()
    url, ca, public = parent.recv()
    try:
        rate1 = ingest(url, ca, chains[:1])
        print(f"ingest, 1 client over TLS 1.3 (SQLite, batches of {BATCH}): {rate1:,.0f} records/s")
        rate10 = ingest(url, ca, chains[1:])
        print(f"ingest, {CHAINS - 1} clients at once: {rate10:,.0f} records/s")

        from kubechat import https as http

        total = per_chain * CHAINS
        mid = chains[0][1][per_chain // 2]
        import json

        mid_ts = json.loads(mid)["requestReceivedTimestamp"]
        from datetime import datetime, timedelta

        later = (datetime.fromisoformat(mid_ts.replace("Z", "+00:00")) + timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        )
        kinds = {
            "user": {"username": "alice"},
            "namespace": {"namespace": "team-7"},
            "time range (1 h, mid-log)": {"since": mid_ts, "until": later},
            "verb+risk": {"verb": "delete", "risk": "destructive"},
            "decision": {"decision": "deny"},
            "free text, rare term": {"text": f"token{total // 2 + 3} "},
            "free text, common term": {"text": "web-42"},
        }
        with http.client(ca, 60, headers={"Authorization": "Bearer tok-auditor"}) as client:
            for name, params in kinds.items():
                lat = []
                for _ in range(args.queries):
                    t = time.perf_counter()
                    resp = client.get(f"{url}/v1/records", params={**params, "limit": 100})
                    resp.raise_for_status()
                    lat.append((time.perf_counter() - t) * 1000)
                lat.sort()
                n = len(resp.json()["items"])
                print(
                    f"query {name}: p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * 0.95) - 1]:.1f} ms ({n} rows a page)"
                )

        from kubechat.audit.remote_verify import verify_collector

        t = time.perf_counter()
        report = verify_collector(url, token="tok-auditor", ca_file=ca, trusted_key=public)
        dt = time.perf_counter() - t
        assert report.ok, report.describe()
        print(f"audit verify --collector: {total:,} records in {dt:.1f} s ({total / dt:,.0f} records/s), ok")

        script = (
            "import sys\n"
            "from kubechat.audit import query\nfrom kubechat.ledger import formats\n"
            "recs = query.from_collector(sys.argv[1], query.Filters(), token='tok-auditor', ca_file=sys.argv[2])\n"
            "with open(sys.argv[3], 'w') as fh: n = formats.export(recs, 'json', fh)\n"
            "import resource\n"
            "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
        )
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", script, url, ca, str(tmp / "export.jsonl")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        dt = time.perf_counter() - t
        print(f"export (json lines to a file): {out[0]} records in {dt:.1f} s, exporter peak RSS {out[1]} MB")
    finally:
        parent.send("stop")
        proc.join(20)


if __name__ == "__main__":
    main()
