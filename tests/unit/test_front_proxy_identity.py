"""Who the collector believes a forwarded user to be (the aggregated API's request headers)."""

import pytest
from starlette.datastructures import Headers

from kubechat.collector.identity import FrontProxy, IdentityError, common_name


def _headers(*pairs: tuple[str, str]) -> Headers:
    return Headers(raw=[(k.lower().encode(), v.encode()) for k, v in pairs])


FORWARDED = _headers(
    ("X-Remote-User", "jane"),
    ("X-Remote-Group", "kubechat:viewers"),
    ("X-Remote-Group", "system:authenticated"),
)


def test_the_forwarded_user_and_every_group_header():
    user = FrontProxy(("front-proxy-client",)).user("front-proxy-client", FORWARDED)
    assert user.username == "jane" and user.groups == ["kubechat:viewers", "system:authenticated"]


def test_headers_without_a_verified_certificate_are_refused():
    with pytest.raises(IdentityError, match="front-proxy certificate"):
        FrontProxy(("front-proxy-client",)).user(None, FORWARDED)
    with pytest.raises(IdentityError, match="front-proxy certificate"):
        FrontProxy().user(None, FORWARDED)  # no allowed names: still a certificate is needed


def test_a_certificate_with_another_name_is_refused():
    with pytest.raises(IdentityError, match="not an allowed front proxy"):
        FrontProxy(("front-proxy-client",)).user("jane", FORWARDED)


def test_no_forwarded_user_is_refused():
    with pytest.raises(IdentityError, match="forwarded no user"):
        FrontProxy(("front-proxy-client",)).user("front-proxy-client", _headers(("X-Remote-Group", "g")))


def test_common_name_of_a_peer_certificate():
    cert = {"subject": ((("organizationName", "o"),), (("commonName", "front-proxy-client"),))}
    assert common_name(cert) == "front-proxy-client"
    assert common_name(None) is None and common_name({}) is None
    assert common_name({"subject": ((("organizationName", "o"),),)}) == ""


def test_a_forwarded_user_passes_and_tokens_still_go_to_the_api_server():
    from kubechat.collector.identity import WithForwardedUsers
    from kubechat.ledger.record import UserInfo

    class Tokens:
        def resolve(self, token):
            if token != "tok":
                raise IdentityError("token rejected")
            return UserInfo(username="alice")

    resolver = WithForwardedUsers(Tokens())
    jane = UserInfo(username="jane", groups=["g"])
    assert resolver.resolve(jane) is jane and resolver.resolve("tok").username == "alice"
    with pytest.raises(IdentityError):
        resolver.resolve("jane")  # a string is a token, never a user name
