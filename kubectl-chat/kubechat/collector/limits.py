"""What one caller may make the collector hold and do: request body size, record size, and a
per-identity rate. Bodies are cut off before they are parsed (from Content-Length, and again while
they stream in), so a huge upload costs the collector at most `max_body_bytes` of memory."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

# The address of the client being served, for limits that must not let one caller starve others.
CLIENT_ADDRESS: ContextVar[str] = ContextVar("collector_client_address", default="")


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 16 * 1024 * 1024
    max_record_bytes: int = 1024 * 1024
    records_per_second: float = 100.0  # per authenticated identity, sustained
    burst: int = 5000  # per authenticated identity, at once

    def __post_init__(self):
        if min(self.max_body_bytes, self.max_record_bytes, self.burst) < 1 or self.records_per_second <= 0:
            raise ValueError("collector limits must be positive")


class RateLimiter:
    """Token bucket per key (the authenticated username): `burst` tokens, refilled at `rate`/s.
    In memory, so each replica limits on its own."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        # key -> (tokens, when), least recently used first
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    # Beyond this, the least recently used keys are forgotten (one at a time, never a scan under
    # the lock): a forgotten caller starts again with a full bucket.
    MAX_KEYS = 100_000

    def take(self, key: str, cost: int = 1) -> float:
        """Spend `cost` tokens; return 0 when allowed, else the seconds to wait before retrying."""
        cost = min(max(cost, 1), self.burst)  # a request as large as the burst can always pass eventually
        with self._lock:
            now = self.clock()
            tokens, when = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            wait = 0.0 if tokens >= cost else (cost - tokens) / self.rate
            self._buckets[key] = (tokens - cost if not wait else tokens, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.MAX_KEYS:
                self._buckets.popitem(last=False)
            return wait


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class BodyLimit:
    """ASGI middleware: 413 for a body over `max_bytes`, decided from Content-Length before any
    byte is read and enforced while a body without one streams in. The body is then replayed to
    the application, which never sees more than the limit."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _answer(send, 400, "invalid Content-Length")
                return
            if int(declared) > self.max_bytes:
                await _answer(send, 413, self._too_large())
                return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _answer(send, 413, self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"request body larger than {self.max_bytes} bytes"


async def _answer(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 413:
        headers.append((b"connection", b"close"))  # the rest of the body is not read
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class ClientAddress:
    """ASGI middleware: makes the peer address of each request available as CLIENT_ADDRESS."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        client = scope.get("client") or ("",)
        token = CLIENT_ADDRESS.set(str(client[0]))
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)
