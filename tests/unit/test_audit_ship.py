"""Shipper logic against an in-process fake collector: retries, backoff, idempotence, nothing lost."""

import json

import httpx

from kubechat.audit import AuditTrail, RecordInput, UserInfo


class FakeCollector:
    def __init__(self, fail_first: int = 0, down: bool = False):
        self.fail_first = fail_first
        self.down = down
        self.stored: dict[str, bytes] = {}
        self.keys: dict[str, str] = {}
        self.calls = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused")
        if self.fail_first > 0:
            self.fail_first -= 1
            return httpx.Response(503)
        body = json.loads(request.content)
        if request.url.path == "/v1/keys":
            self.keys[body["keyID"]] = request.headers["authorization"]
            return httpx.Response(201, json={"keyID": body["keyID"]})
        results = []
        for raw in body["records"]:
            aid = json.loads(raw)["auditID"]
            status = "duplicate" if aid in self.stored else "accepted"
            self.stored[aid] = raw
            results.append({"auditID": aid, "status": status})
        return httpx.Response(200, json={"results": results})


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


def test_unregistered_key_without_token_is_clear_error():
    trail, fake = _trail(1), FakeCollector()
    client = httpx.Client(transport=httpx.MockTransport(fake.handler))
    result = trail.ship_pending("https://collector", token=None, client=client)
    assert not result.ok and "not registered" in result.error and result.pending == 1


def test_rejected_record_stays_pending_with_reason():
    trail = _trail(2)

    def handler(request):
        body = json.loads(request.content)
        if request.url.path == "/v1/keys":
            return httpx.Response(201, json={})
        ids = [json.loads(r)["auditID"] for r in body["records"]]
        return httpx.Response(
            200,
            json={
                "results": [
                    {"auditID": ids[0], "status": "accepted"},
                    {"auditID": ids[1], "status": "rejected", "reason": "bad"},
                ]
            },
        )

    client = httpx.Client(transport=httpx.MockTransport(handler))
    result = trail.ship_pending("https://c", token="t", client=client)
    assert not result.ok and result.rejected[0][1] == "bad" and result.pending == 1
    assert trail.spool.db.execute("SELECT ship_error FROM records WHERE seq = 2").fetchone()[0] == "bad"


def test_keys_registered_per_collector_and_per_identity():
    trail = AuditTrail()
    trail.record(RecordInput(user=UserInfo(username="alice"), request="a"))
    first, second = FakeCollector(), FakeCollector()
    assert _ship(trail, first)[0].ok and len(first.keys) == 1
    trail.record(RecordInput(user=UserInfo(username="unknown"), request="offline"))
    calls = first.calls
    assert _ship(trail, first)[0].ok and first.calls == calls + 1  # no new registration for "unknown"
    trail.spool.db.execute("UPDATE records SET shipped_at = NULL")
    assert (
        _ship(trail, second, url="https://other-collector")[0].ok and len(second.keys) == 1
    )  # a new collector gets the key too
    trail.record(RecordInput(user=UserInfo(username="alice-admin"), request="b"))
    calls = first.calls
    _ship(trail, first)
    assert first.calls == calls + 2  # registers for the new identity, then ships
