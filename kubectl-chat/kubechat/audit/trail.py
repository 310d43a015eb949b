"""AuditTrail: the one object the CLI uses. record() redacts, signs, chains and spools a record
before the command is reported done; ship_pending() delivers what the collector lacks.

record() raises AuditError only when the record cannot be made durable (then the caller must not
run the command: fail closed). Shipping never raises: a down collector loses nothing, it only
leaves records in the spool for next time.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import AuditError
from ..ledger import chain as chain_mod
from ..ledger.record import (
    GENESIS_HASH,
    PolicyResult,
    Record,
    RecordInput,
    ResponseStatus,
    UserInfo,
    now_rfc3339,
    output_digest,
    rfc3339,
)
from ..ledger.redact import output_is_secret, redact_argv, redact_text
from ..ledger.sign import encode_public, sign
from .keys import KeyStore
from .spool import Spool

# Bytes the finished record may need beyond its pending form: stage, exit code, output digest,
# duration, status annotation and signature, with a wide margin.
_FINISH_SLACK = 1024


def _redacted_copy(inp: RecordInput, keep_output: bool) -> tuple[list[str], str, str | None, list[str]]:
    argv, secrets = redact_argv(inp.argv)
    request = redact_text(inp.request, secrets)
    keep = keep_output and inp.output is not None and not output_is_secret(inp.argv)
    output = redact_text(inp.output, secrets) if keep else None
    return argv, request, output, secrets


# A reservation made on another machine (a spool on a shared home) cannot be checked for a live
# owner; after this long its run is taken as over.
FOREIGN_RESERVATION_AGE = timedelta(days=1)
STATUS = "kubechat.io/status"


def _process_start(pid: int) -> str:
    """When process `pid` started (Linux: clock ticks since boot), so a reused pid is not taken
    for the process that made a reservation; "" where it cannot be told."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _owner() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def _owner_alive(owner: str, created: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname():
        made = datetime.fromisoformat(created.replace("Z", "+00:00"))
        return datetime.now(UTC) - made < FOREIGN_RESERVATION_AGE
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process under that pid: alive, but maybe not ours (start time says)
    except ValueError:
        return False
    return started == "" or _process_start(pid) in ("", started)


class Reservation:
    """A command's record, reserved in the spool before the command runs (AuditTrail.reserve).
    Use it as a context manager around the run: the run's own record finishes it; if the run ends
    without one (an exception, a full disk), leaving the block records it from its pending form."""

    def __init__(self, trail: AuditTrail, rid: str, inp: RecordInput, pending: bytes, created: str):
        self.trail, self.id, self.pending, self.created = trail, rid, pending, created
        self.key = (inp.session_id, inp.request)

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, *exc) -> bool:
        self.trail.settle(self)
        return False


