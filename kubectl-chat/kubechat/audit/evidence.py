"""The integrity part of the evidence report, from this client's side: the local trail verified
with its receipts, or a collector's log as `audit verify --collector` checked it."""

from __future__ import annotations

import json

from ..ledger.report import Integrity
from ..ledger.sign import fingerprint
from . import receipts


def local_integrity(trail, collector_key: str | None) -> Integrity:
    """Verify the local trail: chain, signatures and, with the collector's key, every receipt;
    the newest receipt's checkpoint is the signed checkpoint the report shows."""

    result = trail.verify(collector_key)
    key = receipts.collector_key(collector_key)
    newest = None
    for _seq, _body, receipt in trail.spool.receipts():
        newest = receipt
    checkpoint = json.loads(newest)["checkpoint"] if newest else None
    checked = bool(checkpoint and key and result.ok)  # verify_spool checked every receipt with the key
    return Integrity(
        ok=result.ok,
        detail="Local trail: " + result.describe(),
        signing_keys=[(kid, fingerprint(k)) for kid, k in trail.keys.public_keys().items()],
        checkpoint=checkpoint,
        checkpoint_key=fingerprint(key) if checked else None,
        checkpoint_how="the collector key given out of band" if checked else None,
    )


def collector_integrity(check) -> Integrity:
    """From verify_collector's report: the collector's checkpoint and the key that verified it."""

    how = "the collector key given out of band" if check.trusted else "the key the collector presented"
    return Integrity(
        ok=check.ok,
        detail="Collector: " + check.describe().replace("\n", "; "),
        checkpoint=check.checkpoint,
        checkpoint_key=fingerprint(check.key) if check.key else None,
        checkpoint_how=how if check.key else None,
    )
