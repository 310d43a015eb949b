"""The local OPA sidecar: `opa run --server` on 127.0.0.1 with the policies as a bundle, started on
first use and reused by later invocations (its pid and port live in a file under the state dir),
stopped by `kubectl chat policy stop`.

With a verification key the bundle must be signed (`opa build --signing-key`): OPA itself checks
the signature and refuses to start on an unsigned or wrongly signed bundle, and the caller then
gets no decision (denied). A signed bundle is not watched: a changed bundle or key starts a new
sidecar, so the digest reported with each decision is the one OPA verified."""

from __future__ import annotations

import fcntl
import hashlib
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
from . import local_opa, sidecar_watch

START_TIMEOUT_S = 15.0
REPO_POLICIES = Path(__file__).resolve().parents[3] / "policies"
PACKAGED_POLICIES = Path(__file__).resolve().parents[1] / "data" / "policies"


class SidecarSpec(BaseModel):
    """What to serve: the bundle (a directory or an archive), the key it must be signed with."""

    policies: str
    verification_key: str | None = None
    signing_alg: str = "RS256"
    opa: str | None = None  # an administrator's opa binary; else find_opa()
    enforced: bool = False  # an administrator's policy: nothing the user sets may choose the program

    @property
    def watched(self) -> bool:
        """An unsigned directory is watched, so edits to data.json apply without a restart."""
        return self.verification_key is None and Path(self.policies).is_dir()


class SidecarState(BaseModel):
    pid: int
    port: int
    policies: str
    opa: str
    started: float
    fingerprint: str = ""  # of the spec, the bundle and the key it was started with
    argv: list[str] = []
    digest: str = ""  # of the bundle: when it started, or now for a watched directory


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


# Where an administrator's opa is looked for when the system config names none: directories only
# root can write, never KUBECHAT_OPA or the user's PATH (either would let the user serve any policy).
SYSTEM_OPA_DIRS = ("/usr/local/bin", "/usr/bin", "/opt/kubectl-chat/bin")


def find_system_opa() -> str:
    for d in SYSTEM_OPA_DIRS:
        candidate = Path(d) / "opa"
        if candidate.is_file() and _root_owned_and_locked(candidate):
            return str(candidate)
    raise MissingBinaryError(
        "the administrator's policy needs an opa binary owned by root",
        hint=f"install opa in one of {', '.join(SYSTEM_OPA_DIRS)} or set policy.opa_binary in the system config",
    )


def _root_owned_and_locked(path: Path) -> bool:
    """The file and its directory belong to root and nobody else can write them."""
    for p in (path, path.parent):
        st = p.stat()
        if st.st_uid != 0 or st.st_mode & 0o022:
            return False
    return True


def policies_dir(settings=None) -> Path:
    """`policy.bundle` from the settings in force (an administrator's win), else KUBECHAT_POLICIES
    (ignored under an administrator's policy), else the repository's policies/ (a development
    checkout), else the copy shipped inside the package."""
    from .policy import load_settings  # policy imports this module

    settings = settings or load_settings()
    if settings.bundle:
        return Path(settings.bundle)
    explicit = None if settings.enforced_by else os.environ.get("KUBECHAT_POLICIES")
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


def _is_our_opa(state: SidecarState, spec: SidecarSpec | None = None, opa: str | None = None) -> bool:
    """The pid is alive and is still an `opa run --server` on our port (pids get reused). Given the
    spec, the process must be running exactly that spec's argv from that program: the state file
    is the user's to edit, so what it claims about the process is not evidence."""
    try:
        cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(state.pid, 0)
        except OSError:
            return False
        # no /proc (macOS): trust the pid and let the health check decide, except for an
        # administrator's policy, where an unverifiable process is not reused
        return not (spec is not None and spec.enforced)
    args = [a.decode(errors="replace") for a in cmdline if a]
    if spec is not None and opa is not None:
        if args != _argv(spec, opa, state.port):
            return False
        try:
            return os.path.realpath(f"/proc/{state.pid}/exe") == os.path.realpath(opa)
        except OSError:
            return False
    if state.argv:
        return args == state.argv
    return "run" in args and "--server" in args and any(a.endswith(f":{state.port}") for a in args)


def healthy(port: int, timeout: float = 1.0) -> bool:
    return local_opa.healthy(port, timeout)


def running(spec: SidecarSpec | None = None, opa: str | None = None) -> SidecarState | None:
    """The sidecar's state when it is up and healthy (and, given a spec, serving exactly it)."""
    state = read_state()
    if state and _is_our_opa(state, spec, opa) and healthy(state.port):
        return state
    return None


