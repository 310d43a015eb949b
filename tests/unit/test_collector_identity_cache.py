"""Identity lookups: each unknown token costs the API server a round trip, so the collector keeps
answers (accepted and rejected), bounds what it keeps, and limits how many new tokens it checks."""

import pytest

from kubechat.audit.record import UserInfo
from kubechat.collector.identity import IdentityError, IdentityThrottled, _ApiServerResolver
from kubechat.collector.service import CollectorService, Refused


class CountingResolver(_ApiServerResolver):
    def __init__(self, **kw):
        super().__init__("https://api.example", **kw)
        self.asked: list[str] = []

    def _ask(self, token):
        self.asked.append(token)
        if token.startswith("bad"):
            raise IdentityError("token not authenticated")
        return UserInfo(username=token)


def test_a_rejected_token_is_not_asked_about_again_at_once():
    r = CountingResolver()
    for _ in range(5):
        with pytest.raises(IdentityError):
            r.resolve("bad-1")
    assert r.asked == ["bad-1"]


def test_random_tokens_are_throttled_before_they_reach_the_api_server():
    r = CountingResolver(lookups_per_second=1.0, lookup_burst=3)
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
    service.resolver = CountingResolver(lookups_per_second=0.5, lookup_burst=1)
    with pytest.raises(Refused):
        service.authenticate("bad-a")
    with pytest.raises(Refused) as exc:
        service.authenticate("bad-b")
    assert exc.value.status == 429 and int(exc.value.headers["Retry-After"]) >= 1
