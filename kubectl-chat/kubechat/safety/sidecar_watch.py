"""The local OPA sidecar's watchdog: the sidecar is the one process allowed to outlive a run, and
it must not linger. A small process forked when the sidecar starts ends it when nobody has used it
for a while (each run that reuses it touches its state file), when its state file or directory
goes away (a deleted home, `policy stop`), or exits by itself once the sidecar is gone or replaced.

Forked rather than started as `python -m …`: a frozen (PyInstaller) build has no interpreter to
start, and the watchdog needs nothing but the standard library."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

DEFAULT_IDLE_S = 15 * 60


def idle_seconds() -> float:
    """KUBECHAT_OPA_IDLE_SECONDS (a positive number), else 15 minutes."""
    raw = os.environ.get("KUBECHAT_OPA_IDLE_SECONDS", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_IDLE_S
    return value if value > 0 else DEFAULT_IDLE_S


def mark_used(state_file: Path) -> None:
    """A run used the sidecar: its idle time starts again."""
    try:
        os.utime(state_file)
    except OSError:
        pass


def start(pid: int, state_file: Path, idle_s: float) -> None:
    """Fork a detached watchdog for sidecar `pid` (double fork: no zombie, no terminal)."""
    child = os.fork()
    if child:
        os.waitpid(child, 0)  # the first child exits at once; the grandchild is init's
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        # Nothing of the starter's may stay open here: above all not the starter lock's file,
        # whose flock would otherwise be held for as long as the watchdog lives.
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _watch(pid, state_file, idle_s)
    finally:
        os._exit(0)


def _watch(pid: int, state_file: Path, idle_s: float) -> None:
    poll = min(5.0, max(0.2, idle_s / 4))
    born = _start_time(pid)  # pids are reused: only ever signal the process that was started
    while True:
        time.sleep(poll)
        if not _alive(pid) or _start_time(pid) != born:
            return
        try:
            used = state_file.stat().st_mtime
            owner = json.loads(state_file.read_text()).get("pid")
        except (OSError, ValueError):
            _end(pid)  # its state (or the whole state directory) is gone: nobody can reach it
            return
        if owner != pid:
            return  # replaced: the new sidecar has its own watchdog, the old one was stopped
        if time.time() - used > idle_s:
            _end(pid)
            try:
                if json.loads(state_file.read_text()).get("pid") == pid:
                    state_file.unlink()
            except (OSError, ValueError):
                pass
            return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (its parent has not reaped it) is gone for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def _start_time(pid: int) -> str:
    """When the process started, in clock ticks since boot (Linux); "" where /proc has none."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _end(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        time.sleep(0.05)
        if not _alive(pid):
            return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
