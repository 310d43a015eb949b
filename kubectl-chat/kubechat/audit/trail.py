"""AuditTrail: the one object the CLI uses. record() redacts, signs, chains and spools a record
before the command is reported done; ship_pending() delivers what the collector lacks.

record() raises AuditError only when the record cannot be made durable (then the caller must not
run the command: fail closed). Shipping never raises: a down collector loses nothing, it only
leaves records in the spool for next time.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import AuditError
from . import chain as chain_mod
from .keys import KeyStore
from .record import (
    PolicyResult,
    Record,
    RecordInput,
    ResponseStatus,
    UserInfo,
    now_rfc3339,
    output_digest,
    rfc3339,
)
from .redact import output_is_secret, redact_argv, redact_text
from .sign import encode_public, sign
from .spool import Spool


def _redacted_copy(inp: RecordInput, keep_output: bool) -> tuple[list[str], str, str | None, list[str]]:
    argv, secrets = redact_argv(inp.argv)
    request = redact_text(inp.request, secrets)
    keep = keep_output and inp.output is not None and not output_is_secret(inp.argv)
    output = redact_text(inp.output, secrets) if keep else None
    return argv, request, output, secrets


class AuditTrail:
    def __init__(
        self, spool_path: Path | None = None, keys: KeyStore | None = None, keep_output: bool = False
    ):
        self.keys = keys or KeyStore()
        self.spool = Spool(spool_path)
        self.keep_output = keep_output

    def close(self) -> None:
        self.spool.close()

    def _signing_key_id(self, meta: dict[str, str]) -> str:
        # The spool remembers which key signs next, changed only together with a rotation record.
        kid = meta.get("key_id")
        if kid is None:
            kid = self.keys.current_id()
            meta["key_id"] = kid
        return kid

    def _make(self, inp: RecordInput, client_id: str, seq: int, prev: str, kid: str) -> Record:
        argv, request, kept, secrets = _redacted_copy(inp, self.keep_output)
        now = now_rfc3339()
        record = Record(
            stage=inp.stage,
            requestReceivedTimestamp=rfc3339(inp.received_at) if inp.received_at else now,
            stageTimestamp=now,
            user=inp.user,
            cluster=inp.cluster,
            context=inp.context,
            sessionID=inp.session_id,
            request=request,
            argv=argv,
            verb=inp.verb,
            objectRef=inp.object_ref,
            risk=inp.risk,
            policy=PolicyResult(
                decision=inp.policy.decision,
                confirm=inp.policy.confirm,
                reasons=[redact_text(r, secrets) for r in inp.policy.reasons],
            ),
            policyBundle=inp.policy_bundle,
            rbac=inp.rbac,
            confirmation=inp.confirmation,
            responseStatus=ResponseStatus(code=inp.exit_code),
            outputDigest=output_digest(inp.output),  # digest of what kubectl really printed
            output=kept,
            durationMs=inp.duration_ms,
            annotations={k: redact_text(v, secrets) for k, v in inp.annotations.items()},
            clientID=client_id,
            seq=seq,
            prevHash=prev,
            keyID=kid,
        )
        record.signature = sign(self.keys.private_key(kid), record.signing_bytes())
        return record

    def record(self, inp: RecordInput) -> Record:
        """Sign, chain and durably spool one record. Raises AuditError if it cannot be stored."""

        def build(client_id: str, seq: int, prev: str, meta: dict[str, str]) -> Record:
            return self._make(inp, client_id, seq, prev, self._signing_key_id(meta))

        try:
            return self.spool.append(build)
        except AuditError:
            raise
        except (OSError, ValueError) as exc:
            raise AuditError(f"cannot write an audit record: {exc}", hint="the command was not run") from exc

    def preflight(self) -> None:
        """Raise AuditError now if a record could not be written after the command: the spool
        takes a write lock and the signing key loads. Call it before running anything."""
        self.spool.check_writable()
        kid = self.spool.meta("key_id") or self.keys.current_id()
        sign(self.keys.private_key(kid), b"preflight")

    def rotate_keys(self, user: UserInfo) -> Record:
        """Start signing with a new key. The rotation record is signed by the old key and names
        the new one, so the chain proves the hand-over; old public keys are kept."""
        new_id = self.keys.generate()
        new_pub = encode_public(self.keys.public_key(new_id))

        def build(client_id: str, seq: int, prev: str, meta: dict[str, str]) -> Record:
            old_id = self._signing_key_id(meta)
            inp = RecordInput(
                user=user,
                stage="KeyRotation",
                verb="rotate-key",
                risk="write",
                request="audit keys rotate",
                annotations={
                    chain_mod.ROTATION_NEW_KEY: new_id,
                    chain_mod.ROTATION_NEW_PUBLIC: new_pub,
                },
            )
            record = self._make(inp, client_id, seq, prev, old_id)
            meta["key_id"] = new_id
            return record

        record = self.spool.append(build)
        self.keys.set_current(new_id)
        return record

    def verify(self, collector_key: str | None = None) -> chain_mod.VerifyResult:
        """Verify the whole spool: chain links, order, signer continuity and signatures, the
        anchor of pruned records, and kept records against the collector's receipts."""
        from . import receipts

        return receipts.verify_spool(
            self.spool, self.keys.public_keys(), receipts.collector_key(collector_key)
        )

    def prune(self, before: str, collector_key: str | None = None) -> tuple[int, str | None]:
        """Drop records older than `before` (RFC 3339) whose collector receipt verifies against
        the collector's checkpoint key; the chain stays verifiable from the kept anchor. Returns
        how many were dropped and why pruning stopped early (None when it did not)."""
        from . import receipts

        key = receipts.collector_key(collector_key)
        if key is None:
            raise AuditError(
                "pruning needs the collector's checkpoint public key to check its receipts",
                hint=f"pass --collector-key or set {receipts.COLLECTOR_KEY_ENV}",
            )
        return self.spool.prune(before, lambda body, receipt: receipts.check(receipt, body, key))

    def ship_pending(self, collector_url: str, **kwargs):
        from .ship import ship_pending

        return ship_pending(self, collector_url, **kwargs)
