"""Dashboard exports stream: 20,000 signed records ingested into a real SQLite store, exported
through the collector's HTTPS app (uvicorn) in every format, come back complete and byte for byte
what the export writer makes of the same records, while the process never holds the export whole
(tracemalloc's peak stays under a bound that building the body in memory exceeds)."""

import io
import ssl
import sys
import tracemalloc
from pathlib import Path

import httpx
import pytest
from collector_support import make_service, running

from kubechat.collector.dashboard import data
from kubechat.collector.limits import Limits
from kubechat.collector.store import open_store
from kubechat.ledger import formats
from kubechat.ledger.filters import Filters

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from dashboard_scale import BenchTokens, fill, login  # noqa: E402 - the bench's generated signed records

RECORDS = 20_000
# Bytes traced at the peak of one JSON-lines export of RECORDS records (24 MiB of text): streamed,
# a page of records is held (5.4 MiB measured); a body built in memory first held 88.6 MiB.
PEAK_BOUND = 12 * 2**20


@pytest.fixture(scope="module")
def collector(tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    store = open_store(f"sqlite:///{d / 'c.db'}")
    service = make_service(store, BenchTokens(), limits=Limits(records_per_second=1e9, burst=10**9))
    fill(service, RECORDS)
    with running(service, d / "tls") as (url, ca):
        with httpx.Client(
            base_url=url, verify=ssl.create_default_context(cafile=ca), timeout=120, follow_redirects=True
        ) as client:
            login(client)
            yield service, client
    store.close()


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_every_format_exports_every_record_as_the_writer_does(collector, fmt):
    service, client = collector
    expected = io.StringIO()
    written = formats.export((row.record for row in data.walk(service, Filters())), fmt, expected)
    assert written == RECORDS
    with client.stream("GET", f"/ui/evidence/export.{fmt}") as resp:
        assert resp.status_code == 200 and "attachment" in resp.headers["content-disposition"]
        body = b"".join(resp.iter_bytes())
    assert body.decode() == expected.getvalue()
    assert body.count(b"\n") == RECORDS + (fmt == "csv")  # one line a record (CSV: and its header)


def test_a_filtered_export_holds_only_its_records(collector):
    _, client = collector
    with client.stream("GET", "/ui/evidence/export.json", params={"username": "user-03"}) as resp:
        lines = b"".join(resp.iter_bytes()).splitlines()
    assert len(lines) == RECORDS // 25 and all(b'"username": "user-03"' in line for line in lines)


def test_an_export_is_never_held_whole(collector):
    _, client = collector
    received = 0
    tracemalloc.start()
    try:
        with client.stream("GET", "/ui/evidence/export.json") as resp:
            for chunk in resp.iter_bytes():
                received += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received > PEAK_BOUND  # the export itself is larger than the bound
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB traced for a {received / 2**20:.1f} MiB export"
