"""The local OPA sidecar does not linger (real opa): its watchdog ends it after the idle time, a run
that uses it starts the idle time again, a deleted state directory ends it at once, and the
watchdog never holds the starter's lock."""

import fcntl
import shutil
import time

import pytest

from kubechat import paths
from kubechat.safety import sidecar
from kubechat.safety.sidecar_watch import _alive

pytestmark = pytest.mark.integration


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_an_unused_sidecar_ends_after_its_idle_time(monkeypatch):
    monkeypatch.setenv("KUBECHAT_OPA_IDLE_SECONDS", "1.5")
    state = sidecar.ensure_running()
    assert _alive(state.pid)
    assert gone_within(state.pid, 8)
    # its state goes with it (the watchdog removes it just after the process ends)
    deadline = time.monotonic() + 5
    while sidecar.read_state() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sidecar.read_state() is None
    again = sidecar.ensure_running()
    assert again.pid != state.pid and _alive(again.pid)


def test_each_use_starts_the_idle_time_again(monkeypatch):
    monkeypatch.setenv("KUBECHAT_OPA_IDLE_SECONDS", "2")
    state = sidecar.ensure_running()
    for _ in range(6):  # 4.2 s of use, twice the idle time
        time.sleep(0.7)
        assert sidecar.ensure_running().pid == state.pid
    assert _alive(state.pid)
    assert gone_within(state.pid, 8)


def test_a_deleted_state_directory_ends_it_and_the_lock_is_free(monkeypatch):
    monkeypatch.setenv("KUBECHAT_OPA_IDLE_SECONDS", "600")
    state = sidecar.ensure_running()
    with open(paths.state_dir() / "opa-sidecar.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the watchdog kept it
    shutil.rmtree(paths.state_dir())
    assert gone_within(state.pid, 8)
