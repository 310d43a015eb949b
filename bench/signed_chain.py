"""One client's chain of signed records for the audit benchmarks: the caller says what each
record holds; this links them (seq, prevHash), signs them and yields their canonical bytes, the
way the audit client does."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator


def signed_chain(key, n: int, make: Callable[[int], dict]) -> Iterator[str]:
    """Canonical records 1..n of the chain of `key`; `make(seq)` gives record `seq`'s own fields."""
    from kubechat.ledger.record import GENESIS_HASH, Record
    from kubechat.ledger.sign import key_id, sign

    kid, prev = key_id(key.public_key()), GENESIS_HASH
    for seq in range(1, n + 1):
        record = Record(**make(seq), seq=seq, prevHash=prev, keyID=kid)
        record.signature = sign(key, record.signing_bytes())
        data = record.canonical()
        prev = hashlib.sha256(data).hexdigest()
        yield data.decode()
