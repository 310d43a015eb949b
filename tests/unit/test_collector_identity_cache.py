"""Identity lookups: each unknown token costs the API server a round trip, so the collector keeps
answers (accepted and rejected), bounds what it keeps, and limits how many new tokens it checks."""

import pytest

from kubechat.collector.identity import IdentityError, IdentityThrottled, _ApiServerResolver
from kubechat.collector.limits import CLIENT_ADDRESS
from kubechat.collector.service import CollectorService, Refused
from kubechat.ledger.record import UserInfo


class CountingResolver(_ApiServerResolver):
    def __init__(self, **kw):
        super().__init__("https://api.example", **kw)
        self.asked: list[str] = []
        self.revoked: set[str] = set()

    def _ask(self, token):
        self.asked.append(token)
        if token.startswith("bad") or token in self.revoked:
            raise IdentityError("token not authenticated")
        return UserInfo(username=token)


def test_a_rejected_token_is_not_asked_about_again_at_once():
    r = CountingResolver()
    for _ in range(5):
        with pytest.raises(IdentityError):
            r.resolve("bad-1")
    assert r.asked == ["bad-1"]


def test_random_tokens_are_throttled_before_they_reach_the_api_server():
    r = CountingResolver(lookups_per_second=1.0, lookup_burst=12, per_client_share=0.25)  # 3 per client
    CLIENT_ADDRESS.set("10.0.0.66")
    for i in range(3):
        with pytest.raises(IdentityError):
            r.resolve(f"bad-{i}")
    with pytest.raises(IdentityThrottled) as exc:
        r.resolve("bad-next")
    assert exc.value.retry_after > 0
    assert len(r.asked) == 3
    # a token already known still answers at once
    with pytest.raises(IdentityError):
        r.resolve("bad-0")
    # and another caller's new token is still looked up
    CLIENT_ADDRESS.set("10.0.0.7")
    assert r.resolve("alice-token").username == "alice-token"


def test_many_callers_together_are_held_to_the_overall_budget():
    r = CountingResolver(lookups_per_second=1.0, lookup_burst=4, per_client_share=0.5)
    for i in range(4):
        CLIENT_ADDRESS.set(f"10.0.1.{i}")
        with pytest.raises((IdentityError, IdentityThrottled)):
            r.resolve(f"bad-{i}")
    CLIENT_ADDRESS.set("10.0.1.99")
    with pytest.raises(IdentityThrottled):
        r.resolve("bad-last")
    assert len(r.asked) == 3  # the fourth lookup is kept for tokens accepted before


def test_a_flood_of_random_tokens_leaves_known_users_their_renewals():
    r = CountingResolver(lookups_per_second=0.01, lookup_burst=8, per_client_share=0.25, ttl=0.0)
    CLIENT_ADDRESS.set("10.0.3.1")
    assert r.resolve("alice-token").username == "alice-token"  # accepted once; its answer expires at once
    for address in range(4):  # four addresses spend the whole shared budget on random tokens
        CLIENT_ADDRESS.set(f"10.0.2.{address}")
        for i in range(4):
            with pytest.raises((IdentityError, IdentityThrottled)):
                r.resolve(f"bad-{address}-{i}")
    CLIENT_ADDRESS.set("10.0.3.2")
    with pytest.raises(IdentityThrottled):
        r.resolve("new-token")  # a never-seen token waits with the flood
    CLIENT_ADDRESS.set("10.0.3.1")
    assert r.resolve("alice-token").username == "alice-token"  # a known one is checked again
    assert r.asked.count("alice-token") == 2


def test_a_token_rejected_later_is_no_longer_known():
    r = CountingResolver(ttl=0.0)
    r.resolve("carol-token")
    r.revoked.add("carol-token")
    with pytest.raises(IdentityError):
        r.resolve("carol-token")
    assert not r._known


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(CountingResolver, "MAX_CACHED", 5)
    r = CountingResolver(lookup_burst=100)
    for i in range(20):
        r.resolve(f"user-{i}")
    assert len(r._cache) == 5
    r.resolve("user-19")  # the newest are kept
    assert r.asked.count("user-19") == 1


def test_the_collector_answers_429_with_retry_after():
    service = CollectorService.__new__(CollectorService)
    service.resolver = CountingResolver(lookups_per_second=0.5, lookup_burst=1, per_client_share=1.0)
    with pytest.raises(Refused):
        service.authenticate("bad-a")
    with pytest.raises(Refused) as exc:
        service.authenticate("bad-b")
    assert exc.value.status == 429 and int(exc.value.headers["Retry-After"]) >= 1


def test_the_peer_address_reaches_the_identity_lookup_through_the_app():
    """The per-caller budget needs the caller's address inside the (threaded) route handlers."""
    from fastapi.testclient import TestClient

    from kubechat.collector.api import create_app
    from kubechat.collector.service import CollectorService

    seen: list[str] = []

    class Recording(CountingResolver):
        def _ask(self, token):
            seen.append(CLIENT_ADDRESS.get())
            raise IdentityError("no")

    service = CollectorService.__new__(CollectorService)
    service.resolver = Recording()
    service.metrics = None
    from kubechat.collector.limits import Limits

    service.limits = Limits()
    client = TestClient(create_app(service))
    assert client.get("/v1/keys", headers={"Authorization": "Bearer t-1"}).status_code == 401
    assert seen == ["testclient"]
