"""Ed25519 signatures over canonical bytes, and key identifiers."""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# cryptography's serialization package (it brings the SSH key formats) is imported by the
# functions that write or read key files, not here: signing a record never needs it.


def public_bytes(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """A stable short name for a public key: first 16 bytes of sha256(raw key), hex."""
    raw = public_key if isinstance(public_key, bytes) else public_bytes(public_key)
    return hashlib.sha256(raw).hexdigest()[:32]


def fingerprint(key: Ed25519PublicKey | str) -> str:
    """How a public key is shown to people: sha256 of its DER SubjectPublicKeyInfo, the figure
    `openssl pkey -pubin -outform DER | sha256sum` prints. A str is the base64 raw key."""
    from cryptography.hazmat.primitives import serialization

    public = decode_public(key) if isinstance(key, str) else key
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "SHA256:" + hashlib.sha256(der).hexdigest()


def encode_public(key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_bytes(key)).decode()


def decode_public(text: str) -> Ed25519PublicKey:
    raw = base64.b64decode(text, validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(private_key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(private_key.sign(data)).decode()


def verify(public_key: Ed25519PublicKey, data: bytes, signature: str | None) -> bool:
    if not signature:
        return False
    try:
        public_key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True
