"""Collector configuration mistakes are clear messages, and its keys are private."""

import base64
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat.collector.crypto import (
    BodyCipher,
    CheckpointSigner,
    CollectorKeyError,
    init_keys,
)
from kubechat.collector.server import make_config, parse_listen
from kubechat.collector.store import StoreError, open_store
from kubechat.errors import UsageError
from kubechat.ledger.protocol import verify_checkpoint


def test_listen_parsing():
    assert parse_listen("0.0.0.0:8443") == ("0.0.0.0", 8443)
    assert parse_listen("[::1]:9000") == ("::1", 9000)
    with pytest.raises(UsageError):
        parse_listen("8443x")


def test_https_is_required():
    with pytest.raises(UsageError) as exc:
        make_config(object(), "127.0.0.1:8443", None, None)
    assert "HTTPS only" in exc.value.message


def test_store_urls(tmp_path):
    assert open_store(f"sqlite:///{tmp_path / 'a.db'}").kind == "sqlite"
    for bad in ("mysql://x", "sqlite://", "nonsense"):
        with pytest.raises(StoreError):
            open_store(bad)


@pytest.mark.parametrize("encode", [lambda k: k, base64.b64encode, lambda k: k.hex().encode()])
def test_aes_key_file_formats(tmp_path, encode):
    key = os.urandom(32)
    path = tmp_path / "k"
    path.write_bytes(encode(key) + (b"" if len(encode(key)) == 32 else b"\n"))
    cipher = BodyCipher.from_file(path)
    sealed = cipher.seal("id-1", b"secret body")
    assert BodyCipher(key).open("id-1", sealed) == b"secret body"


def test_wrong_key_and_moved_body_do_not_decrypt(tmp_path):
    sealed = BodyCipher(b"a" * 32).seal("id-1", b"body")
    with pytest.raises(CollectorKeyError):
        BodyCipher(b"b" * 32).open("id-1", sealed)
    with pytest.raises(CollectorKeyError):
        BodyCipher(b"a" * 32).open("id-2", sealed)  # auditID is bound as associated data


def test_bad_or_missing_key_files(tmp_path, monkeypatch):
    monkeypatch.delenv("KUBECHAT_COLLECTOR_KEY_FILE", raising=False)
    with pytest.raises(CollectorKeyError):
        BodyCipher.from_file(None)
    short = tmp_path / "short"
    short.write_text("abcd")
    with pytest.raises(CollectorKeyError) as exc:
        BodyCipher.from_file(short)
    assert "256-bit" in exc.value.message
    with pytest.raises(CollectorKeyError):
        BodyCipher.from_file(tmp_path / "missing")


def test_init_keys_private_and_never_overwrites(tmp_path):
    aes, sig = init_keys(tmp_path / "keys")
    assert (aes.stat().st_mode & 0o777) == 0o600 and (sig.stat().st_mode & 0o777) == 0o600
    signer = CheckpointSigner.from_file(sig)
    cp = signer.sign(3, "ab" * 32, "2026-01-01T00:00:00.000000Z")
    assert verify_checkpoint(cp, signer.public_b64)
    assert not verify_checkpoint({**cp, "treeSize": 2}, signer.public_b64)
    other = CheckpointSigner(Ed25519PrivateKey.generate())
    assert not verify_checkpoint(cp, other.public_b64)
    with pytest.raises(CollectorKeyError):
        init_keys(tmp_path / "keys")


def _client_seen(peer: str, trusted_proxy: tuple[str, ...] = ()) -> str:
    """The client address the collector's app sees for a request from `peer` that claims, in
    X-Forwarded-For, to come from 203.0.113.9."""
    import asyncio

    seen = {}

    async def app(scope, receive, send):
        seen["client"] = scope["client"][0]

    config = make_config(app, "127.0.0.1:8080", None, None, True, trusted_proxy=trusted_proxy)
    scope = {
        "type": "http",
        "client": (peer, 5000),
        "scheme": "http",
        "headers": [(b"x-forwarded-for", b"203.0.113.9")],
    }
    asyncio.run(config.loaded_app(scope, None, None))
    return seen["client"]


def test_x_forwarded_for_counts_only_from_a_trusted_proxy():
    assert _client_seen("127.0.0.1") == "127.0.0.1"  # not even from this host by default
    assert _client_seen("10.1.2.3", ("10.0.0.0/8",)) == "203.0.113.9"
    assert _client_seen("192.168.1.5", ("10.0.0.0/8",)) == "192.168.1.5"
    with pytest.raises(UsageError) as exc:
        make_config(object(), "127.0.0.1:8080", None, None, True, trusted_proxy=("10.0.0.0/33",))
    assert "--trusted-proxy" in exc.value.message
