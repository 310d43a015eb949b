"""Shipper logic against an in-process fake collector: retries, backoff, idempotence, receipts,
nothing lost."""

import json

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.collector.crypto import CheckpointSigner
from kubechat.collector.limits import retry_after_header
from kubechat.ledger import merkle


class FakeCollector:
    """Answers like the collector: a Merkle log, a signed checkpoint per batch, a receipt per record."""

    def __init__(self, fail_first: int = 0, down: bool = False):
        self.fail_first = fail_first
        self.down = down
        self.stored: dict[str, bytes] = {}
        self.keys: dict[str, str] = {}
        self.calls = 0
        self.signer = CheckpointSigner(Ed25519PrivateKey.generate())
        self.leaves: list[bytes] = []
        self.index: dict[str, int] = {}
        self.tamper = False  # answer with proofs for other bytes than were sent

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused")
        if self.fail_first > 0:
            self.fail_first -= 1
            return httpx.Response(503)
        if request.method == "GET" and request.url.path == "/v1/checkpoint":
            return httpx.Response(200, json={"publicKey": self.signer.public_b64})
        body = json.loads(request.content)
        if request.url.path.endswith("/v1/keys"):  # also under the aggregated API's prefix
            self.keys[body["keyID"]] = request.headers.get("authorization")
            return httpx.Response(201, json={"keyID": body["keyID"]})
        results = []
        for raw in body["records"]:
            aid = json.loads(raw)["auditID"]
            status = "duplicate" if aid in self.stored else "accepted"
            if status == "accepted":
                self.stored[aid] = raw
                self.index[aid] = len(self.leaves)
                self.leaves.append(merkle.leaf_hash((raw + " " * self.tamper).encode()))
            results.append({"auditID": aid, "status": status, "leafIndex": self.index[aid]})
        for r in results:
            r["proof"] = [p.hex() for p in merkle.inclusion_proof(r["leafIndex"], self.leaves)]
        cp = self.signer.sign(len(self.leaves), merkle.root(self.leaves).hex(), "2030-01-01T00:00:00Z")
        return httpx.Response(200, json={"results": results, "checkpoint": cp})


def _trail(n=5):
    trail = AuditTrail()
    for i in range(n):
        trail.record(RecordInput(user=UserInfo(username="alice"), request=f"r{i}"))
    return trail


def _ship(trail, fake, url="https://collector", **kw):
    client = httpx.Client(transport=httpx.MockTransport(fake.handler))
    sleeps = []
    result = trail.ship_pending(url, token="tok", client=client, sleep=sleeps.append, **kw)
    return result, sleeps


def test_ships_everything_and_registers_key():
    trail, fake = _trail(), FakeCollector()
    result, _ = _ship(trail, fake, batch_size=2)
    assert result.ok and result.accepted == 5 and result.pending == 0
    assert len(fake.stored) == 5 and list(fake.keys.values()) == ["Bearer tok"]


def test_retries_with_exponential_backoff():
    trail, fake = _trail(2), FakeCollector(fail_first=3)
    result, sleeps = _ship(trail, fake, backoff=1.0)
    assert result.ok and result.accepted == 2
    assert len(sleeps) == 3
    # jittered between 0.5x and 1.5x of 1, 2, 4
    assert 0.5 <= sleeps[0] <= 1.5 and 1.0 <= sleeps[1] <= 3.0 and 2.0 <= sleeps[2] <= 6.0


def test_down_collector_loses_nothing():
    trail, fake = _trail(3), FakeCollector(down=True)
    result, sleeps = _ship(trail, fake, attempts=3)
    assert not result.ok and "cannot reach the collector" in result.error
    assert result.pending == 3 and len(sleeps) == 2
    fake.down = False
    result, _ = _ship(trail, fake)
    assert result.ok and result.accepted == 3 and result.pending == 0


