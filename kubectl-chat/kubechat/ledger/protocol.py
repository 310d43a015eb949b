"""Messages the client signs and the collector checks, byte for byte the same at both ends."""

from __future__ import annotations

from .sign import decode_public, verify

# The collector's key and record endpoints as an aggregated API of the cluster: the client ships
# through the API server to /apis/<group>/<version>/keys and …/records.
API_GROUP, API_VERSION = "audit.kubechat.io", "v1"
AGGREGATED_API = f"/apis/{API_GROUP}"  # + "/v1/keys", "/v1/records", as on the collector itself

# Binds a signing key to the user the collector resolves from the token that registers it.
REGISTRATION_PURPOSE = "kubechat-audit-key-registration"


def registration_message(kid: str, public_b64: str) -> bytes:
    """What a key signs to prove, at registration, that the registrant holds it."""
    return f"{REGISTRATION_PURPOSE}:{kid}:{public_b64}".encode()


def checkpoint_message(tree_size: int, root_hex: str, timestamp: str) -> bytes:
    """What the collector signs for a checkpoint of its log."""
    return f"kubectl-chat-checkpoint\n{tree_size}\n{root_hex}\n{timestamp}\n".encode()


def verify_checkpoint(checkpoint: dict, public_b64: str) -> bool:
    """Whether the checkpoint carries the collector's signature by the key `public_b64`."""
    try:
        public = decode_public(public_b64)
    except ValueError:
        return False
    message = checkpoint_message(checkpoint["treeSize"], checkpoint["rootHash"], checkpoint["timestamp"])
    return verify(public, message, checkpoint.get("signature"))
