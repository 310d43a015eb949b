"""The durable local spool: every record lands here (committed, fsynced) before the command is
reported done, and stays until the collector has it.

SQLite in WAL mode with synchronous=FULL: a committed record survives a crash or power loss.
Sequence numbers and prevHash are read and written in one BEGIN IMMEDIATE transaction, so two
`kubectl chat` processes sharing the spool still build one unbroken chain.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import paths
from ..errors import AuditError
from ..ledger.chain import Anchor, next_key
from ..ledger.filters import where
from ..ledger.record import Record

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    audit_id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    body BLOB NOT NULL,
    ts TEXT NOT NULL,
    username TEXT,
    verb TEXT,
    namespace TEXT,
    risk TEXT,
    decision TEXT,
    stage TEXT,
    shipped_at TEXT,
    ship_error TEXT
);
CREATE INDEX IF NOT EXISTS records_pending ON records (seq) WHERE shipped_at IS NULL;
-- A command's record, reserved before the command runs: its pending (redacted, signed) form, who
-- runs it, and zero bytes as large as the finished record, so finishing it takes no new space.
CREATE TABLE IF NOT EXISTS reservations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created TEXT NOT NULL,
    pending BLOB NOT NULL,
    room BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (audit_id TEXT PRIMARY KEY, receipt TEXT NOT NULL);
"""


def default_path() -> Path:
    return paths.state_dir() / "audit" / "spool.db"