def test_resend_is_idempotent():
    trail, fake = _trail(3), FakeCollector()
    _ship(trail, fake)
    trail.spool.db.execute("UPDATE records SET shipped_at = NULL")  # as if the ack was lost in a crash
    result, _ = _ship(trail, fake)
    assert result.ok and result.duplicates == 3 and result.accepted == 0 and len(fake.stored) == 3


def test_no_token_is_clear_error():
    trail, fake = _trail(1), FakeCollector()
    client = httpx.Client(transport=httpx.MockTransport(fake.handler))
    result = trail.ship_pending("https://collector", token=None, client=client)
    assert not result.ok and "no Kubernetes bearer token" in result.error and result.pending == 1
    assert fake.calls == 0


def test_rejected_record_stays_pending_with_reason():
    trail = _trail(2)
    signer = CheckpointSigner(Ed25519PrivateKey.generate())

    def handler(request):
        body = json.loads(request.content)
        if request.url.path == "/v1/keys":
            return httpx.Response(201, json={})
        leaf = merkle.leaf_hash(body["records"][0].encode())
        ids = [json.loads(r)["auditID"] for r in body["records"]]
        return httpx.Response(
            200,
            json={
                "results": [
                    {"auditID": ids[0], "status": "accepted", "leafIndex": 0, "proof": []},
                    {"auditID": ids[1], "status": "rejected", "reason": "bad"},
                ],
                "checkpoint": signer.sign(1, leaf.hex(), "2030-01-01T00:00:00Z"),
            },
        )

    client = httpx.Client(transport=httpx.MockTransport(handler))
    result = trail.ship_pending("https://c", token="t", client=client)
    assert not result.ok and result.rejected[0][1] == "bad" and result.pending == 1
    assert trail.spool.db.execute("SELECT ship_error FROM records WHERE seq = 2").fetchone()[0] == "bad"


def test_keys_registered_once_per_run_with_the_runs_token():
    trail = AuditTrail()
    trail.record(RecordInput(user=UserInfo(username="alice"), request="a"))
    first, second = FakeCollector(), FakeCollector()
    assert _ship(trail, first)[0].ok and first.calls == 2  # bind the key, then ship
    trail.record(RecordInput(user=UserInfo(username="unknown"), request="offline"))
    trail.record(RecordInput(user=UserInfo(username="alice"), request="b"))
    assert _ship(trail, first, batch_size=1)[0].ok and first.calls == 5  # bound once for two batches
    trail.spool.db.execute("UPDATE records SET shipped_at = NULL")
    assert _ship(trail, second, url="https://other-collector")[0].ok and len(second.keys) == 1


def test_receipts_are_kept_and_checked_against_the_collector_key():
    trail, fake = _trail(3), FakeCollector()
    result, _ = _ship(trail, fake, collector_key=fake.signer.public_b64, batch_size=2)
    assert result.ok and result.accepted == 3
    kept = list(trail.spool.receipts())
    assert [seq for seq, _, _ in kept] == [1, 2, 3]
    assert all(json.loads(r)["checkpoint"]["signature"] for _, _, r in kept)


def test_receipt_for_other_bytes_or_from_another_key_is_not_shipped():
    trail, fake = _trail(2), FakeCollector()
    fake.tamper = True
    result, _ = _ship(trail, fake)
    assert not result.ok and "receipt" in result.error and result.pending == 2
    fake = FakeCollector()
    other = CheckpointSigner(Ed25519PrivateKey.generate()).public_b64
    result, _ = _ship(trail, fake, collector_key=other)
    assert not result.ok and "not signed by the collector" in result.error and result.pending == 2


def _ship_through(trail, aggregated, collector, **kw):
    """Ship through an API server whose aggregated API answers from `aggregated`, while the
    collector's own URL is served by `collector`."""
    return trail.ship_pending(
        "https://collector",
        through="https://apiserver/apis/audit.kubechat.io",
        client=httpx.Client(transport=httpx.MockTransport(aggregated.handler)),
        direct=httpx.Client(transport=httpx.MockTransport(collector.handler)),
        sleep=lambda _: None,
        **kw,
    )


