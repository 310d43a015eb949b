"""Summaries kept at ingest, so the dashboard never decrypts a whole range: activity counts per
UTC day and per value of every overview filter, denial reasons (redacted) the same way, and each
client chain's length and head. Written in the ingest transaction, so they always match the log."""

from __future__ import annotations

from collections import Counter

from ..ledger.record import Record
from ..ledger.report import denial_reasons, is_denied

# One row of `activity` per combination of these; the overview filters on all but the day.
KEYS = ("day", "cluster", "namespace", "username", "risk", "verb", "decision", "stage")
COUNTERS = (
    "requests",
    "commands",
    "writes",
    "destructive",
    "denied",
    "confirmed",
    "policy_denied",
    "rbac_denied",
)
FILTERS = KEYS[2:]  # the equality filters answered from the summary

_KEY_DDL = ", ".join(f"{k} TEXT NOT NULL" for k in KEYS)
_PK = ", ".join(KEYS)
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS activity ({_KEY_DDL}, "
    + ", ".join(f"{c} BIGINT NOT NULL" for c in COUNTERS)
    + f", PRIMARY KEY ({_PK}))",
    f"CREATE TABLE IF NOT EXISTS denial_reasons ({_KEY_DDL}, reason TEXT NOT NULL, n BIGINT NOT NULL,"
    f" PRIMARY KEY ({_PK}, reason))",
    "CREATE TABLE IF NOT EXISTS chains (chain TEXT PRIMARY KEY, client_id TEXT NOT NULL, records BIGINT NOT NULL,"
    " last_seq BIGINT NOT NULL, last_hash TEXT NOT NULL, last_time TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS chain_users (chain TEXT NOT NULL, username TEXT NOT NULL,"
    " PRIMARY KEY (chain, username))",
    # A row here says the summaries cover the whole log; a store made before them has none until
    # the collector has built them once from the records (see CollectorService.build_summaries).
    "CREATE TABLE IF NOT EXISTS summaries (name TEXT PRIMARY KEY)",
)
BUILT = "v1"
TABLES = ("activity", "denial_reasons", "chains", "chain_users")
# An empty log has empty summaries, and they cover it (whatever a dropped log left behind).
EMPTY_LOG = (
    *(f"DELETE FROM {table}" for table in TABLES),
    f"INSERT INTO summaries (name) VALUES ('{BUILT}') ON CONFLICT (name) DO NOTHING",
)


def cluster_label(record: Record) -> str:
    return record.cluster.name or record.cluster.server or "(none)"


def facts(record: Record) -> tuple[tuple[str, ...], Counter, list[str]]:
    """(summary key, counters, denial reasons) of one record. Reasons are redacted like the
    search column: they are kept in clear."""
    key = (
        record.requestReceivedTimestamp[:10],
        cluster_label(record),
        record.objectRef.namespace or "",
        record.user.username,
        record.risk or "",
        record.verb or "",
        record.policy.decision or "",
        record.stage or "",
    )
    denied = is_denied(record)
    counts = Counter(
        requests=1,
        commands=int(record.responseStatus.code is not None),  # kubectl ran and gave an exit code
        writes=int(record.risk == "write"),
        destructive=int(record.risk == "destructive"),
        denied=int(denied),
        confirmed=int(record.confirmation != "none"),
        policy_denied=int(record.policy.decision == "deny"),
        rbac_denied=int(record.rbac.allowed is False),
    )
    reasons = denial_reasons(record) if denied else []  # the same reasons the PDF report counts
    return key, counts, reasons


class Rollup:
    """What one batch adds to the summaries, summed before it is written (one upsert per key)."""

    def __init__(self):
        self.activity: dict[tuple, Counter] = {}
        self.reasons: Counter = Counter()
        self.chains: dict[str, dict] = {}
        self.users: set[tuple[str, str]] = set()

    def add(self, record: Record) -> None:
        key, counts, reasons = facts(record)
        self.activity.setdefault(key, Counter()).update(counts)
        for reason in reasons:
            self.reasons[(*key, reason)] += 1

    def add_chain(self, chain: str, client_id: str, seq: int, digest: str, ts: str, username: str) -> None:
        c = self.chains.setdefault(chain, {"client_id": client_id, "records": 0, "last_seq": 0})
        c["records"] += 1
        if seq >= c["last_seq"]:
            c.update(last_seq=seq, last_hash=digest, last_time=ts)
        self.users.add((chain, username))
