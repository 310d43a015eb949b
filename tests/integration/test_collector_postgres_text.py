"""Free text on PostgreSQL: a generated tsvector column over the redacted search column with a GIN
index finds the candidates and LIKE checks the substring, so a search answers what the SQLite
store (FTS5 trigrams) answers; the planner uses the index for a rare word; a store made before
the column gets it when opened."""

import sys
from pathlib import Path

import pytest
from collector_support import make_service
from test_collector_postgres import fresh_db, postgres_url  # noqa: F401 - the PostgreSQL fixtures

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from dashboard_scale import BenchTokens, fill  # noqa: E402 - the bench's generated signed records
from test_collector_ingest import _ingest, _raw, _register, _trail  # noqa: E402

from kubechat.audit import RecordInput, UserInfo  # noqa: E402
from kubechat.collector.limits import Limits  # noqa: E402
from kubechat.collector.store import Tx, open_store  # noqa: E402

pytestmark = pytest.mark.integration

BULK = 10_000
REQUESTS = [
    "scale web to 3 in zanzibar",
    "scale web-12 to 7",
    "get pods --selector=app=Web",
    "describe deploy/replicas-api",
]
# Searches whose answer must be the same on both stores (substrings, any case, separators kept).
SAME = [
    "zanzibar",
    "ZANZIBAR",
    "web to 3",
    "eb to 3",
    "web-",
    "WEB",
    "=app=web",
    "replicas-a",
    "to 7",
    "=7",
    "api",
]


def _services(tmp_path, url):
    limits = Limits(records_per_second=1e9, burst=10**9)
    return [
        make_service(open_store(u), BenchTokens(), limits) for u in (f"sqlite:///{tmp_path / 'c.db'}", url)
    ]


def _requests(service, text):
    return sorted(item["request"] for item in service.query({"text": text}, limit=1000)["items"])


def _alice(service, trail):
    _register(service, trail, "tok-alice")
    assert {r["status"] for r in _ingest(service, _raw(trail))} == {"accepted"}


def test_text_search_answers_as_on_sqlite(fresh_db, tmp_path):  # noqa: F811
    trail = _trail(tmp_path, "alice")
    for request in REQUESTS:
        trail.record(RecordInput(user=UserInfo(username="alice"), request=request, verb="get"))
    sqlite, postgres = _services(tmp_path, fresh_db)
    for service in (sqlite, postgres):
        _alice(service, trail)
    for text in SAME:
        assert _requests(postgres, text) == _requests(sqlite, text), text
    assert _requests(postgres, "zanzibar") == ["scale web to 3 in zanzibar"]
    # one word is looked up from the start of the record's words
    assert _requests(postgres, "repl") == ["describe deploy/replicas-api"]
    assert _requests(postgres, "eplicas") == [] and _requests(sqlite, "eplicas") != []


def test_a_rare_word_is_found_through_the_gin_index(fresh_db, tmp_path):  # noqa: F811
    import psycopg

    (service,) = _services(tmp_path, fresh_db)[1:]
    fill(service, BULK)
    trail = _trail(tmp_path, "alice")
    trail.record(RecordInput(user=UserInfo(username="alice"), request="restart zanzibar", verb="get"))
    _alice(service, trail)
    assert _requests(service, "Zanzibar") == ["restart zanzibar"]

    class Capture:  # keeps the page's statement to ask the planner about it
        def execute(self, sql, args):
            self.sql, self.args = sql, args
            return self

        def fetchall(self):
            return []

    for filters in ({"text": "zanzibar"}, {"text": "zanzibar", "verb": "get"}):  # a quarter are gets
        capture = Capture()
        Tx(capture, "%s").query(filters, -1, 100)
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute("ANALYZE records")
            plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + capture.sql, capture.args).fetchall())
        assert "records_search_words" in plan, plan


def test_an_older_store_gets_the_column_and_index_when_opened(fresh_db, tmp_path):  # noqa: F811
    import psycopg

    trail = _trail(tmp_path, "alice")
    trail.record(RecordInput(user=UserInfo(username="alice"), request="cordon node-zulu", verb="get"))
    (service,) = _services(tmp_path, fresh_db)[1:]
    _alice(service, trail)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("ALTER TABLE records DROP COLUMN search_words")  # drops its index too
    (reopened,) = _services(tmp_path, fresh_db)[1:]
    assert _requests(reopened, "zulu") == ["cordon node-zulu"]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        indexes = [r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'records'")]
    assert any("gin (search_words)" in i for i in indexes), indexes
