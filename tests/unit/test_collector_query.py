"""Collector queries: indexes for every filter, time order with a (timestamp, leaf) cursor, and a
full-text index over the redacted search column (kept up to date and built for older stores)."""

import sqlite3

import pytest
from test_collector_ingest import _ingest, _raw, _register, _service, _trail

from kubechat.collector import store as store_module
from kubechat.collector.service import Refused
from kubechat.collector.store import COLUMNS, FEW_FILTERED, SqliteStore, Tx


def _fill(tmp_path, service, n):
    from kubechat.audit import RecordInput, UserInfo

    alice = _trail(tmp_path, "alice")
    _register(service, alice, "tok-alice")
    for i in range(n):
        alice.record(
            RecordInput(
                user=UserInfo(username="alice"),
                request=f"scale web to {i}",
                argv=["kubectl", "scale", "deploy/web", f"--replicas={i}", "-n", "prod"],
                verb="scale",
                risk="write",
                object_ref={"namespace": "prod"},
            )
        )
    assert {r["status"] for r in _ingest(service, _raw(alice))} == {"accepted"}
    return alice


class _Capture:
    """A cursor that keeps the statements it is given; a count finds `filtered` records."""

    def __init__(self, filtered: int = 0):
        self.statements: list[tuple[str, tuple]] = []
        self.filtered = filtered

    def execute(self, sql, args):
        self.statements.append((sql, args))
        return self

    def fetchall(self):
        return []

    def fetchone(self):
        return (min(self.filtered, self.statements[-1][1][-1]),)  # the count stops at its LIMIT

    def plan(self, store: SqliteStore) -> str:
        """The plan of the last statement."""
        sql, args = self.statements[-1]
        return " | ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())


def _plan(store: SqliteStore, filters: dict, filtered: int = 0) -> str:
    """The plan of the page's query; `filtered` records pass the filters other than text."""
    cursor = _Capture(filtered)
    Tx(cursor, "?", full_text=True).query(filters, -1, 100)
    return cursor.plan(store)


@pytest.mark.parametrize(
    "filters, index",
    [
        ({"since": "2026-01-01T00:00:00Z", "until": "2026-01-02T00:00:00Z"}, "idx_records_ts"),
        ({"username": "alice"}, "idx_records_username_ts"),
        ({"namespace": "prod", "since": "2026-01-01T00:00:00Z"}, "idx_records_namespace_ts"),
        ({"verb": "scale"}, "records_verb"),
        ({"risk": "write"}, "records_risk"),
        ({"decision": "deny"}, "records_decision"),
    ],
)
def test_each_filter_walks_its_index_in_time_order(tmp_path, filters, index):
    store = SqliteStore(str(tmp_path / "c.db"))
    plan = _plan(store, filters)
    assert index in plan and "TEMP B-TREE" not in plan, plan  # no sort, no scan of the whole log


USER_DAY = {"username": "alice", "since": "2026-01-01T00:00:00Z"}


@pytest.mark.parametrize("filters", [{"text": "replicas=7"}, {"text": "replicas=7", **USER_DAY}])
def test_free_text_walks_the_full_text_index_without_sorting_its_matches(tmp_path, filters):
    store = SqliteStore(str(tmp_path / "c.db"))
    plan = _plan(store, filters, filtered=FEW_FILTERED + 1)
    # the full-text index drives, in its own (rowid) order: a page never sorts every match
    assert plan.startswith("SCAN records_fts VIRTUAL TABLE") and "TEMP B-TREE" not in plan, plan


def test_free_text_behind_selective_filters_reads_only_what_they_let_through(tmp_path):
    store = SqliteStore(str(tmp_path / "c.db"))
    plan = _plan(store, {"text": "replicas=7", **USER_DAY}, filtered=FEW_FILTERED)
    # the user's index drives (the few records it lets through are put in log order)
    assert plan.startswith("SEARCH records USING INDEX idx_records_username_ts"), plan
    assert "records_fts" not in plan, plan


def _many_matches(store: SqliteStore, n: int) -> dict[int, dict]:
    """n records whose timestamps run against log order now and then (late clients); every third
    is bob's, every fifth does not match "web"."""
    rows = {}
    with store.write() as tx:
        for leaf in range(n):
            row = {c: None for c in COLUMNS} | {
                "leaf_index": leaf,
                "audit_id": f"a-{leaf}",
                "client_id": "c",
                "chain": "c:k",
                "seq": leaf + 1,
                "hash": f"h-{leaf}",
                "leaf_hash": b"x",
                "key_id": "k",
                "next_key": "k",
                "username": "bob" if leaf % 3 == 0 else "alice",
                "ts": f"2026-01-01T00:{(leaf * 7) % 60:02d}:{leaf % 60:02d}Z",
                "search": f"scale api to {leaf}" if leaf % 5 == 0 else f"scale web-{leaf} to {leaf}",
                "body": b"{}",
            }
            tx.insert_records([row])
            rows[leaf] = row
    return rows