def bundle_digest(path: Path) -> str:
    """sha256 of an archive's bytes, or of a directory's files (each relative path and content
    hash, in path order), as "sha256:<hex>"."""
    if path.is_file():
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    tree = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = f.relative_to(path).as_posix()
        tree.update(f"{rel}\0{hashlib.sha256(f.read_bytes()).hexdigest()}\n".encode())
    return "sha256:" + tree.hexdigest()


def _check_spec(spec: SidecarSpec) -> None:
    """Refuse what OPA would misread: a missing bundle, or a key path that is not a PEM file (OPA
    takes a --verification-key that is not a file as an HMAC secret, the path itself)."""
    if not Path(spec.policies).exists():
        raise PolicyError(f"the policy bundle {spec.policies} does not exist")
    if spec.verification_key is None:
        return
    key = Path(spec.verification_key)
    try:
        pem = key.read_text(errors="replace")
    except OSError as exc:
        raise PolicyError(
            f"cannot read the bundle verification key {key}: {exc.strerror or exc}",
            hint="the key must be a PEM public key file readable by every user",
        ) from exc
    if "-----BEGIN PUBLIC KEY-----" not in pem:
        raise PolicyError(f"the bundle verification key {key} is not a PEM public key")


def _fingerprint(spec: SidecarSpec, opa: str, digest: str) -> str:
    key = Path(spec.verification_key).read_bytes() if spec.verification_key else b""
    parts = [spec.policies, spec.signing_alg, opa, "" if spec.watched else digest]
    return hashlib.sha256("\0".join(parts).encode() + b"\0" + key).hexdigest()


def default_spec() -> SidecarSpec:
    return SidecarSpec(policies=str(policies_dir().resolve()))


def ensure_running(spec: SidecarSpec | None = None) -> SidecarState:
    """Reuse the running sidecar when it serves the same bundle (same bytes, for one that is not
    watched) with the same key, else start a new one."""
    spec = spec or default_spec()
    _check_spec(spec)
    opa = spec.opa or (find_system_opa() if spec.enforced else find_opa())
    if spec.opa and not Path(opa).is_file():
        raise MissingBinaryError(f"the configured opa binary {opa} does not exist")
    digest = bundle_digest(Path(spec.policies))
    fingerprint = _fingerprint(spec, opa, digest)
    state = running(spec, opa)
    if state and state.fingerprint == fingerprint:
        sidecar_watch.mark_used(_state_file())
        return _current(state, spec, digest)
    paths.ensure_private_dir(paths.state_dir())
    # One starter at a time: two invocations at once must not leave an orphaned second OPA.
    with open(paths.state_dir() / "opa-sidecar.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state()
        if state and _is_our_opa(state, spec, opa):
            # Slow to answer under load is not dead: give it longer before replacing it.
            if state.fingerprint == fingerprint and healthy(state.port, timeout=3.0):
                sidecar_watch.mark_used(_state_file())
                return _current(state, spec, digest)
        # Wrong policies, not answering, or gone: never leave an old one running behind us.
        stop()
        return _start(spec, opa, digest, fingerprint)


def _current(state: SidecarState, spec: SidecarSpec, digest: str) -> SidecarState:
    # A watched directory serves what is on disk now, not what it started with.
    return state.model_copy(update={"digest": digest}) if spec.watched else state


def _argv(spec: SidecarSpec, opa: str, port: int) -> list[str]:
    argv = [opa, "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"]
    if spec.watched:
        argv.append("--watch")  # admins' edits to data.json take effect without a restart
    if spec.verification_key:
        argv += ["--verification-key", spec.verification_key, "--signing-alg", spec.signing_alg]
    return [*argv, "--bundle", spec.policies]


def _start(spec: SidecarSpec, opa: str, digest: str, fingerprint: str) -> SidecarState:
    state_dir = paths.ensure_private_dir(paths.state_dir())
    last_error = ""
    for _ in range(3):  # another process may grab the free port between probe and bind
        port = free_port()
        argv = _argv(spec, opa, port)
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
                    pid=proc.pid,
                    port=port,
                    policies=spec.policies,
                    opa=opa,
                    started=time.time(),
                    fingerprint=fingerprint,
                    argv=argv,
                    digest=digest,
                )
                _state_file().write_text(state.model_dump_json())
                sidecar_watch.start(proc.pid, _state_file(), sidecar_watch.idle_seconds())
                return state
            time.sleep(0.05)
        if proc.poll() is None:
            _terminate(proc.pid)
        last_error = _tail(_log_file())
    # OPA's own words (a bad signature, a broken policy) go in the message: it is what users see.
    raise PolicyError(
        f"the local OPA policy engine did not start ({last_error})"
        if last_error
        else "the local OPA policy engine did not start",
        hint=f"see {_log_file()}",
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
