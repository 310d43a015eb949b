"""Collector storage: SQLite (sqlite-utils) by default, PostgreSQL (psycopg 3) for several replicas.

Both speak the same SQL through `Tx`; only connection, placeholders and the write lock differ.
Record bodies are stored encrypted; the columns queries filter on are kept in clear. `chain` names
a client chain as the collector keeps it: the client's chain id plus the key that started it, so
a chain belongs to its first key and another key reusing the client id cannot take its place. Ingest runs
under one write lock (BEGIN IMMEDIATE on SQLite, an advisory transaction lock on PostgreSQL) so
leaf indexes and chain checks stay consistent when replicas ingest at once.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

from ..errors import KubechatError
from ..ledger.filters import where
from . import summaries
from .summaries import COUNTERS, KEYS

COLUMNS = (
    "leaf_index",
    "audit_id",
    "client_id",
    "chain",
    "seq",
    "hash",
    "leaf_hash",
    "key_id",
    "next_key",
    "username",
    "verb",
    "namespace",
    "risk",
    "decision",
    "stage",
    "ts",
    "search",
    "body",
)

NULLABLE = {"leaf_index", "chain", "verb", "namespace", "risk", "decision", "stage"}

PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    leaf_index BIGINT PRIMARY KEY, audit_id TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL, seq BIGINT NOT NULL,
    hash TEXT NOT NULL, leaf_hash BYTEA NOT NULL, key_id TEXT NOT NULL, next_key TEXT NOT NULL,
    username TEXT NOT NULL, verb TEXT, namespace TEXT, risk TEXT, decision TEXT, stage TEXT, ts TEXT NOT NULL,
    search TEXT NOT NULL, body BYTEA NOT NULL, chain TEXT);
CREATE INDEX IF NOT EXISTS records_user ON records (username, ts);
CREATE INDEX IF NOT EXISTS records_ts ON records (ts);
CREATE INDEX IF NOT EXISTS records_ns ON records (namespace, ts);
CREATE TABLE IF NOT EXISTS keys (
    key_id TEXT NOT NULL, public_key TEXT NOT NULL, username TEXT NOT NULL, uid TEXT, groups TEXT NOT NULL,
    registered_at TEXT NOT NULL, PRIMARY KEY (key_id, username));
CREATE TABLE IF NOT EXISTS checkpoints (
    tree_size BIGINT PRIMARY KEY, root_hash TEXT NOT NULL, timestamp TEXT NOT NULL, key_id TEXT NOT NULL,
    signature TEXT NOT NULL);
ALTER TABLE records ADD COLUMN IF NOT EXISTS chain TEXT;
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_client_id_seq_key;
"""

# Stores made before chains were named by their first key: name them now (idempotent).
CHAIN_BACKFILL = (
    "UPDATE records SET chain = client_id || ':' || (SELECT origin.key_id FROM records origin"
    " WHERE origin.client_id = records.client_id AND origin.seq = 1) WHERE chain IS NULL"
)
CHAIN_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS records_chain_seq ON records (chain, seq)",
    # A record's predecessor is found by client id and sequence, then its hash: that index grows
    # in each client's order, where one on the hash took a random page at every insert.
    "DROP INDEX IF EXISTS records_link",
    "CREATE INDEX IF NOT EXISTS records_client_seq ON records (client_id, seq)",
)
# PostgreSQL's full-text index: the words of the redacted search column in a generated tsvector
# column with a GIN index (stores made before it get both when opened). A word is a run of ASCII
# letters and digits (the column is lower case; anything else separates words whatever the
# server's locale), taken as it is (no parser, which splits runs such as 2e3x as numbers) and cut
# to its first _PG_WORD_MAX characters; the first _PG_INDEXED characters of a record are indexed,
# which keeps every tsvector under PostgreSQL's 1 MB.
_PG_WORD_MAX = 255  # PostgreSQL's longest regex repeat
_PG_INDEXED = 100_000
PG_FULL_TEXT = (
    "ALTER TABLE records ADD COLUMN IF NOT EXISTS search_words tsvector GENERATED ALWAYS AS"
    " (array_to_tsvector(array_remove(regexp_split_to_array(regexp_replace("
    f"left(search, {_PG_INDEXED}), '([0-9a-z]{{{_PG_WORD_MAX}}})[0-9a-z]+', '\\1', 'g'), '[^0-9a-z]+'), '')))"
    " STORED",
    "CREATE INDEX IF NOT EXISTS records_search_words ON records USING GIN (search_words)",
)
# Every filter a query offers walks an index in time order (queries page by (ts, leaf_index)).
FILTER_INDEXES = tuple(
    f"CREATE INDEX IF NOT EXISTS records_{column} ON records ({column}, ts)"
    for column in ("verb", "risk", "decision", "stage")
)
# A text search with other filters reads the records those let through when they are this few.
FEW_FILTERED = 20_000
# auditIDs looked up per statement (well under SQLite's limit on bound values).
_IN_LIST = 500
# A query cursor: the last leaf index seen (log order), or (timestamp, leaf index) (time order).
Cursor = int | tuple[str | None, int]


