"""Start, watch and stop the sandbox's processes. Each runs in its own session with its log in
the state dir; we remember pid + binary so a stale pid that now belongs to someone else is never
killed."""

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from ..errors import SandboxError
from ..ports import free_port, port_in_use  # noqa: F401  (re-exported for the sandbox)


@dataclass
class Component:
    name: str
    pid: int
    binary: str
    log: str


def log_tail(path: str | Path, lines: int = 15) -> str:
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


def start(name: str, argv: list[str], log_dir: Path, env: dict[str, str] | None = None) -> Component:
    log = log_dir / f"{name}.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the CLI; a Ctrl-C in the terminal is ours to handle
            env={**os.environ, **(env or {})},
        )
    return Component(name=name, pid=proc.pid, binary=argv[0], log=str(log))


def is_alive(comp: Component) -> bool:
    """True when the pid still runs *our* binary (guards against pid reuse after a reboot)."""
    try:
        exe = os.readlink(f"/proc/{comp.pid}/exe")
    except OSError:
        return False
    try:
        with open(f"/proc/{comp.pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            _reap(comp.pid)
            return False
    except OSError:
        return False
    return os.path.realpath(exe) == os.path.realpath(comp.binary) or exe.endswith(" (deleted)")


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(comp: Component, timeout: float = 15.0) -> None:
    if not is_alive(comp):
        return
    try:
        os.killpg(comp.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(comp.pid)
        if not is_alive(comp):
            return
        time.sleep(0.1)
    try:
        os.killpg(comp.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    for _ in range(50):
        _reap(comp.pid)
        if not is_alive(comp):
            return
        time.sleep(0.1)


def ensure_running(comp: Component) -> None:
    """Raise with the component's last log lines when it has exited."""
    if not is_alive(comp):
        raise SandboxError(
            f"{comp.name} exited during start-up; last lines of {comp.log}:\n{log_tail(comp.log)}",
            hint=f"read the full log at {comp.log}",
        )


def wait_until(what: str, check: Callable[[], bool], timeout: float, comps: list[Component]) -> None:
    """Poll `check` until it holds; fail at once with its log when a component exits meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for c in comps:
            ensure_running(c)
        try:
            if check():
                return
        except (requests.RequestException, subprocess.SubprocessError, OSError):
            pass
        time.sleep(0.25)
    logs = "\n".join(f"  {c.name}: {c.log}" for c in comps)
    raise SandboxError(f"timed out after {timeout:.0f}s waiting for {what}", hint=f"component logs:\n{logs}")
