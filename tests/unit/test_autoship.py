"""Automatic shipping's own logic: backoff, the one-shipper lock, the backlog, status and the
backlog warning (the detached process and a real collector: tests/integration)."""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kubechat.audit import AuditTrail, RecordInput, UserInfo, autoship, locate, status
from kubechat.kubectl_options import KubectlOptions


def _record(trail: AuditTrail, ago: timedelta = timedelta(0)) -> None:
    trail.record(
        RecordInput(
            user=UserInfo(username="alice"),
            request="get pods",
            verb="get",
            received_at=(datetime.now(UTC) - ago).isoformat(),
        )
    )


@pytest.fixture
def spool(tmp_path) -> Path:
    return tmp_path / "spool.db"


# -- backoff -----------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_with_jitter_and_stops_at_the_give_up_time():
    top = list(autoship.backoff_delays(1000, base=1, cap=8, rand=lambda: 0.999999))
    assert [round(d) for d in top[:5]] == [1, 2, 4, 8, 8]
    low = list(autoship.backoff_delays(1000, base=1, cap=8, rand=lambda: 0.0))
    assert low[:4] == [0.5, 1.0, 2.0, 4.0]  # never less than half the nominal delay
    assert sum(top) <= 1000 and sum(top) > 1000 - 8
    assert list(autoship.backoff_delays(0.1, base=1)) == []


# -- the lock ----------------------------------------------------------------------------------


def test_one_shipper_per_spool(spool):
    first = autoship.try_lock(spool)
    assert first is not None
    assert autoship.try_lock(spool) is None
    autoship.unlock(first)
    again = autoship.try_lock(spool)
    assert again is not None
    autoship.unlock(again)


def test_kick_starts_nothing_while_a_shipper_holds_the_lock(spool, monkeypatch):
    started = []
    monkeypatch.setattr(autoship, "_spawn", lambda argv, fd: started.append(argv))
    held = autoship.try_lock(spool)
    try:
        assert autoship.kick(KubectlOptions(), spool=spool) is False
    finally:
        autoship.unlock(held)
    assert autoship.kick(KubectlOptions(), offline=True, spool=spool) is False
    assert started == []
    assert autoship.kick(KubectlOptions(context="prod"), spool=spool) is True
    argv = started[0]
    assert argv[-2:] == ["--context", "prod"] and str(spool) in argv


def test_kick_never_raises(spool, monkeypatch):
    def broken(*a, **k):
        raise OSError("no processes left")

    monkeypatch.setattr(autoship.os, "posix_spawn", broken)
    assert autoship.kick(KubectlOptions(), spool=spool) is False


def test_shipper_looks_again_after_letting_the_lock_go(spool, monkeypatch):
    """A run that found the lock taken relies on the shipper seeing its record before it exits."""
    trail = AuditTrail(spool_path=spool)
    _record(trail)
    passes = []

    def ship_once(path, options):
        passes.append(autoship.backlog(path)[0])
        if len(passes) == 1:
            # shipped everything it saw, then a run committed a record and found the lock taken
            trail.spool.mark_shipped([r.auditID for r in trail.spool.records()], "t")
            _record(trail)
        else:
            trail.spool.mark_shipped([r.auditID for r in trail.spool.records()], "t")
        return True, False

    monkeypatch.setattr(autoship, "ship_once", ship_once)
    autoship.run_shipper(spool, KubectlOptions(), give_up_s=0)
    assert passes == [1, 1] and autoship.backlog(spool)[0] == 0
    assert autoship.try_lock(spool) is not None  # and the lock is free again


def test_shipper_retries_with_backoff_then_gives_up(spool, monkeypatch):
    calls, waits = [], []
    monkeypatch.setattr(autoship, "ship_once", lambda p, o: calls.append(1) or (False, True))
    autoship.run_shipper(spool, KubectlOptions(), give_up_s=10, sleep=waits.append)
    assert len(calls) == len(waits) > 2 and sum(waits) <= 10
    assert waits[0] == 0.0 and waits[1] < 1 < max(waits)  # first at once, then growing


def test_shipper_stops_at_once_on_what_retrying_cannot_fix(spool, monkeypatch):
    calls = []
    monkeypatch.setattr(autoship, "ship_once", lambda p, o: calls.append(1) or (False, False))
    autoship.run_shipper(spool, KubectlOptions(), give_up_s=600, sleep=lambda s: None)
    assert calls == [1]


# -- backlog, status, warning ------------------------------------------------------------------


def test_backlog_counts_unshipped_records_and_the_oldest_age(spool):
    assert autoship.backlog(spool) == (0, None) and autoship.backlog_age_s(spool) == 0
    trail = AuditTrail(spool_path=spool)
    _record(trail, timedelta(hours=3))
    _record(trail)
    count, oldest = autoship.backlog(spool)
    assert count == 2 and 3 * 3600 - 5 <= autoship.backlog_age_s(spool) <= 3 * 3600 + 5
    trail.spool.mark_shipped([next(trail.spool.records()).auditID], "t")
    assert autoship.backlog(spool)[0] == 1 and autoship.backlog_age_s(spool) < 60


def test_unreadable_spool_has_an_unknown_backlog(tmp_path):
    bad = tmp_path / "spool.db"
    bad.write_bytes(b"not a database" * 100)
    assert autoship.backlog_age_s(bad) is None