@dataclass
class KeyBinding:
    key_id: str
    public_key: str
    username: str
    uid: str | None
    groups: list[str]
    registered_at: str


class StoreError(KubechatError):
    pass


class Tx:
    """One transaction's worth of statements, written once for both databases."""

    def __init__(self, cur, placeholder: str, full_text: bool = False):
        self.cur = cur
        self.ph = placeholder
        self.full_text = full_text  # SQLite: records_fts (FTS5, trigrams) indexes the search column

    def _q(self, sql: str, args: tuple = ()):
        self.cur.execute(sql.replace("?", self.ph), args)
        return self.cur

    def _many(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self.cur.executemany(sql.replace("?", self.ph), rows)

    def size(self) -> int:
        return self._q("SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM records").fetchone()[0]

    def bindings(self, key_id: str) -> list[KeyBinding]:
        """Every identity a key is bound to (one person may use several, each proven separately)."""
        rows = self._q(
            "SELECT key_id, public_key, username, uid, groups, registered_at FROM keys WHERE key_id = ?"
            " ORDER BY username",
            (key_id,),
        ).fetchall()
        return [KeyBinding(*row[:4], json.loads(row[4]), row[5]) for row in rows]

    def add_key(self, b: KeyBinding) -> None:
        self._q(
            "INSERT INTO keys (key_id, public_key, username, uid, groups, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
            (b.key_id, b.public_key, b.username, b.uid, json.dumps(b.groups), b.registered_at),
        )

    def stored(self, audit_ids: list[str]) -> dict[str, tuple[str, int]]:
        """auditID → (hash, leaf index) of those of `audit_ids` already in the log: one query a
        batch, not a round trip a record."""
        found: dict[str, tuple[str, int]] = {}
        for i in range(0, len(audit_ids), _IN_LIST):
            part = audit_ids[i : i + _IN_LIST]
            rows = self._q(
                "SELECT audit_id, hash, leaf_index FROM records"  # noqa: S608 - placeholders only
                f" WHERE audit_id IN ({', '.join('?' for _ in part)})",
                tuple(part),
            ).fetchall()
            found.update((r[0], (r[1], r[2])) for r in rows)
        return found

    def leaf_index(self, audit_id: str) -> int | None:
        row = self._q("SELECT leaf_index FROM records WHERE audit_id = ?", (audit_id,)).fetchone()
        return row[0] if row else None

    def chain_row(self, chain: str, seq: int) -> tuple[str, str, str] | None:
        """(auditID, hash, key that must sign the next record) of record `seq` of a chain."""
        return self._q(
            "SELECT audit_id, hash, next_key FROM records WHERE chain = ? AND seq = ?", (chain, seq)
        ).fetchone()

    def chain_link(self, client_id: str, seq: int, digest: str) -> tuple[str, str] | None:
        """(chain, key that must sign the next record) of the record a successor's prevHash names."""
        return self._q(
            "SELECT chain, next_key FROM records WHERE hash = ? AND client_id = ? AND seq = ?",
            (digest, client_id, seq),
        ).fetchone()

    def insert_records(self, rows: list[dict]) -> None:
        """The batch's records in one statement run over every row (PostgreSQL pipelines it: no
        round trip a record)."""
        cols = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        self._many(
            f"INSERT INTO records ({cols}) VALUES ({marks})",  # noqa: S608
            [tuple(row[c] for c in COLUMNS) for row in rows],
        )
        if self.full_text:  # one statement over the batch: a trigger a row costs four times more
            self._many(
                "INSERT INTO records_fts (rowid, search) VALUES (?, ?)",
                [(row["leaf_index"], row["search"]) for row in rows],
            )

    def leaf_hashes(self, start: int, end: int) -> list[bytes]:
        rows = self._q(
            "SELECT leaf_hash FROM records WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            (start, end),
        ).fetchall()
        return [bytes(r[0]) for r in rows]

    def add_checkpoint(self, cp: dict) -> None:
        self._q(
            "INSERT INTO checkpoints (tree_size, root_hash, timestamp, key_id, signature) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (tree_size) DO NOTHING",
            (cp["treeSize"], cp["rootHash"], cp["timestamp"], cp["keyID"], cp["signature"]),
        )

    def latest_checkpoint(self) -> dict | None:
        row = self._q(
            "SELECT tree_size, root_hash, timestamp, key_id, signature FROM checkpoints ORDER BY tree_size DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("treeSize", "rootHash", "timestamp", "keyID", "signature"), row, strict=True))

    def keys(self) -> list[KeyBinding]:
        rows = self._q(
            "SELECT key_id, public_key, username, uid, groups, registered_at FROM keys ORDER BY registered_at"
        ).fetchall()
        return [KeyBinding(*r[:4], json.loads(r[4]), r[5]) for r in rows]

    def query(self, filters: dict, after: Cursor, limit: int) -> list[tuple[int, str, bytes]]:
        """(leaf index, auditID, sealed body) of matching records after the cursor.
        Unfiltered, the log in log order (leaf index). Filtered, in time order (timestamp, then
        leaf index): every filter column has an index on (column, ts) and ts one of its own, so a
        page is a short walk down one index whatever the table's size. A full-text search is the
        exception: it pages in log order (see _full_text_query)."""
        text = filters.get("text") or ""
        leaf = after[1] if isinstance(after, tuple) else after
        if self.full_text and len(text) >= 3:
            return self._full_text_query(filters, text, leaf, limit)
        clauses, args = where(filters, *_like_clause())
        words = None if self.full_text else _pg_words(text)
        if words:  # PostgreSQL: the GIN index finds the candidates, LIKE (above) checks each
            clauses.append("search_words @@ ?::tsquery")
            args.append(words)
        if clauses:
            ts = after[0] if isinstance(after, tuple) else None
            if ts is not None:
                clauses.append("(ts > ? OR (ts = ? AND leaf_index > ?))")
                args += [ts, ts, leaf]
            order = "ts, leaf_index"
        else:
            clauses.append("leaf_index > ?")
            args.append(leaf)
            order = "leaf_index"
        sql = (
            "SELECT leaf_index, audit_id, body FROM records WHERE "  # noqa: S608 - fixed column names only
            + " AND ".join(clauses)
            + f" ORDER BY {order} LIMIT ?"
        )
        return self._rows(sql, (*args, limit))

    def _full_text_query(
        self, filters: dict, text: str, after: int, limit: int
    ) -> list[tuple[int, str, bytes]]:
        """A search of three characters or more pages in log order (leaf index), which follows time
        closely but not exactly (clients ship late), so that no page sorts every match. When the
        other filters let through no more than FEW_FILTERED records, those are read by their index
        and the text checked on each (a day of one user's records); otherwise the FTS5 index is
        walked in rowid order (rowid = leaf index) from the cursor and the other filters checked on
        each match, so a page costs about its own matches. Both give the same order, so a walk may
        change ways from one page to the next and still skip and repeat nothing."""
        clauses, args = where({**filters, "text": None}, *_like_clause())
        if clauses and self._at_most(clauses, args, FEW_FILTERED):
            like, pattern = _like_clause()
            sql = (
                # +leaf_index: the filter's index drives, not a walk of the whole log in leaf order
                "SELECT leaf_index, audit_id, body FROM records WHERE "  # noqa: S608 - fixed names
                + " AND ".join([*clauses, "+leaf_index > ?", like])
                + " ORDER BY +leaf_index LIMIT ?"
            )
            return self._rows(sql, (*args, after, pattern(text), limit))
        sql = (
            # CROSS JOIN keeps the full-text index the outer loop: the order comes from it
            "SELECT leaf_index, audit_id, body FROM records_fts CROSS JOIN records"  # noqa: S608 - fixed names
            " ON records.leaf_index = records_fts.rowid"
            " WHERE records_fts MATCH ? AND records_fts.rowid > ?"
            + "".join(f" AND {c}" for c in clauses)
            + " ORDER BY records_fts.rowid LIMIT ?"
        )
        return self._rows(sql, ('"' + text.lower().replace('"', '""') + '"', after, *args, limit))

    def _at_most(self, clauses: list[str], args: list, n: int) -> bool:
        """Whether no more than n records pass the clauses (counted down their index, stopping at n + 1)."""
        sql = "SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE " + " AND ".join(clauses) + " LIMIT ?)"  # noqa: S608
        return self._q(sql, (*args, n + 1)).fetchone()[0] <= n

    def _rows(self, sql: str, args: tuple) -> list[tuple[int, str, bytes]]:
        return [(r[0], r[1], bytes(r[2])) for r in self._q(sql, args).fetchall()]

    # -- summaries (see summaries.py) --------------------------------------------------------------
    def summaries_built(self) -> bool:
        return self._q("SELECT 1 FROM summaries WHERE name = ?", (summaries.BUILT,)).fetchone() is not None

    def mark_summaries_built(self) -> None:
        self._q("INSERT INTO summaries (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (summaries.BUILT,))

    def clear_summaries(self) -> None:
        for table in summaries.TABLES:
            self._q(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    def add_rollup(self, rollup: summaries.Rollup) -> None:
        keys = ", ".join(KEYS)
        marks = ", ".join("?" for _ in (*KEYS, *COUNTERS))
        add = ", ".join(f"{c} = activity.{c} + excluded.{c}" for c in COUNTERS)
        sql = (
            f"INSERT INTO activity ({keys}, {', '.join(COUNTERS)}) VALUES ({marks})"  # noqa: S608
            f" ON CONFLICT ({keys}) DO UPDATE SET {add}"
        )
        # Each table's rows in one statement run over them all (pipelined on PostgreSQL).
        self._many(sql, [(*key, *(counts[c] for c in COUNTERS)) for key, counts in rollup.activity.items()])
        self._many(
            f"INSERT INTO denial_reasons ({keys}, reason, n) VALUES ({', '.join('?' for _ in KEYS)}, ?, ?)"  # noqa: S608
            f" ON CONFLICT ({keys}, reason) DO UPDATE SET n = denial_reasons.n + excluded.n",
            [(*key, n) for key, n in rollup.reasons.items()],
        )
        self._many(
            "INSERT INTO chains (chain, client_id, records, last_seq, last_hash, last_time)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chain) DO UPDATE SET"
            " records = chains.records + excluded.records, last_seq = excluded.last_seq,"
            " last_hash = excluded.last_hash, last_time = excluded.last_time",
            [
                (chain, c["client_id"], c["records"], c["last_seq"], c["last_hash"], c["last_time"])
                for chain, c in rollup.chains.items()
            ],
        )
        self._many(
            "INSERT INTO chain_users (chain, username) VALUES (?, ?) ON CONFLICT (chain, username) DO NOTHING",
            list(rollup.users),
        )

    def rebuild_chains(self) -> None:
        """Chain summaries from the clear columns (no decryption): for stores made before them."""
        self._q(
            "INSERT INTO chains (chain, client_id, records, last_seq, last_hash, last_time)"
            " SELECT chain, MIN(client_id), COUNT(*), MAX(seq), '', '' FROM records GROUP BY chain"
        )
        self._q(
            "UPDATE chains SET last_hash = (SELECT hash FROM records r WHERE r.chain = chains.chain"
            " AND r.seq = chains.last_seq), last_time = (SELECT ts FROM records r WHERE r.chain = chains.chain"
            " AND r.seq = chains.last_seq)"
        )
        self._q("INSERT INTO chain_users (chain, username) SELECT DISTINCT chain, username FROM records")

    def chain_summaries(self) -> list[dict]:
        rows = self._q(
            "SELECT chain, client_id, records, last_seq, last_hash, last_time FROM chains ORDER BY client_id, chain"
        ).fetchall()
        users: dict[str, list[str]] = {}
        for chain, username in self._q(
            "SELECT chain, username FROM chain_users ORDER BY username"
        ).fetchall():
            users.setdefault(chain, []).append(username)
        names = ("chain", "client", "records", "last_seq", "last_hash", "last_time")
        return [{**dict(zip(names, r, strict=True)), "users": users.get(r[0], [])} for r in rows]

    def activity(self, filters: dict, top: int = 20) -> dict:
        """Sums of the activity summary under the overview's filters (equality on a column, since
        and until by whole UTC days): totals, per day, the `top` values of each dimension, top reasons."""
        clauses, args = [], []
        for column in summaries.FILTERS:
            if filters.get(column):
                clauses.append(f"{column} = ?")
                args.append(filters[column])
        if filters.get("since"):
            clauses.append("day >= ?")
            args.append(filters["since"][:10])
        if until := filters.get("until"):  # until is exclusive: midnight ends the day before
            clauses.append("day < ?" if until[11:19] in ("", "00:00:00") else "day <= ?")
            args.append(until[:10])
        where_sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sums = ", ".join(f"COALESCE(SUM({c}), 0)" for c in COUNTERS)
        out: dict = {}
        out["days"] = [
            (r[0], dict(zip(COUNTERS, (int(v) for v in r[1:]), strict=True)))
            for r in self._q(
                f"SELECT day, {sums} FROM activity{where_sql} GROUP BY day ORDER BY day",  # noqa: S608
                tuple(args),
            ).fetchall()
        ]
        out["totals"] = {c: sum(d[c] for _, d in out["days"]) for c in COUNTERS}
        for dim in ("cluster", "namespace", "username", "risk"):
            out[dim] = [
                (r[0], int(r[1]))
                for r in self._q(
                    f"SELECT {dim}, SUM(requests) FROM activity{where_sql} GROUP BY {dim}"  # noqa: S608
                    f" ORDER BY 2 DESC, 1 LIMIT {int(top)}",
                    tuple(args),
                ).fetchall()
            ]
        out["reasons"] = [
            (r[0], int(r[1]))
            for r in self._q(
                f"SELECT reason, SUM(n) FROM denial_reasons{where_sql} GROUP BY reason"  # noqa: S608
                " ORDER BY 2 DESC, 1 LIMIT 10",
                tuple(args),
            ).fetchall()
        ]
        return out


def _like_clause() -> tuple[str, Callable[[str], str]]:
    """Free text as a substring (LIKE): PostgreSQL, and searches too short for trigrams."""

    def like(t: str) -> str:
        return "%" + t.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    return "search LIKE ? ESCAPE '\\'", like


def _pg_words(text: str) -> str | None:
    """A tsquery every record containing `text` matches (SQL LIKE then checks the substring), or
    None when the text has no word to look up. Each word of the text must begin a word of the
    record (`'word':*`): a word after a separator begins one there too, and the text's last word
    may go on. The text's first word may start inside a record's word, so it is used only when it
    is the only one: then the search finds words from their start (`plic` does not find
    `replicas`; `repl` does)."""
    found = [(m.start(), m.group()[:_PG_WORD_MAX]) for m in re.finditer(r"[0-9a-z]+", text.lower())]
    words = [w for at, w in found if at > 0] or [w for _, w in found[:1]]
    return " & ".join(f"'{w}':*" for w in words) or None


class SqliteStore:
    kind = "sqlite"

    def __init__(self, path: str):
        import sqlite3

        from ..lean_imports import sqlite_utils as _sqlite_utils

        sqlite_utils = _sqlite_utils()

        self.path = path
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self._lock = threading.RLock()  # one connection shared by the server's threads
        self._migrate()

    def _migrate(self) -> None:
        db = self.db
        records = db["records"]
        if not records.exists():
            records.create(
                {
                    c: (bytes if c in ("leaf_hash", "body") else int if c in ("leaf_index", "seq") else str)
                    for c in COLUMNS
                },
                pk="leaf_index",
                not_null=set(COLUMNS) - NULLABLE,
            )
            records.create_index(["audit_id"], unique=True)
            records.create_index(["username", "ts"])
            records.create_index(["ts"])
            records.create_index(["namespace", "ts"])
        else:
            # Older stores: client ids were unique per seq; the chain column replaces that.
            db.execute("DROP INDEX IF EXISTS idx_records_client_id_seq")
            if "chain" not in records.columns_dict:
                db.execute("ALTER TABLE records ADD COLUMN chain TEXT")
        db.execute(CHAIN_BACKFILL)
        for statement in (*CHAIN_INDEXES, *FILTER_INDEXES):
            db.execute(statement)
        if not db["records_fts"].exists():  # stores made before the full-text index: fill it once
            db.execute(
                "CREATE VIRTUAL TABLE records_fts USING fts5(search, content='records',"
                " content_rowid='leaf_index', tokenize='trigram')"
            )
            db.execute("INSERT INTO records_fts (records_fts) VALUES ('rebuild')")
        # Stores made when a trigger filled the index: insert_records fills it now (the trigger
        # would index every record twice).
        db.execute("DROP TRIGGER IF EXISTS records_fts_insert")
        for statement in summaries.SCHEMA:
            db.execute(statement)
        if not db.execute("SELECT 1 FROM records LIMIT 1").fetchone():
            for statement in summaries.EMPTY_LOG:
                db.execute(statement)
        if not db["keys"].exists():
            db["keys"].create(
                {
                    "key_id": str,
                    "public_key": str,
                    "username": str,
                    "uid": str,
                    "groups": str,
                    "registered_at": str,
                },
                pk=("key_id", "username"),
            )
        if not db["checkpoints"].exists():
            db["checkpoints"].create(
                {"tree_size": int, "root_hash": str, "timestamp": str, "key_id": str, "signature": str},
                pk="tree_size",
            )

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(conn.cursor(), "?", full_text=True)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        with self._lock:
            yield Tx(self.db.conn.cursor(), "?", full_text=True)

    def ping(self) -> None:
        with self.read() as tx:
            tx.size()

    def close(self) -> None:
        self.db.conn.close()


class PostgresStore:
    kind = "postgresql"
    _LOCK_ID = 0x6B636861740000  # advisory lock serialising ingest across replicas

    def __init__(self, url: str):
        import psycopg

        self.url = url
        self._local = threading.local()
        self._psycopg = psycopg
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SELECT pg_advisory_lock(%s)", (self._LOCK_ID,))  # one migrator at a time
                try:
                    migration = [
                        *PG_SCHEMA.split(";"),
                        CHAIN_BACKFILL,
                        *CHAIN_INDEXES,
                        *FILTER_INDEXES,
                        *PG_FULL_TEXT,
                    ]
                    for statement in migration:
                        if statement.strip():
                            conn.execute(statement)
                    for statement in summaries.SCHEMA:
                        conn.execute(statement)
                    if conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None:
                        for statement in summaries.EMPTY_LOG:
                            conn.execute(statement)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (self._LOCK_ID,))
        except psycopg.Error as exc:
            raise StoreError(f"cannot use PostgreSQL store: {exc}".strip()) from exc

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._psycopg.connect(self.url)
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (self._LOCK_ID,))
            yield Tx(cur, "%s")

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            yield Tx(cur, "%s")

    def ping(self) -> None:
        with self.read() as tx:
            tx.size()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def open_store(url: str):
    """sqlite:///path/to/file.db or postgresql://user@host/db."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute/path.db
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise StoreError(
                f"no file in store URL {url!r}", hint="use sqlite:////var/lib/collector/audit.db"
            )
        return SqliteStore(path)
    if parsed.scheme in ("postgresql", "postgres"):
        return PostgresStore(url)
    raise StoreError(f"unknown store URL {url!r}", hint="use sqlite:///PATH or postgresql://USER@HOST/DB")
