"""The collector's own secrets: the AES-256-GCM key for record bodies at rest (a mounted Secret,
path in KUBECHAT_COLLECTOR_KEY_FILE) and the Ed25519 key that signs checkpoints."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import KubechatError
from ..ledger.protocol import checkpoint_message
from ..ledger.sign import encode_public, key_id, sign

KEY_FILE_ENV = "KUBECHAT_COLLECTOR_KEY_FILE"
SIGNING_KEY_ENV = "KUBECHAT_COLLECTOR_SIGNING_KEY_FILE"


class CollectorKeyError(KubechatError):
    pass


def _read_aes_key(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CollectorKeyError(
            f"cannot read the record encryption key {path}: {exc.strerror}",
            hint="create one with `kubectl chat collector init-keys` or mount the Secret there",
        ) from exc
    if len(data) == 32:
        return data
    text = data.strip()
    for decode in (base64.b64decode, binascii.unhexlify):
        try:
            key = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(key) == 32:
            return key
    raise CollectorKeyError(f"{path} does not hold a 256-bit key (32 raw bytes, base64 or hex)")


class BodyCipher:
    """AES-256-GCM with a fresh 96-bit nonce per record; the auditID is bound as associated data,
    so a body cannot be moved onto another row without failing to decrypt."""

    def __init__(self, key: bytes):
        self.aead = AESGCM(key)

    @classmethod
    def from_file(cls, path: str | os.PathLike | None = None) -> BodyCipher:
        path = path or os.environ.get(KEY_FILE_ENV)
        if not path:
            raise CollectorKeyError(
                "no record encryption key configured", hint=f"set {KEY_FILE_ENV} or pass --key-file"
            )
        return cls(_read_aes_key(Path(path)))

    def seal(self, audit_id: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self.aead.encrypt(nonce, plaintext, audit_id.encode())

    def open(self, audit_id: str, sealed: bytes) -> bytes:
        try:
            return self.aead.decrypt(sealed[:12], sealed[12:], audit_id.encode())
        except InvalidTag as exc:
            raise CollectorKeyError(
                f"record {audit_id} does not decrypt (wrong key or altered at rest)"
            ) from exc


class CheckpointSigner:
    def __init__(self, private_key: Ed25519PrivateKey):
        self.key = private_key
        self.public_b64 = encode_public(private_key.public_key())
        self.key_id = key_id(private_key.public_key())

    @classmethod
    def from_file(cls, path: str | os.PathLike | None = None) -> CheckpointSigner:
        path = path or os.environ.get(SIGNING_KEY_ENV)
        if not path:
            raise CollectorKeyError(
                "no checkpoint signing key configured", hint=f"set {SIGNING_KEY_ENV} or pass --signing-key"
            )
        try:
            key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        except (OSError, ValueError) as exc:
            raise CollectorKeyError(f"cannot load the checkpoint signing key {path}: {exc}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CollectorKeyError(f"{path} is not an Ed25519 key")
        return cls(key)

    def sign(self, tree_size: int, root_hex: str, timestamp: str) -> dict:
        return {
            "treeSize": tree_size,
            "rootHash": root_hex,
            "timestamp": timestamp,
            "keyID": self.key_id,
            "signature": sign(self.key, checkpoint_message(tree_size, root_hex, timestamp)),
        }


def init_keys(directory: Path) -> tuple[Path, Path]:
    """Write a new AES key and checkpoint signing key (0600); refuses to overwrite."""
    directory.mkdir(parents=True, exist_ok=True)
    aes_path, sig_path = directory / "records.key", directory / "checkpoint-signing.pem"
    for path, data in (
        (aes_path, base64.b64encode(AESGCM.generate_key(bit_length=256)) + b"\n"),
        (
            sig_path,
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        ),
    ):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CollectorKeyError(f"{path} already exists; not overwriting a key") from exc
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    return aes_path, sig_path
