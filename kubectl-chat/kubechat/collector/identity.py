"""Who is behind a bearer token, according to the cluster's API server.

SelfSubjectReview asks the API server with the caller's own token (every authenticated user may);
TokenReview asks with the collector's service-account token (needs system:auth-delegator). Both
return the same UserInfo the plugin records, so a key can be bound to exactly that user.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import httpx

from .. import https as http
from ..errors import KubechatError
from ..ledger.record import UserInfo

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class IdentityError(KubechatError):
    """The token was not accepted (→ 401)."""


class IdentityUnavailable(KubechatError):
    """The API server could not be asked (→ 503; fail closed)."""


class IdentityThrottled(KubechatError):
    """Too many tokens to look up right now (→ 429): unknown tokens cost an API-server round trip
    each, so a caller with random tokens must not be able to turn the collector into a flood."""

    def __init__(self, retry_after: float):
        super().__init__("too many new tokens to check: retry later")
        self.retry_after = retry_after


class IdentityResolver(Protocol):
    def resolve(self, token: str) -> UserInfo: ...


def _user(info: dict) -> UserInfo:
    if not info.get("username"):
        raise IdentityError("the API server did not name a user for this token")
    return UserInfo(username=info["username"], uid=info.get("uid"), groups=list(info.get("groups") or []))


class _ApiServerResolver:
    MAX_CACHED = 10_000  # answers kept, accepted and rejected together; the oldest go first
    REJECTED_TTL = 10.0  # a rejected token is not asked about again for this long

    def __init__(
        self,
        server: str,
        ca_file: str | None = None,
        ttl: float = 60.0,
        timeout: float = 10.0,
        lookups_per_second: float = 20.0,
        lookup_burst: int = 100,
        per_client_share: float = 0.25,
        renewal_share: float = 0.25,
    ):
        from .limits import RateLimiter

        self.server = server.rstrip("/")
        self.ca_file = ca_file
        self.timeout = timeout
        self.ttl = ttl
        # expiry, and the user or the rejection, per token digest (insertion-ordered: oldest first)
        self._cache: dict[str, tuple[float, UserInfo | IdentityError]] = {}
        self._lock = threading.Lock()
        # Digests of tokens the API server accepted, least recently used first. Only a valid
        # token gets in, so a flood of random tokens cannot push these out.
        self._known: OrderedDict[str, None] = OrderedDict()
        # A share of the lookups is kept for tokens accepted before whose answer has expired:
        # random tokens from a few addresses can spend the rest, never this floor, so the users
        # already working keep working.
        renew_burst = max(int(lookup_burst * renewal_share), 1)
        self._renewals = RateLimiter(max(lookups_per_second * renewal_share, 0.1), renew_burst)
        self._lookups = RateLimiter(
            max(lookups_per_second * (1 - renewal_share), 0.1), max(lookup_burst - renew_burst, 1)
        )
        # One caller may use only a share of the lookups, so a flood of random tokens from one
        # address leaves room for everyone else's new or renewed tokens.
        self._per_client = RateLimiter(
            max(lookups_per_second * per_client_share, 0.1), max(int(lookup_burst * per_client_share), 1)
        )

    def resolve(self, token: str) -> UserInfo:
        if not token:
            raise IdentityError("no bearer token")
        digest = hashlib.sha256(token.encode()).hexdigest()  # never keep raw tokens in memory maps
        with self._lock:
            hit = self._cache.get(digest)
            if hit and hit[0] > time.monotonic():
                if isinstance(hit[1], IdentityError):
                    raise hit[1]
                return hit[1]
            known = digest in self._known
        # Only tokens not seen lately cost a round trip; those are what the limit counts.
        wait = self._take_lookup(known)
        if wait:
            raise IdentityThrottled(wait)
        try:
            answer: UserInfo | IdentityError = self._ask(token)
            ttl = self.ttl
        except IdentityError as exc:
            answer, ttl = exc, self.REJECTED_TTL
        with self._lock:
            self._cache.pop(digest, None)
            self._cache[digest] = (time.monotonic() + ttl, answer)
            while len(self._cache) > self.MAX_CACHED:
                del self._cache[next(iter(self._cache))]
            if isinstance(answer, UserInfo):
                self._known[digest] = None
                self._known.move_to_end(digest)
                while len(self._known) > self.MAX_CACHED:
                    self._known.popitem(last=False)
            else:
                self._known.pop(digest, None)  # revoked or expired: a new token from now on
        if isinstance(answer, IdentityError):
            raise answer
        return answer

    def _take_lookup(self, known: bool) -> float:
        """0 when a lookup may go to the API server, else the seconds to wait. A token accepted
        before draws on the reserved renewals first, then on the shared budget."""
        from .limits import CLIENT_ADDRESS

        if known and not self._renewals.take("all"):
            return 0.0
        return self._per_client.take(CLIENT_ADDRESS.get() or "unknown") or self._lookups.take("all")

    def _post(self, path: str, body: dict, bearer: str) -> dict:
        try:
            with http.client(self.ca_file, self.timeout) as client:
                resp = client.post(
                    self.server + path, json=body, headers={"Authorization": f"Bearer {bearer}"}
                )
        except httpx.HTTPError as exc:
            raise IdentityUnavailable(f"cannot reach the API server {self.server}: {exc}") from exc
        if resp.status_code in (401, 403):
            raise IdentityError(f"the API server rejected the token (HTTP {resp.status_code})")
        if resp.status_code >= 300:
            raise IdentityUnavailable(f"the API server answered HTTP {resp.status_code}")
        return resp.json()

    def _ask(self, token: str) -> UserInfo:  # pragma: no cover - overridden
        raise NotImplementedError


class SelfSubjectReviewResolver(_ApiServerResolver):
    def _ask(self, token: str) -> UserInfo:
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
        data = self._post("/apis/authentication.k8s.io/v1/selfsubjectreviews", body, token)
        return _user(data.get("status", {}).get("userInfo", {}))


class TokenReviewResolver(_ApiServerResolver):
    def __init__(self, server: str, ca_file: str | None = None, own_token_file: str | None = None, **kw):
        super().__init__(server, ca_file, **kw)
        self.own_token_file = Path(own_token_file) if own_token_file else SA_DIR / "token"

    def _ask(self, token: str) -> UserInfo:
        own = self.own_token_file.read_text().strip()  # re-read: projected tokens rotate
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": token}}
        status = self._post("/apis/authentication.k8s.io/v1/tokenreviews", body, own).get("status", {})
        if not status.get("authenticated"):
            raise IdentityError(f"token not authenticated: {status.get('error', 'rejected')}")
        return _user(status.get("user", {}))


# -- users the API server forwards (the collector as an aggregated API) ----------------------------

# Where the HTTP layer leaves the common name of the client certificate a connection presented,
# already verified against the front-proxy CA during the TLS handshake (absent: none presented).
PEER_CN_STATE = "kubechat.front_proxy_cn"


class FrontProxy:
    """The user the cluster's API server authenticated, forwarded to the collector as an
    aggregated API (`APIService` v1.audit.kubechat.io): the API server verifies the caller's own
    credentials of any kind (client certificate, token, exec plugin/OIDC), authorizes the request
    with RBAC and sends it on with X-Remote-User/X-Remote-Group over TLS on which it presents its
    front-proxy client certificate. The headers are believed only on a connection whose
    certificate verified against the front-proxy CA (`--requestheader-client-ca-file`, checked by
    the TLS layer) and whose common name is allowed (`--requestheader-allowed-names`; empty
    allows every certificate of that CA, as the API server itself does). Anything else is refused:
    the headers alone are something any client can send."""

    def __init__(
        self,
        allowed_names: tuple[str, ...] = (),
        username_headers: tuple[str, ...] = ("X-Remote-User",),
        group_headers: tuple[str, ...] = ("X-Remote-Group",),
    ):
        self.allowed_names = frozenset(allowed_names)
        self.username_headers = tuple(h.lower() for h in username_headers)
        self.group_headers = tuple(h.lower() for h in group_headers)

    def user(self, peer_cn: str | None, headers) -> UserInfo:
        """The forwarded user. `headers` is a Starlette Headers (several values per name)."""
        if peer_cn is None:
            raise IdentityError(
                "a forwarded user is accepted only from the API server's front-proxy certificate"
            )
        if self.allowed_names and peer_cn not in self.allowed_names:
            raise IdentityError(f"client certificate {peer_cn!r} is not an allowed front proxy")
        username = next((headers[h] for h in self.username_headers if headers.get(h)), None)
        if not username:
            raise IdentityError("the API server forwarded no user")
        groups = [g for h in self.group_headers for g in headers.getlist(h) if g]
        return UserInfo(username=username, groups=groups)


def common_name(peercert: dict | None) -> str | None:
    """The subject CN of ssl.SSLSocket.getpeercert()'s answer ({} or None: no certificate)."""
    for rdn in (peercert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return None if not peercert else ""


class WithForwardedUsers:
    """A resolver that also takes a user the API server forwarded (already checked by FrontProxy,
    handed over as a UserInfo by the HTTP layer) as it is; bearer tokens, always strings, go to
    the inner resolver."""

    def __init__(self, tokens: IdentityResolver):
        self.tokens = tokens

    def resolve(self, credential: str | UserInfo) -> UserInfo:
        if isinstance(credential, UserInfo):
            return credential
        return self.tokens.resolve(credential)
