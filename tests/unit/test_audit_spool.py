"""The spool fails closed when it cannot be written, and keeps one chain across writers."""

import sqlite3
import threading

import pytest

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.audit.spool import Spool
from kubechat.errors import AuditError

USER = UserInfo(username="alice")


def test_unwritable_spool_raises_audit_error(tmp_path):
    blocker = tmp_path / "spool.db"
    blocker.mkdir()  # a directory where the database file should be
    with pytest.raises(AuditError) as exc:
        AuditTrail(spool_path=blocker).record(RecordInput(user=USER))
    assert "audit spool" in exc.value.message and "not run" in exc.value.hint


def test_failed_insert_leaves_no_partial_record(tmp_path):
    trail = AuditTrail(spool_path=tmp_path / "s.db")
    first = trail.record(RecordInput(user=USER, request="one"))
    other = sqlite3.connect(tmp_path / "s.db")
    other.execute(
        "CREATE TRIGGER no_more BEFORE INSERT ON records BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    other.commit()
    with pytest.raises(AuditError):
        trail.record(RecordInput(user=USER, request="two"))
    other.execute("DROP TRIGGER no_more")
    other.commit()
    after = trail.record(RecordInput(user=USER, request="three"))
    assert after.seq == 2 and after.prevHash == first.hash()
    assert trail.verify().ok


def test_spool_file_is_private(tmp_path):
    spool = Spool(tmp_path / "audit" / "spool.db")
    assert (spool.path.stat().st_mode & 0o777) == 0o600
    assert (spool.path.parent.stat().st_mode & 0o777) == 0o700


def test_two_writers_share_one_unbroken_chain(tmp_path):
    path = tmp_path / "s.db"
    trails = [AuditTrail(spool_path=path), AuditTrail(spool_path=path)]

    def write(trail, n):
        for i in range(n):
            trail.record(RecordInput(user=USER, request=f"r{i}"))

    threads = [threading.Thread(target=write, args=(t, 20)) for t in trails]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = trails[0].verify()
    assert result.ok and result.count == 40


def test_preflight_fails_closed_before_the_command(tmp_path):
    trail = AuditTrail(spool_path=tmp_path / "s.db")
    trail.preflight()  # fine: room reserved and given back, no record
    assert trail.spool.count() == 0 and trail.spool.reservations() == []
    other = sqlite3.connect(tmp_path / "s.db")
    other.execute(
        "CREATE TRIGGER ro BEFORE INSERT ON reservations BEGIN SELECT RAISE(ABORT, 'read-only'); END"
    )
    other.commit()
    with pytest.raises(AuditError):
        trail.preflight()
    other.execute("DROP TRIGGER ro")
    other.commit()
    key = trail.keys.dir / f"{trail.keys.current_id()}.key"
    key.unlink()
    with pytest.raises(AuditError) as exc:
        trail.preflight()
    assert "missing" in exc.value.message
