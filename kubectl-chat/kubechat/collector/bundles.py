"""Which policy bundles the collector accepts as having decided a record.

Configured with `collector serve --accept-policy-bundle` (repeatable): a bundle digest
("sha256:<hex>", as `kubectl chat policy status` prints it) or a bundle revision (the
`opa build --revision` label; weaker, since anyone can build a bundle with any label). A record
whose decision came from any other bundle, or names none, is flagged "unaccepted". The flag is a
function of the signed record body and this list, so it is the same at ingest and at query time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ledger.record import Record

ACCEPTED = "accepted"
UNACCEPTED = "unaccepted"


@dataclass(frozen=True)
class AcceptedBundles:
    values: frozenset[str] = frozenset()

    def status(self, record: Record) -> str | None:
        """Accepted, unaccepted, or None when nothing is configured or no policy decided."""
        if not self.values or record.policy.decision == "none":
            return None
        bundle = record.policyBundle
        names = {bundle.digest, bundle.revision} if bundle else set()
        return ACCEPTED if names & self.values else UNACCEPTED