def test_records_through_the_api_server_count_only_with_the_collectors_own_checkpoint_key():
    # Whoever registers the cluster's aggregated API (any cluster the user runs a command
    # against, not only the collector's) answers there: its receipts must not settle records
    # meant for the collector, neither unsigned-checked nor with a key it names itself.
    trail, collector, elsewhere = _trail(2), FakeCollector(), FakeCollector()
    for key in (None, elsewhere.signer.public_b64):
        result = _ship_through(trail, elsewhere, collector, collector_key=key)
        assert not result.ok and result.pending == 2, result.describe()
        assert "checkpoint key" in result.error
    result = _ship_through(trail, collector, collector)
    assert result.ok and result.accepted == 2 and result.pending == 0


def test_batch_too_large_for_the_collector_is_split():
    trail, fake = _trail(4), FakeCollector()
    sizes = []

    def handler(request):
        if request.url.path == "/v1/records":
            n = len(json.loads(request.content)["records"])
            sizes.append(n)
            if n > 1:
                return httpx.Response(413, json={"detail": "request body larger than 10 bytes"})
        return fake.handler(request)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    result = trail.ship_pending("https://c", token="tok", client=client, batch_size=4)
    assert result.ok and result.accepted == 4 and sizes[:3] == [4, 2, 1]


def test_429_waits_at_least_retry_after():
    trail, fake = _trail(1), FakeCollector()
    answers = [httpx.Response(429, headers={"Retry-After": retry_after_header(7.2)})]

    def handler(request):
        if request.url.path == "/v1/records" and answers:
            return answers.pop()
        return fake.handler(request)

    sleeps = []
    client = httpx.Client(transport=httpx.MockTransport(handler))
    result = trail.ship_pending("https://c", token="tok", client=client, sleep=sleeps.append, backoff=0.01)
    assert result.ok and sleeps == [8.0]


@pytest.mark.parametrize(
    "url, env, refused",
    [
        ("http://collector.example:8080", None, "in clear"),
        ("http://10.0.0.7:8080", "1", "in clear"),  # the switch never opens a network host
        ("http://127.0.0.1:8080", None, "KUBECHAT_INSECURE_LOOPBACK=1"),
        ("ftp://collector", None, "expected https://"),
        ("http://127.0.0.1:8080", "1", None),
        ("http://[::1]:8080", "1", None),
    ],
)
def test_plain_http_collectors_are_refused_before_the_token_is_sent(url, env, refused, monkeypatch):
    if env:
        monkeypatch.setenv("KUBECHAT_INSECURE_LOOPBACK", env)
    else:
        monkeypatch.delenv("KUBECHAT_INSECURE_LOOPBACK", raising=False)
    trail, fake = _trail(1), FakeCollector()
    result, _ = _ship(trail, fake, url=url)
    if refused:
        assert not result.ok and refused in result.error and fake.calls == 0 and result.pending == 1
    else:
        assert result.ok and fake.keys == {trail.keys.current_id(): "Bearer tok"}


def test_https_client_refuses_plain_http_requests_itself(monkeypatch):
    from kubechat import https as http
    from kubechat.errors import AuditError

    monkeypatch.setenv("KUBECHAT_INSECURE_LOOPBACK", "1")
    with http.client() as client, pytest.raises(AuditError, match="in clear"):
        client.get("http://192.0.2.1:9/v1/records", headers={"Authorization": "Bearer t"})


@pytest.mark.parametrize(
    "body",
    [
        {"detail": "bad\x1b[31m\x1b]8;;https://evil\x07 batch\r\n" + "x" * 10_000},
        ["not", "an", "object"],
        "plain\x1b[1Ktext " + "y" * 10_000,
    ],
)
def test_collector_error_detail_is_printable_and_bounded(body):
    from kubechat.audit.ship import _detail

    resp = httpx.Response(400, json=body) if not isinstance(body, str) else httpx.Response(400, text=body)
    detail = _detail(resp)
    assert len(detail) <= 200 and not any(ord(c) < 32 or c == "\x7f" for c in detail)
