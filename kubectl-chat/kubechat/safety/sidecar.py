"""The local OPA sidecar: `opa run --server` on 127.0.0.1 with the policies as a bundle, started on
first use and reused by later invocations (its pid and port live in a file under the state dir),
stopped by `kubectl chat policy stop`."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from pydantic import BaseModel

from .. import paths
from ..errors import MissingBinaryError, PolicyError
from ..ports import free_port

START_TIMEOUT_S = 15.0
REPO_POLICIES = Path(__file__).resolve().parents[3] / "policies"
PACKAGED_POLICIES = Path(__file__).resolve().parents[1] / "data" / "policies"


class SidecarState(BaseModel):
    pid: int
    port: int
    policies: str
    opa: str
    started: float


def find_opa() -> str:
    """The opa binary: KUBECHAT_OPA, then PATH, then the project's built binaries."""
    explicit = os.environ.get("KUBECHAT_OPA")
    if explicit and not Path(explicit).is_file():
        raise MissingBinaryError(f"KUBECHAT_OPA points at {explicit}, which does not exist")
    found = paths.find_binary("opa", "KUBECHAT_OPA")
    if found:
        return found
    raise MissingBinaryError(
        "the OPA policy engine (opa) was not found",
        hint="install opa on PATH, set KUBECHAT_OPA=/path/to/opa, or set KUBECHAT_OPA_URL to a central OPA",
    )


def policies_dir() -> Path:
    """KUBECHAT_POLICIES, else the repository's policies/ (a development checkout), else the
    copy shipped inside the package."""
    explicit = os.environ.get("KUBECHAT_POLICIES")
    if explicit:
        return Path(explicit)
    for candidate in (REPO_POLICIES, PACKAGED_POLICIES):
        if (candidate / "data.json").is_file():
            return candidate
    raise PolicyError(
        "no policies found (neither the repository's policies/ nor the packaged copy)",
        hint="set KUBECHAT_POLICIES to a directory with decision.rego and data.json",
    )


def _state_file() -> Path:
    return paths.state_dir() / "opa-sidecar.json"


def _log_file() -> Path:
    return paths.state_dir() / "opa-sidecar.log"


def read_state() -> SidecarState | None:
    try:
        return SidecarState.model_validate_json(_state_file().read_text())
    except (OSError, ValueError):
        return None


def _is_our_opa(state: SidecarState) -> bool:
    """The pid is alive and is still an `opa run --server` on our port (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(state.pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid, the health check decides
    args = [a.decode(errors="replace") for a in cmdline]
    return "run" in args and "--server" in args and any(a.endswith(f":{state.port}") for a in args)


def healthy(port: int, timeout: float = 1.0) -> bool:
    from ..lean_imports import opa_client_class

    client = opa_client_class()(host="127.0.0.1", port=port, timeout=timeout, retries=0)
    try:
        return client.check_health()
    finally:
        client.close_connection()


def running() -> SidecarState | None:
    """The sidecar's state when it is up and healthy, else None."""
    state = read_state()
    if state and _is_our_opa(state) and healthy(state.port):
        return state
    return None


def ensure_running() -> SidecarState:
    """Reuse the running sidecar when it serves the same policies, else start a new one."""
    policies = policies_dir().resolve()
    state = running()
    if state and state.policies == str(policies):
        return state
    paths.ensure_private_dir(paths.state_dir())
    # One starter at a time: two invocations at once must not leave an orphaned second OPA.
    with open(paths.state_dir() / "opa-sidecar.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state()
        if state and _is_our_opa(state):
            # Slow to answer under load is not dead: give it longer before replacing it.
            if state.policies == str(policies) and healthy(state.port, timeout=3.0):
                return state
        # Wrong policies, not answering, or gone: never leave an old one running behind us.
        stop()
        return _start(policies)


def _start(policies: Path) -> SidecarState:
    opa = find_opa()
    state_dir = paths.ensure_private_dir(paths.state_dir())
    last_error = ""
    for _ in range(3):  # another process may grab the free port between probe and bind
        port = free_port()
        argv = [
            opa,
            "run",
            "--server",
            "--addr",
            f"127.0.0.1:{port}",
            "--watch",  # admins' edits to data.json take effect without a restart
            "--log-level",
            "error",
            "--bundle",
            str(policies),
        ]
        with open(_log_file(), "ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                cwd=state_dir,
                start_new_session=True,  # outlives this invocation; reused by the next
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if healthy(port, timeout=0.5):
                state = SidecarState(
                    pid=proc.pid, port=port, policies=str(policies), opa=opa, started=time.time()
                )
                _state_file().write_text(state.model_dump_json())
                return state
            time.sleep(0.05)
        if proc.poll() is None:
            _terminate(proc.pid)
        last_error = _tail(_log_file())
    raise PolicyError(
        "the local OPA policy engine did not start",
        hint=f"see {_log_file()}: {last_error}" if last_error else f"see {_log_file()}",
    )


def _tail(path: Path, lines: int = 3) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def _terminate(pid: int, timeout: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.kill(pid, signal.SIGCONT)  # a stopped process handles TERM only once it runs again
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)  # reap when it is our child
            if done == pid:
                return
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def stop() -> SidecarState | None:
    """Stop the sidecar if it runs; returns what was stopped."""
    state = read_state()
    if state and _is_our_opa(state):
        _terminate(state.pid)
    else:
        state = None
    try:
        _state_file().unlink()
    except FileNotFoundError:
        pass
    return state


def describe() -> dict:
    """For `policy status`."""
    state = running()
    info: dict = {"running": bool(state)}
    if state:
        info.update(json.loads(state.model_dump_json()))
        info["url"] = f"http://127.0.0.1:{state.port}"
    return info
