"""kill -9 at any moment loses nothing: not while writing records, not while shipping them."""

import os
import signal
import subprocess
import sys
import time

import pytest
from collector_support import make_service, running

from kubechat.audit import AuditTrail
from kubechat.collector.store import open_store

WRITER = """
import sys
from kubechat.audit import AuditTrail, RecordInput, UserInfo
trail = AuditTrail()
i = 0
while True:
    r = trail.record(RecordInput(user=UserInfo(username="alice"), request=f"get pods {i}",
                                 argv=["kubectl", "get", "pods", "--token=t0ps3cret"], output="x" * 2000))
    print("DONE", r.auditID, flush=True)  # the command is reported done only after this
    i += 1
"""

SHIPPER = """
import sys
from kubechat.audit import AuditTrail
print("SHIPPING", flush=True)
result = AuditTrail().ship_pending(sys.argv[1], token="tok-alice", ca_file=sys.argv[2], batch_size=5)
print(result.describe(), flush=True)
"""


def _spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )


@pytest.mark.parametrize("after_records", [1, 37, 150])
def test_kill_mid_write_loses_no_reported_record(after_records):
    reported: list[str] = []
    for round_ in range(2):  # a second writer continues the same chain after the crash
        proc = _spawn(WRITER)
        target = after_records * (round_ + 1)
        while len(reported) < target:
            line = proc.stdout.readline()
            assert line, "writer died early"
            reported.append(line.split()[1])
        proc.send_signal(signal.SIGKILL)  # mid-way through the next record
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
    trail = AuditTrail()
    stored = [r.auditID for r in trail.spool.records()]
    assert set(reported) <= set(stored)
    assert len(stored) - len(reported) <= 2  # at most the record in flight when each kill landed
    result = trail.verify()
    assert result.ok, result.describe()
    assert b"t0ps3cret" not in b"".join(trail.spool.raw_records())


def test_kill_mid_ship_then_resume_delivers_each_record_once(tmp_path):
    trail = AuditTrail()
    writer = _spawn(WRITER)
    count = 0
    while count < 300:
        assert writer.stdout.readline()
        count += 1
    writer.send_signal(signal.SIGKILL)
    writer.wait(10)
    total = trail.spool.count()

    service = make_service(open_store(f"sqlite:///{tmp_path / 'c.db'}"))
    with running(service, tmp_path) as (url, ca):
        shipper = _spawn(SHIPPER, url, ca)
        assert shipper.stdout.readline().startswith("SHIPPING")
        deadline = time.monotonic() + 60
        while service.checkpoint()["treeSize"] < 40:  # well into the batches
            assert time.monotonic() < deadline and shipper.poll() is None, "shipper finished before the kill"
            time.sleep(0.01)
        shipper.send_signal(signal.SIGKILL)
        shipper.wait(10)
        at_kill = service.checkpoint()["treeSize"]
        assert 0 < at_kill < total
        result = trail.ship_pending(url, token="tok-alice", ca_file=ca, batch_size=50)
        assert result.ok, result.describe()
        assert result.pending == 0
        assert service.checkpoint()["treeSize"] == total  # everything, and nothing twice
        page = service.query({}, limit=1000)
    assert sorted(i["auditID"] for i in page["items"]) == sorted(r.auditID for r in trail.spool.records())
