"""The dashboard's overview and chain table come from summaries kept at ingest (no record is
decrypted for them); they must say what the records say, across batches, under filters, and
for a store made before the summaries existed (built once when the collector starts)."""

from collections import Counter

import pytest
from test_collector_ingest import _ingest, _raw, _register, _service, _trail

from kubechat.audit import RecordInput, UserInfo
from kubechat.collector.dashboard import data
from kubechat.errors import UsageError
from kubechat.ledger.filters import Filters
from kubechat.ledger.report import build, is_denied


def _inputs(user: str) -> list[RecordInput]:
    who = UserInfo(username=user)
    return [
        RecordInput(
            user=who,
            cluster={"name": "prod-eu"},
            request="list pods",
            argv=["kubectl", "get", "pods"],
            verb="get",
            object_ref={"namespace": "web"},
            risk="read",
            exit_code=0,
        ),
        RecordInput(
            user=who,
            cluster={"name": "prod-eu"},
            request="scale web",
            verb="scale",
            risk="write",
            object_ref={"namespace": "web"},
            confirmation="yes",
            exit_code=0,
        ),
        RecordInput(
            user=who,
            request="delete ns web",
            verb="delete",
            risk="destructive",
            object_ref={"resource": "namespaces"},
            stage="Denied",
            policy={"decision": "deny", "reasons": ["deleting a namespace is not allowed"]},
        ),
        RecordInput(
            user=who,
            cluster={"name": "dev"},
            request="restart dns",
            verb="rollout",
            risk="write",
            object_ref={"namespace": "kube-system"},
            stage="Denied",
            rbac={"allowed": False, "reason": "cannot patch deployments"},
        ),
    ]


def _reference(records, dims=("cluster", "namespace", "user", "risk")) -> dict:
    """The overview computed the slow way, from every decrypted record."""
    out = {d: Counter() for d in dims}
    totals = Counter()
    for r in records:
        out["cluster"][r.cluster.name or r.cluster.server or "(none)"] += 1
        out["namespace"][r.objectRef.namespace or "(none)"] += 1
        out["user"][r.user.username] += 1
        out["risk"][r.risk] += 1
        totals.update(
            requests=1,
            commands=int(r.responseStatus.code is not None),
            writes=int(r.risk == "write"),
            destructive=int(r.risk == "destructive"),
            denied=int(is_denied(r)),
        )
    reasons = build(records, since=None, until=None, integrity="").denials_by_reason
    return {"by": out, "totals": totals, "reasons": sorted(reasons.items())}


def _seen(view: data.Overview) -> dict:
    return {"by": view.by, "totals": +view.totals, "reasons": sorted(view.top_reasons)}


@pytest.fixture
def filled(tmp_path):
    service = _service(tmp_path)
    for user in ("alice", "bob"):
        trail = _trail(tmp_path, user)
        _register(service, trail, f"tok-{user}")
        for half in (slice(0, 2), slice(2, 4)):  # two batches: the summaries add up across them
            for inp in _inputs(user)[half]:
                trail.record(inp)
            assert {r["status"] for r in _ingest(service, _raw(trail), f"tok-{user}")} <= {
                "accepted",
                "duplicate",
            }
    return service


def _all(service, filters=Filters()):
    return [row.record for row in data.walk(service, filters)]


def test_overview_matches_the_records(filled):
    view = data.overview(filled, Filters())
    assert _seen(view) == _reference(_all(filled))
    assert (view.confirmed, view.policy_denied, view.rbac_denied) == (2, 2, 2)
    assert view.timeline and sum(p["requests"] for p in view.timeline) == 8
    for f in (Filters(username="bob"), Filters(namespace="web"), Filters(risk="write", decision="allow")):
        assert _seen(data.overview(filled, f)) == _reference(_all(filled, f)), f


def test_overview_by_whole_days(filled):
    today = _all(filled)[0].requestReceivedTimestamp[:10]
    assert data.overview(filled, Filters(since=f"{today}T23:59:59Z")).totals["requests"] == 8
    assert data.overview(filled, Filters(until=f"{today}T00:00:00Z")).totals["requests"] == 0  # exclusive


def test_overview_refuses_a_text_search(filled):
    with pytest.raises(UsageError, match="use the trail"):
        data.overview(filled, Filters(text="scale"))


def test_chain_summaries_follow_each_chain(filled):
    with filled.store.read() as tx:
        chains = tx.chain_summaries()
    records = _all(filled)
    assert sorted(c["users"] for c in chains) == [["alice"], ["bob"]]
    last = {r.clientID: r for r in records if r.seq == 4}
    for c in chains:
        assert (c["records"], c["last_seq"]) == (4, 4)
        assert c["last_time"] == last[c["client"]].requestReceivedTimestamp


def test_a_store_made_before_the_summaries_gets_them_once(filled, tmp_path):
    before = _seen(data.overview(filled, Filters()))
    with filled.store.read() as tx:
        chains = tx.chain_summaries()
    db = filled.store.db
    for table in ("activity", "denial_reasons", "chains", "chain_users", "summaries"):
        db.execute(f"DROP TABLE {table}")  # noqa: S608
    filled.store.close()
    again = _service(tmp_path)  # the same store file, opened by a collector that keeps summaries
    assert _seen(data.overview(again, Filters())) == before
    with again.store.read() as tx:
        assert tx.chain_summaries() == chains
    assert again.build_summaries() is False  # built once, kept at ingest from then on


def test_denial_reasons_are_kept_redacted(tmp_path):
    service = _service(tmp_path)
    trail = _trail(tmp_path, "alice")
    _register(service, trail, "tok-alice")
    trail.record(
        RecordInput(
            user=UserInfo(username="alice"),
            request="make a secret",
            argv=["kubectl", "create", "secret", "generic", "x", "--from-literal=token=s3cr3tvalue"],
            verb="create",
            risk="write",
            stage="Denied",
            policy={"decision": "deny", "reasons": ["s3cr3tvalue must not be written by hand"]},
        )
    )
    assert {r["status"] for r in _ingest(service, _raw(trail))} == {"accepted"}
    assert data.overview(service, Filters()).top_reasons == [
        ("policy: ***REDACTED*** must not be written by hand", 1)
    ]
    with service.store.read() as tx:
        assert "s3cr3tvalue" not in repr(tx._q("SELECT * FROM denial_reasons").fetchall())
