"""The collector's per-identity token bucket and its request body cap (pure logic)."""

import asyncio

import pytest

from kubechat.collector.limits import BodyLimit, Limits, RateLimiter


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_bucket_allows_a_burst_then_the_sustained_rate():
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=10, clock=clock)
    assert limiter.take("alice", 10) == 0
    assert limiter.take("alice", 1) == pytest.approx(0.5)
    assert limiter.take("bob", 10) == 0  # per identity
    clock.now += 1.0
    assert limiter.take("alice", 2) == 0
    assert limiter.take("alice", 1) > 0


def test_a_request_larger_than_the_burst_can_still_pass_once_full():
    limiter = RateLimiter(rate=1.0, burst=5, clock=Clock())
    assert limiter.take("alice", 50) == 0


def test_the_least_recently_used_callers_are_forgotten_first(monkeypatch):
    monkeypatch.setattr(RateLimiter, "MAX_KEYS", 3)
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=5, clock=clock)
    for key in ("a", "b", "c"):
        limiter.take(key, 5)  # every bucket drained: none has refilled
    limiter.take("a")  # a is used again
    limiter.take("d")
    assert list(limiter._buckets) == ["c", "a", "d"]  # b, the least recently used, is gone
    assert limiter.take("a") > 0  # a drained caller stays drained


def test_limits_must_be_positive():
    with pytest.raises(ValueError):
        Limits(max_body_bytes=0)


def _call(middleware, headers, chunks):
    sent, seen = [], []

    async def app(scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]
    received = []

    async def receive():
        received.append(1)
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "headers": headers}
    asyncio.run(
        BodyLimit(app, 10)(scope, receive, send) if middleware is None else middleware(scope, receive, send)
    )
    return sent[0]["status"], seen, len(received)


def test_body_over_the_declared_limit_is_refused_unread():
    status, seen, reads = _call(None, [(b"content-length", b"300000000")], [b"x" * 11])
    assert status == 413 and seen == [] and reads == 0


def test_streamed_body_is_cut_off_at_the_limit():
    status, seen, reads = _call(None, [], [b"x" * 6, b"x" * 6, b"x" * 6])
    assert status == 413 and seen == [] and reads == 2


def test_body_within_the_limit_reaches_the_app_whole():
    status, seen, _ = _call(None, [(b"content-length", b"8")], [b"abcd", b"efgh"])
    assert status == 200 and seen == [b"abcdefgh"]
