"""Server-side dashboard sessions: a random id in a cookie, everything else in this process.

The cookie holds only the id; the map is keyed by the id's SHA-256, so a memory dump of the map
does not hand out live cookies. The reader's token stays here (never in the browser after login)
so every request can ask again whether it still belongs to a reader: a revoked token, or one
taken out of the reader groups, ends the session within the identity cache's lifetime."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# __Host- cookies are refused by browsers unless Secure, Path=/ and without Domain.
COOKIE = "__Host-kubechat-session"
LOGIN_COOKIE = "__Host-kubechat-login"


@dataclass
class Session:
    username: str
    token: str
    csrf: str
    created: float
    seen: float


def _key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets; a missing one never matches."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class Sessions:
    def __init__(
        self,
        idle_seconds: float = 15 * 60,
        max_age_seconds: float = 8 * 3600,
        max_sessions: int = 10_000,
        login_seconds: float = 10 * 60,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.idle = idle_seconds
        self.max_age = max_age_seconds
        self.max_sessions = max_sessions
        self.login_seconds = login_seconds
        self.clock = clock
        self._sessions: dict[str, Session] = {}  # insertion-ordered: the oldest are dropped first
        self._logins: dict[str, float] = {}  # login-form nonces (against login CSRF) → expiry
        self._lock = threading.Lock()

    def create(self, username: str, token: str) -> tuple[str, Session]:
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(username, token, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._sessions[_key(sid)] = session
            while len(self._sessions) > self.max_sessions:
                del self._sessions[next(iter(self._sessions))]
        return sid, session

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(_key(sid))
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.created > self.max_age:
                del self._sessions[_key(sid)]
                return None
            session.seen = now
            return session

    def drop(self, sid: str | None) -> None:
        if sid:
            with self._lock:
                self._sessions.pop(_key(sid), None)

    def login_nonce(self) -> str:
        nonce = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._logins = {k: t for k, t in self._logins.items() if t > now}
            if len(self._logins) >= self.max_sessions:
                del self._logins[next(iter(self._logins))]
            self._logins[_key(nonce)] = now + self.login_seconds
        return nonce

    def take_login_nonce(self, nonce: str | None) -> bool:
        """True once for a nonce this process issued and that has not expired."""
        if not nonce:
            return False
        with self._lock:
            expiry = self._logins.pop(_key(nonce), None)
        return expiry is not None and expiry > self.clock()
