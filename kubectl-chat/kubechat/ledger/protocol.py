"""Messages the client signs and the collector checks, byte for byte the same at both ends."""

from __future__ import annotations

# Binds a signing key to the user the collector resolves from the token that registers it.
REGISTRATION_PURPOSE = "kubechat-audit-key-registration"


def registration_message(kid: str, public_b64: str) -> bytes:
    """What a key signs to prove, at registration, that the registrant holds it."""
    return f"{REGISTRATION_PURPOSE}:{kid}:{public_b64}".encode()
