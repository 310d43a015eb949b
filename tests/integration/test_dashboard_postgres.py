"""The dashboard's summaries on a real PostgreSQL server: kept at ingest, built once for a store
made before them, and emptied with the log (the same SQL as on SQLite)."""

import sys
from pathlib import Path

from collector_support import make_service
from test_collector_postgres import fresh_db, postgres_url  # noqa: F401 - the PostgreSQL fixtures

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_collector_ingest import _ingest, _raw, _register, _trail  # noqa: E402
from test_dashboard_summaries import _all, _inputs, _reference, _seen  # noqa: E402

from kubechat.collector.dashboard import data  # noqa: E402
from kubechat.collector.store import open_store  # noqa: E402
from kubechat.ledger.filters import Filters  # noqa: E402


def test_summaries_on_postgres(fresh_db, tmp_path):  # noqa: F811
    import psycopg

    service = make_service(open_store(fresh_db))
    trail = _trail(tmp_path, "alice")
    _register(service, trail, "tok-alice")
    for inp in _inputs("alice"):
        trail.record(inp)
    assert {r["status"] for r in _ingest(service, _raw(trail))} == {"accepted"}
    view = _seen(data.overview(service, Filters()))
    assert view == _reference(_all(service))
    assert _seen(data.overview(service, Filters(risk="write"))) == _reference(
        _all(service, Filters(risk="write"))
    )
    with service.store.read() as tx:
        chains = tx.chain_summaries()
    assert [(c["users"], c["records"], c["last_seq"]) for c in chains] == [(["alice"], 4, 4)]

    with psycopg.connect(fresh_db, autocommit=True) as conn:  # a store from before the summaries
        for table in ("activity", "denial_reasons", "chains", "chain_users", "summaries"):
            conn.execute(f"DROP TABLE {table}")
    again = make_service(open_store(fresh_db))
    assert _seen(data.overview(again, Filters())) == view
    with again.store.read() as tx:
        assert tx.chain_summaries() == chains

    with psycopg.connect(fresh_db, autocommit=True) as conn:  # the log dropped: summaries go too
        conn.execute("DROP TABLE records")
    empty = make_service(open_store(fresh_db))
    assert data.overview(empty, Filters()).totals["requests"] == 0
    with empty.store.read() as tx:
        assert tx.chain_summaries() == []
