"""Dashboard at scale: N generated signed records (25 users, each with one client chain, over
90 days, 3 clusters, 15 namespaces) ingested straight through the collector service in batches
of 1,000 (a SQLite store), then the server time of dashboard pages (routing, queries, template),
measured in-process through the ASGI app with a logged-in reader's session.

    .venv/bin/python bench/dashboard_scale.py [--records 100000]   # --records 1000000 for the full figure
    .venv/bin/python bench/dashboard_scale.py --records 1000000 --store /tmp/dash.db  # fill once, then reuse
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

USERS = 25
CLUSTERS = ("prod-eu", "prod-us", "staging")
VERBS = ("get", "scale", "delete", "apply", "logs", "get", "describe", "rollout")
RISKS = ("read", "write", "destructive", "write", "read", "read", "read", "write")
REASONS = (
    "deleting a namespace is not allowed",
    "writes to prod need a ticket",
    "exec into pods is not allowed",
    "scaling to zero in prod is not allowed",
)
BATCH = 1000
DAYS = 90


class BenchTokens:
    """tok-<user> is <user>, a reader (no cluster involved)."""

    def resolve(self, token):
        from kubechat.collector.identity import IdentityError
        from kubechat.ledger.record import UserInfo

        if not token.startswith("tok-"):
            raise IdentityError("token rejected")
        return UserInfo(username=token[4:], groups=["kubechat:auditors"])


def chain_batches(user: int, n: int, start: float, step: float):
    """(token, registration, batches of canonical records) of one user's client chain."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from signed_chain import signed_chain

    from kubechat.audit.ship import registration_payload
    from kubechat.ledger import record as r
    from kubechat.ledger.sign import encode_public, key_id

    key = Ed25519PrivateKey.generate()
    name = f"user-{user:02d}"
    cluster = CLUSTERS[user % len(CLUSTERS)]
    registration = registration_payload(key, key_id(key.public_key()), encode_public(key.public_key()))

    def record(seq: int) -> dict:
        i = seq * USERS + user
        ts = r.rfc3339(datetime.fromtimestamp(start + i * step, UTC))
        ns = f"team-{(user + seq % 3) % 15}"  # each user works in three namespaces
        verb, risk = VERBS[i % len(VERBS)], RISKS[i % len(RISKS)]
        policy_deny, rbac_deny = i % 50 == 0, i % 97 == 0
        return dict(
            stage="Denied" if policy_deny or rbac_deny else "ResponseComplete",
            requestReceivedTimestamp=ts,
            stageTimestamp=ts,
            user=r.UserInfo(username=name, groups=["kubechat:operators"]),
            cluster=r.Cluster(name=cluster, server="https://10.0.0.1:6443"),
            context=cluster,
            sessionID=f"session-{user}-{seq // 50}",
            request=f"{verb} web-{i % 997} in {ns}",
            argv=["kubectl", verb, f"deployment/web-{i % 997}", "-n", ns],
            verb=verb,
            objectRef=r.ObjectRef(resource="deployments", namespace=ns, name=f"web-{i % 997}"),
            risk=risk,
            policy=r.PolicyResult(
                decision="deny" if policy_deny else "allow",
                reasons=[REASONS[i % len(REASONS)]] if policy_deny else [],
            ),
            rbac=r.RbacResult(
                allowed=False if rbac_deny else True, reason="cannot patch" if rbac_deny else None
            ),
            confirmation="yes" if risk != "read" and not (policy_deny or rbac_deny) else "none",
            responseStatus=r.ResponseStatus(code=None if policy_deny or rbac_deny else 0),
            outputDigest=hashlib.sha256(str(i).encode()).hexdigest(),
            durationMs=120,
            clientID=f"client-{user}",
        )

    def batches():
        out = []
        for data in signed_chain(key, n, record):
            out.append(data)
            if len(out) == BATCH:
                yield out
                out = []
        if out:
            yield out

    return f"tok-{name}", registration, batches()


def fill(service, records: int) -> None:
    per_user = records // USERS
    span = DAYS * 86400
    start = time.time() - span
    chains = [chain_batches(u, per_user, start, span / (per_user * USERS)) for u in range(USERS)]
    for token, registration, _ in chains:
        service.register_key(token, registration)
    t, done, live = time.perf_counter(), 0, list(chains)
    while live:  # round robin: every chain stays in order, batches interleave like real clients
        for chain in list(live):
            token, _, batches = chain
            batch = next(batches, None)
            if batch is None:
                live.remove(chain)
                continue
            results = service.ingest(token, batch)["results"]
            assert all(x["status"] == "accepted" for x in results), results[:1]
            done += len(batch)
        print(f"\r  ingested {done:,} ({done / (time.perf_counter() - t):,.0f}/s)", end="", flush=True)
    print()


def login(client) -> None:
    page = client.get("/ui/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    resp = client.post("/ui/login", data={"nonce": nonce, "token": "tok-auditor"})
    assert resp.url.path == "/ui/overview", resp.url


def timed(client, path: str, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        resp = client.get(path)
        times.append(time.perf_counter() - t)
        assert resp.status_code == 200 and resp.url.path == path.split("?")[0], (path, resp.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="requests per page measured")
    parser.add_argument("--store", type=Path, help="SQLite file to fill, or to reuse when it exists")
    args = parser.parse_args()
    from collector_support import make_service
    from fastapi.testclient import TestClient

    from kubechat.collector.api import create_app
    from kubechat.collector.limits import Limits
    from kubechat.collector.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="kubechat-dashboard-"))
    os.environ["KUBECHAT_HOME"] = str(tmp / "home")
    db = args.store or tmp / "collector.db"
    reuse = db.exists()
    service = make_service(
        open_store(f"sqlite:///{db.resolve()}"),
        BenchTokens(),
        limits=Limits(records_per_second=1e9, burst=10**9),
    )
    t = time.perf_counter()
    if not reuse:  # a reused store keeps the records and keys it was filled with
        fill(service, args.records)
    size = service.checkpoint()["treeSize"]
    print(
        f"{'reused' if reuse else 'generated and ingested'} {size:,} signed records in {time.perf_counter() - t:.0f} s"
    )
    client = TestClient(create_app(service), base_url="https://testserver")
    login(client)
    with service.store.read() as tx:
        mid = tx.query({}, size // 2, 1)[0][0]
        rows = tx._q("SELECT COUNT(*) FROM activity").fetchone()[0]
    print(f"activity summary: {rows:,} rows for {size:,} records")
    pages = {
        "overview (all)": "/ui/overview",
        "overview user + risk": "/ui/overview?username=user-07&risk=write",
        "overview namespace, 30 days": "/ui/overview?namespace=team-03&since=30d",
        "trail first page": "/ui/trail",
        "trail deep page": f"/ui/trail?after={mid}",
        "trail user + risk": "/ui/trail?username=user-07&risk=destructive",
        "trail text search": "/ui/trail?text=web-42",
        "trail text, no match": "/ui/trail?text=no-such-text",
        "trail text, rare": "/ui/trail?text=exec+into+pods",
        "trail text, common": "/ui/trail?text=deployment",
        "trail text + user": "/ui/trail?text=web-42&username=user-07",
        "trail text, last day": "/ui/trail?text=deployment&since=1d",
        "record detail": f"/ui/records/{mid}",
        "integrity": "/ui/integrity",
    }
    print(f"server time over {args.runs} requests each (p50 / p95):")
    for name, path in pages.items():
        p50, p95 = timed(client, path, args.runs)
        print(f"  {name:30s} {p50 * 1000:8.1f} ms  {p95 * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