@pytest.mark.parametrize("few", [FEW_FILTERED, 0, 100])  # filters read by index; FTS walk; by turns
@pytest.mark.parametrize("filters", [{"text": "WEB"}, {"text": "web-", "username": "bob"}])
def test_text_search_pages_skip_and_repeat_nothing(tmp_path, monkeypatch, filters, few):
    monkeypatch.setattr(store_module, "FEW_FILTERED", few)
    store = SqliteStore(str(tmp_path / "c.db"))
    rows = _many_matches(store, 400)
    expected = [
        leaf
        for leaf, row in rows.items()
        if "web" in row["search"] and filters.get("username", row["username"]) == row["username"]
    ]
    seen, after = [], (None, -1)
    while True:
        with store.read() as tx:
            page = [leaf for leaf, _, _ in tx.query(filters, after, 13)]
        seen += page
        if len(page) < 13:
            break
        after = (rows[page[-1]]["ts"], page[-1])  # the cursor a filtered page hands out
    assert seen == expected  # log order: every match once, none skipped


def test_filtered_pages_follow_time_order_and_text_is_a_substring(tmp_path):
    service = _service(tmp_path)
    _fill(tmp_path, service, 25)
    seen, after = [], -1
    while True:
        page = service.query({"username": "alice"}, after, 10)
        seen += [(item["requestReceivedTimestamp"], item["leafIndex"]) for item in page["items"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == sorted(seen) and len(seen) == 25
    hits = service.query({"text": "REPLICAS=7"})["items"]  # case does not matter, = is kept
    assert [item["argv"][3] for item in hits] == ["--replicas=7"]
    assert len(service.query({"text": "=1"})["items"]) == 11  # short text: still a substring
    assert [i["leafIndex"] for i in service.query({}, 20, 100)["items"]] == [21, 22, 23, 24]
    with pytest.raises(Refused) as exc:
        service.query({"username": "alice"}, "yesterday,x")
    assert exc.value.status == 400


def test_an_older_store_gets_its_full_text_index_built(tmp_path):
    service = _service(tmp_path)
    _fill(tmp_path, service, 5)
    service.store.close()
    db = sqlite3.connect(tmp_path / "c.db")  # as a store from before the index looked
    db.executescript("DROP TABLE records_fts;")
    db.close()
    reopened = _service(tmp_path)
    assert [i["request"] for i in reopened.query({"text": "web to 3"})["items"]] == ["scale web to 3"]


def test_a_store_whose_trigger_filled_the_index_indexes_each_record_once(tmp_path):
    from kubechat.audit import RecordInput, UserInfo

    service = _service(tmp_path)
    alice = _fill(tmp_path, service, 2)
    service.store.close()
    db = sqlite3.connect(tmp_path / "c.db")  # as stores made when a trigger filled the index
    db.execute(
        "CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN"
        " INSERT INTO records_fts (rowid, search) VALUES (new.leaf_index, new.search); END"
    )
    db.close()
    reopened = _service(tmp_path)
    alice.record(RecordInput(user=UserInfo(username="alice"), request="scale web to 7", verb="scale"))
    assert [r["status"] for r in _ingest(reopened, _raw(alice))] == ["duplicate", "duplicate", "accepted"]
    assert [i["request"] for i in reopened.query({"text": "web to 7"})["items"]] == ["scale web to 7"]
    indexed = reopened.store.db.execute("SELECT COUNT(*) FROM records_fts WHERE records_fts MATCH 'web'")
    assert indexed.fetchone()[0] == 3
    reopened.store.db.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
    # ingest fills the index with one statement a batch; the trigger would index each record again
    assert not reopened.store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()


def test_a_records_predecessor_is_found_by_client_and_sequence(tmp_path):
    service = _service(tmp_path)
    _fill(tmp_path, service, 3)
    cursor = _Capture()
    Tx(cursor, "?").chain_link("client", 2, "ab" * 32)
    plan = cursor.plan(service.store)
    assert "USING INDEX records_client_seq (client_id=? AND seq=?)" in plan, plan
    indexes = {
        row[0] for row in service.store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert "records_link" not in indexes  # the hash index it replaces is gone, in older stores too