class Spool:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_path()
        try:
            paths.ensure_private_dir(self.path.parent)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            # One connection, usable from a background shipping thread; the lock keeps transactions whole.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            self.lock = threading.RLock()
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise AuditError(
                f"cannot open the audit spool {self.path}: {exc}",
                hint="check free space and permissions; commands are not run without an audit record",
            ) from exc

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        return self._meta(key)

    def set_meta(self, key: str, value: str) -> None:
        self._set_meta(key, value)

    # -- append -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self, keep: bool = True):
        """One write transaction under the process lock and SQLite's write lock; committed only
        when the block finishes and `keep` is true, rolled back otherwise."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT" if keep else "ROLLBACK")

    def append(
        self, build: Callable[[str, int, str, dict[str, str]], Record], reservation: str | None = None
    ) -> Record:
        """Append the record `build(client_id, seq, prev_hash, meta)` returns, atomically; with
        `reservation`, that reservation goes in the same transaction (the record takes its room).

        `build` may return meta updates by setting keys in the dict it is given (key rotation).
        Raises AuditError when the record cannot be made durable: the caller must not go on.
        """
        try:
            with self._write():
                if reservation is not None:
                    self.db.execute("DELETE FROM reservations WHERE id = ?", (reservation,))
                return self._append_in_tx(build)
        except sqlite3.Error as exc:
            raise AuditError(
                f"cannot write the audit spool {self.path}: {exc}",
                hint="check free space and permissions; "
                + (
                    "the command was not run"
                    if reservation is None
                    else "its reservation stays and is recorded later"
                ),
            ) from exc

    # -- reservations -----------------------------------------------------------------------------
    # Pages a finishing transaction touches besides the record's own: table and index leaves,
    # B-tree splits, the freelist and the header. Reserved on top of the record's bytes.
    ROOM_PAGES = 16

    def reserve(self, rid: str, owner: str, created: str, pending: bytes, record_bytes: int) -> None:
        """Durably store a command's pending record with room for its finished form, before the
        command runs. Raises AuditError when that cannot be done: the command must not run."""
        try:
            with self.lock:
                page = self.db.execute("PRAGMA page_size").fetchone()[0]
                with self._write():
                    self.db.execute(
                        "INSERT INTO reservations (id, owner, created, pending, room)"
                        " VALUES (?, ?, ?, ?, zeroblob(?))",
                        (rid, owner, created, pending, record_bytes + self.ROOM_PAGES * page),
                    )
                # Move the reservation from the WAL into the database file while failing is still
                # harmless. The next transaction then writes the WAL from its start again (the file
                # keeps its size), and finishing the record reuses the room's pages: it needs no
                # space this reservation did not already take.
                self.db.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        except sqlite3.Error as exc:
            with contextlib.suppress(AuditError):
                self.drop_reservation(rid)
            raise AuditError(
                f"cannot reserve an audit record in {self.path}: {exc}",
                hint="free space or fix permissions; commands are not run without an audit record",
            ) from exc

    def reservations(self) -> list[tuple[str, str, str, bytes]]:
        """(id, owner, created, pending record) of every reservation not yet finished."""
        with self.lock:
            rows = self.db.execute(
                "SELECT id, owner, created, pending FROM reservations ORDER BY created, id"
            ).fetchall()
        return [(rid, owner, created, bytes(pending)) for rid, owner, created, pending in rows]

    def drop_reservation(self, rid: str) -> None:
        try:
            with self._write():
                self.db.execute("DELETE FROM reservations WHERE id = ?", (rid,))
        except sqlite3.Error as exc:
            raise AuditError(f"cannot write the audit spool {self.path}: {exc}") from exc

    def anchor(self) -> Anchor:
        seq = self._meta("anchor_seq")
        if seq is None:
            return Anchor()
        record = self._meta("anchor_record")
        return Anchor(
            int(seq),
            self._meta("anchor_hash") or "",
            self._meta("anchor_key"),
            record.encode() if record is not None else None,
            self._meta("anchor_receipt"),
        )

    def prune(self, before: str, check: Callable[[bytes, str | None], str | None]) -> tuple[int, str | None]:
        """Delete the longest prefix of shipped records older than `before` whose receipts pass
        `check(body, receipt)` (None: good); keep the last one and its receipt as the anchor.
        Returns (how many were removed, why pruning stopped early or None)."""
        with self._write():
            first_kept = self.db.execute(
                "SELECT min(seq) FROM records WHERE shipped_at IS NULL OR ts >= ?", (before,)
            ).fetchone()[0]
            rows = self.db.execute(
                "SELECT r.seq, r.audit_id, r.hash, r.body, c.receipt FROM records r"
                " LEFT JOIN receipts c ON c.audit_id = r.audit_id WHERE r.seq < ? ORDER BY r.seq",
                (first_kept if first_kept is not None else 2**62,),
            ).fetchall()
            last, stopped = None, None
            for seq, audit_id, digest, body, receipt in rows:
                reason = check(bytes(body), receipt)
                if reason:
                    stopped = f"record {seq} ({audit_id}): {reason}"
                    break
                last = (seq, digest, bytes(body), receipt)
            if last is None:
                return 0, stopped
            seq, digest, body, receipt = last
            gone = [r[1] for r in rows if r[0] <= seq]
            dropped = self.db.execute("DELETE FROM records WHERE seq <= ?", (seq,)).rowcount
            self.db.executemany("DELETE FROM receipts WHERE audit_id = ?", [(a,) for a in gone])
            self._set_meta("anchor_seq", str(seq))
            self._set_meta("anchor_hash", digest)
            self._set_meta("anchor_key", next_key(Record.model_validate_json(body)))
            self._set_meta("anchor_record", body.decode("utf-8"))
            self._set_meta("anchor_receipt", receipt)
        return dropped, stopped

    def _append_in_tx(self, build) -> Record:
        client_id = self._meta("client_id")
        if client_id is None:
            client_id = str(uuid.uuid4())
            self._set_meta("client_id", client_id)
        row = self.db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:  # empty, or everything pruned: continue from the anchor
            anchor = self.anchor()
            row = (anchor.seq, anchor.hash)
        seq, prev = row[0] + 1, row[1]
        meta = {k: v for k, v in self.db.execute("SELECT key, value FROM meta")}
        before = dict(meta)
        record = build(client_id, seq, prev, meta)
        self.db.execute(
            "INSERT INTO records (seq, audit_id, hash, body, ts, username, verb, namespace, risk,"
            " decision, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.seq,
                record.auditID,
                record.hash(),
                record.canonical(),
                record.requestReceivedTimestamp,
                record.user.username,
                record.verb,
                record.objectRef.namespace,
                record.risk,
                record.policy.decision,
                record.stage,
            ),
        )
        for key, value in meta.items():
            if before.get(key) != value:
                self._set_meta(key, value)
        return record

    # -- read -------------------------------------------------------------------------------------
    def raw_records(self) -> Iterator[bytes]:
        """Canonical bytes of every record in chain order."""
        cur = self.db.execute("SELECT body FROM records ORDER BY seq")
        for (body,) in cur:
            yield bytes(body)

    def records(self, **filters) -> Iterator[Record]:
        where, args = _where(filters)
        cur = self.db.execute(f"SELECT body FROM records {where} ORDER BY seq", args)  # noqa: S608 - fixed columns
        for (body,) in cur:
            yield Record.model_validate_json(body)

    def usernames(self) -> list[str]:
        """Every user with a record here, in order (what `audit query --user` completes)."""
        rows = self.db.execute("SELECT DISTINCT username FROM records WHERE username IS NOT NULL ORDER BY 1")
        return [name for (name,) in rows]

    def pending(self, limit: int = 500) -> list[tuple[int, bytes]]:
        with self.lock:
            rows = self.db.execute(
                "SELECT seq, body FROM records WHERE shipped_at IS NULL ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()
        return [(seq, bytes(body)) for seq, body in rows]

    def pending_count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT count(*) FROM records WHERE shipped_at IS NULL").fetchone()[0]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM records").fetchone()[0]

    def mark_shipped(self, audit_ids: list[str], when: str, receipts: dict[str, str] | None = None) -> None:
        """Record that the collector has these records, with its receipt for each (kept until the
        record is pruned: prune needs it)."""
        with self._write():
            self.db.executemany(
                "UPDATE records SET shipped_at = ?, ship_error = NULL WHERE audit_id = ?",
                [(when, a) for a in audit_ids],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO receipts (audit_id, receipt) VALUES (?, ?)",
                list((receipts or {}).items()),
            )

    def receipts(self) -> Iterator[tuple[int, bytes, str]]:
        """(seq, canonical bytes, receipt) of every kept record the collector acknowledged."""
        cur = self.db.execute(
            "SELECT r.seq, r.body, c.receipt FROM records r JOIN receipts c ON c.audit_id = r.audit_id ORDER BY r.seq"
        )
        for seq, body, receipt in cur:
            yield seq, bytes(body), receipt

    def mark_error(self, audit_id: str, reason: str) -> None:
        with self.lock:
            self.db.execute("UPDATE records SET ship_error = ? WHERE audit_id = ?", (reason, audit_id))


def _where(filters: dict) -> tuple[str, list]:
    clauses, args = where(filters, "instr(lower(CAST(body AS TEXT)), lower(?)) > 0", str)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args