class AuditTrail:
    def __init__(
        self, spool_path: Path | None = None, keys: KeyStore | None = None, keep_output: bool = False
    ):
        self.keys = keys or KeyStore()
        self.spool = Spool(spool_path)
        self.keep_output = keep_output
        self._open: dict[str, Reservation] = {}  # reservations of runs in progress in this process

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
        """Sign, chain and durably spool one record. Raises AuditError if it cannot be stored.
        The record of a run this trail reserved (same session and request) finishes that
        reservation, in the room it holds."""
        reservation = next((r for r in self._open.values() if r.key == (inp.session_id, inp.request)), None)

        def build(client_id: str, seq: int, prev: str, meta: dict[str, str]) -> Record:
            return self._make(inp, client_id, seq, prev, self._signing_key_id(meta))

        try:
            if reservation is None:
                return self.spool.append(build)
            return self._finish(reservation, inp, build)
        except AuditError:
            raise
        except (OSError, ValueError) as exc:
            raise AuditError(f"cannot write an audit record: {exc}", hint="the command was not run") from exc

    def _finish(self, reservation: Reservation, inp: RecordInput, build) -> Record:
        try:
            record = self.spool.append(build, reservation.id)
        except AuditError:
            if not (self.keep_output and inp.output):
                raise
            # The room is sized for the record without kept output: keep the digest only.
            lean = inp.model_copy(
                update={
                    "annotations": {**inp.annotations, "kubechat.io/output": "not kept: audit spool full"}
                }
            )
            keep, self.keep_output = self.keep_output, False
            try:
                record = self.spool.append(
                    lambda c, s, p, m: self._make(lean, c, s, p, self._signing_key_id(m)), reservation.id
                )
            finally:
                self.keep_output = keep
        self._open.pop(reservation.id, None)
        return record

    def reserve(self, inp: RecordInput) -> Reservation:
        """Before a command runs: durably store its record in pending form, with room for the
        finished record, so "no record, no command" holds even when the disk fills up or the
        spool turns read-only while the command runs. Raises AuditError when the reservation
        cannot be made: then the command must not run. Records left unfinished by earlier runs
        are recorded first."""
        try:
            self.recover()
            kid = self.spool.meta("key_id") or self.keys.current_id()
            pending_input = inp.model_copy(
                update={
                    "stage": "Failed",
                    "exit_code": None,
                    "annotations": {**inp.annotations, STATUS: "running"},
                }
            )
            pending = self._make(pending_input, "", 0, GENESIS_HASH, kid)  # also proves the key signs
            body = pending.canonical()
            created = now_rfc3339()
            # The finished record differs in stage, exit code, digest, duration and status only.
            self.spool.reserve(pending.auditID, _owner(), created, body, len(body) + _FINISH_SLACK)
        except AuditError:
            raise
        except (OSError, ValueError) as exc:
            raise AuditError(
                f"cannot reserve an audit record: {exc}", hint="commands are not run without an audit record"
            ) from exc
        reservation = Reservation(self, pending.auditID, inp, body, created)
        self._open[reservation.id] = reservation
        return reservation

    def settle(self, reservation: Reservation) -> bool:
        """After the run: a reservation no record finished is recorded now from its pending form
        (outcome unknown). Never raises: when even that cannot be written, the reservation stays
        in the spool and a later run records it. Returns whether nothing is left pending."""
        if self._open.pop(reservation.id, None) is None:
            return True
        try:
            self._record_pending(reservation.id, reservation.pending)
        except (AuditError, OSError, ValueError):
            return False
        return True

    def recover(self) -> int:
        """Record every reservation whose run ended without its record (the process died, or the
        spool was full when it ended): the command was about to run, how it ended is unknown.
        Reservations of runs still going (here or in a live process) are left alone."""
        done = 0
        for rid, owner, created, pending in self.spool.reservations():
            if rid in self._open or (owner != _owner() and _owner_alive(owner, created)):
                continue
            self._record_pending(rid, pending)
            done += 1
        return done

    def _record_pending(self, rid: str, pending: bytes) -> Record:
        base = Record.model_validate_json(pending)
        note = "the command was about to run when this record was reserved; how it ended was not recorded"

        def build(client_id: str, seq: int, prev: str, meta: dict[str, str]) -> Record:
            kid = self._signing_key_id(meta)
            record = base.model_copy(
                update={
                    "stage": "Failed",
                    "stageTimestamp": now_rfc3339(),
                    "responseStatus": ResponseStatus(code=None),
                    "annotations": {**base.annotations, STATUS: "unknown", "kubechat.io/outcome": note},
                    "clientID": client_id,
                    "seq": seq,
                    "prevHash": prev,
                    "keyID": kid,
                    "signature": None,
                }
            )
            record.signature = sign(self.keys.private_key(kid), record.signing_bytes())
            return record

        return self.spool.append(build, rid)

    def preflight(self) -> None:
        """Raise AuditError now if a record could not be made durable: reserves room for one in
        the spool and gives it back. A caller about to run a command uses reserve() instead."""
        reservation = self.reserve(RecordInput(user=UserInfo(username="preflight"), request="preflight"))
        self._open.pop(reservation.id, None)
        self.spool.drop_reservation(reservation.id)

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