def test_status_names_the_collector_and_where_it_came_from(spool, monkeypatch):
    monkeypatch.setenv(locate.COLLECTOR_ENV, "https://audit.example:8443")
    trail = AuditTrail(spool_path=spool)
    _record(trail, timedelta(hours=2))
    autoship._write_state(spool, last_success="2030-01-01T00:00:00Z", last_error="HTTP 503")
    data = status.status(KubectlOptions(kubeconfig=str(spool.parent / "none")), spool=spool)
    assert data["collector"] == {"url": "https://audit.example:8443", "source": "env", "server": None}
    assert data["pending"] == 1 and data["oldestPendingAgeSeconds"] >= 7200
    assert data["lastSuccess"] == "2030-01-01T00:00:00Z" and data["lastError"] == "HTTP 503"
    text = status.describe(data)
    assert "https://audit.example:8443 (env)" in text and "oldest 2h old" in text


def test_config_names_the_collector_when_the_environment_does_not(monkeypatch, isolated_home):
    monkeypatch.delenv(locate.COLLECTOR_ENV, raising=False)
    cfg = isolated_home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("audit:\n  collector: {url: https://c.example, ca_file: /etc/ca.crt, key: KEY}\n")
    assert locate.configured() == locate.Collector("https://c.example", "config", "/etc/ca.crt", "KEY")
    monkeypatch.setenv(locate.COLLECTOR_ENV, "https://env.example")
    assert locate.configured().source == "env"


def test_discovery_cache_is_per_api_server_and_expires(monkeypatch):
    found = locate.Collector("https://c.example", "discovered", None, "KEY", "https://api-a:6443")
    locate._store("https://api-a:6443", found, 60)
    locate._store("https://api-b:6443", None, 60)
    assert locate.cached("https://api-a:6443") == (True, found)
    assert locate.cached("https://api-b:6443") == (True, None)
    assert locate.cached("https://api-c:6443") == (False, None)
    locate._store("https://api-a:6443", found, -1)
    assert locate.cached("https://api-a:6443") == (False, None)


def test_warning_once_per_interval_only_when_records_are_too_old(spool, isolated_home):
    cfg = isolated_home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("audit:\n  warn_pending_after: 1h\n  warn_every: 8h\n")
    trail = AuditTrail(spool_path=spool)
    _record(trail, timedelta(minutes=30))
    lines = []
    after, every = autoship.warn_limits()  # the shipper keeps them in its state for the runs
    autoship._write_state(spool, collector={"url": "https://c"}, warn_after_s=after, warn_every_s=every)
    assert not autoship._maybe_warn(spool, lines.append)  # 30 minutes: within the limit
    _record(trail, timedelta(hours=5))  # a request received 5h ago (recorded late)
    now = datetime.now(UTC).timestamp()
    assert autoship._maybe_warn(spool, lines.append, now)
    assert len(lines) == 1 and "2 audit records have not reached the collector for 5h" in lines[0]
    assert not autoship._maybe_warn(spool, lines.append, now + 3600)  # not every run
    assert autoship._maybe_warn(spool, lines.append, now + 9 * 3600)  # after the interval again
    assert len(lines) == 2


def test_no_warning_without_a_collector(spool):
    trail = AuditTrail(spool_path=spool)
    _record(trail, timedelta(days=30))
    lines = []
    assert not autoship._maybe_warn(spool, lines.append)
    assert lines == []


def test_duration_settings(isolated_home):
    assert autoship._duration_setting({"x": "36h"}, "x", 1) == 36 * 3600
    assert autoship._duration_setting({"x": 90}, "x", 1) == 90
    assert autoship._duration_setting({}, "x", 7) == 7


def test_policy_input_carries_the_backlog_age(isolated_home):
    from kubechat.safety.policy import build_input

    assert build_input(["get", "pods"]).audit_backlog_s == 0
    trail = AuditTrail()
    _record(trail, timedelta(hours=2))
    assert build_input(["get", "pods"]).audit_backlog_s >= 7200
    assert build_input(["get", "pods"], audit_backlog_s=5).audit_backlog_s == 5


def test_state_file_is_json(spool):
    autoship._write_state(spool, last_error="x")
    autoship._write_state(spool, last_success="y")
    assert json.loads(autoship.state_path(spool).read_text()) == {"last_error": "x", "last_success": "y"}
    assert not [p for p in os.listdir(spool.parent) if p.endswith(".tmp")]


def test_warning_prints_no_escape_codes_from_the_collector(spool):
    trail = AuditTrail(spool_path=spool)
    _record(trail, timedelta(days=2))
    hostile = "refused\x1b[2J\x1b]0;owned\x07\nkubectl chat: all records shipped\u202e" + "A" * 5000
    autoship._write_state(spool, collector={"url": "https://c"}, last_error=hostile)
    lines = []
    assert autoship._maybe_warn(spool, lines.append)
    assert (
        "refused" in lines[0] and "\x1b" not in lines[0] and "\n" not in lines[0] and "\u202e" not in lines[0]
    )
    assert len(lines[0]) < 400


def test_status_never_prints_a_stored_error_raw():
    from kubechat.audit.status import describe

    text = describe(
        {"collector": None, "pending": 0, "lastSuccess": None, "lastError": "x \x1b]0;owned\x07\x1b[2J y"}
    )
    assert "\x1b" not in text and "\x07" not in text and "x" in text
