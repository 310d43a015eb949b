"""The client's audit signing keys, kept in config_dir()/audit-keys with 0600 files.

Rotation makes a new current key and keeps every old public key, so records signed before the
rotation still verify. The trail writes a KeyRotation record (signed by the old key, naming the
new one) so the chain itself says when the signer changed.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import paths
from ..errors import AuditError
from ..ledger.sign import key_id

# Every record is signed, so loading the private key is on every run's path; cryptography's
# serialization package (which brings the SSH key formats) is not. The keys this store writes are
# PKCS #8 without a password, which for Ed25519 is always this 16-byte DER header and the 32-byte
# key (RFC 8410): read directly, anything else goes to cryptography's PEM reader.
_PKCS8_ED25519_HEADER = bytes.fromhex("302e020100300506032b657004220420")
_PEM_PRIVATE = (b"-----BEGIN PRIVATE KEY-----", b"-----END PRIVATE KEY-----")


def load_private_pem(pem: bytes):
    """The private key of a PEM file: an Ed25519 key as this store writes it without loading
    cryptography's serialization package, any other key through it."""
    text = pem.strip()
    if text.startswith(_PEM_PRIVATE[0]) and text.endswith(_PEM_PRIVATE[1]):
        body = text[len(_PEM_PRIVATE[0]) : -len(_PEM_PRIVATE[1])]
        try:
            der = base64.b64decode(b"".join(body.split()), validate=True)
        except binascii.Error:
            der = b""
        if len(der) == 48 and der.startswith(_PKCS8_ED25519_HEADER):
            return Ed25519PrivateKey.from_private_bytes(der[16:])
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=None)


def keys_dir() -> Path:
    return paths.config_dir() / "audit-keys"


class KeyStore:
    def __init__(self, directory: Path | None = None):
        self.dir = directory or keys_dir()

    def _ensure_dir(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)

    def _write_private(self, path: Path, data: bytes) -> None:
        # Created 0600 from the start: never briefly world-readable.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def generate(self) -> str:
        """Make a new key pair (not yet current); returns its id."""
        self._ensure_dir()
        from cryptography.hazmat.primitives import serialization

        private = Ed25519PrivateKey.generate()
        kid = key_id(private.public_key())
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._write_private(self.dir / f"{kid}.key", pem)
        pub = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (self.dir / f"{kid}.pub").write_bytes(pub)
        return kid

    def set_current(self, kid: str) -> None:
        tmp = self.dir / "current.tmp"
        tmp.write_text(kid + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.dir / "current")

    def current_id(self) -> str:
        """The current key's id, creating the first key on first use."""
        path = self.dir / "current"
        if not path.exists():
            kid = self.generate()
            self.set_current(kid)
            return kid
        return path.read_text().strip()

    def private_key(self, kid: str | None = None) -> Ed25519PrivateKey:
        kid = kid or self.current_id()
        path = self.dir / f"{kid}.key"
        try:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                raise AuditError(
                    f"audit signing key {path} is readable by others (mode {mode:o})",
                    hint=f"chmod 600 {path}",
                )
            key = load_private_pem(path.read_bytes())
        except FileNotFoundError as exc:
            raise AuditError(f"audit signing key {path} is missing") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditError(f"{path} is not an Ed25519 key")
        return key

    def public_key(self, kid: str) -> Ed25519PublicKey:
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_public_key((self.dir / f"{kid}.pub").read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise AuditError(f"{kid}.pub is not an Ed25519 key")
        return key

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        """Every key this client has ever signed with, current and rotated."""
        if not self.dir.exists():
            return {}
        return {p.stem: self.public_key(p.stem) for p in sorted(self.dir.glob("*.pub"))}

    def rotate(self) -> tuple[str, str]:
        """Make a new current key; returns (old id, new id). Old keys stay for verification."""
        old = self.current_id()
        new = self.generate()
        self.set_current(new)
        return old, new
