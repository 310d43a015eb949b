"""A warm per-user agent that makes `kubectl chat` start fast.

Importing pydantic, rich, the Kubernetes client and the translator costs about a second on a
small machine, every run. The agent pays it once: it imports everything, then waits on a Unix
socket in the user's private state dir. For each run the thin launcher passes its terminal
(stdin/stdout/stderr file descriptors), argv, environment, working directory and umask; the agent
forks a child that takes them over and runs the ordinary CLI. Each run starts from the same
pristine parent, so nothing leaks from one run to the next; the child's exit code goes back to
the launcher, which forwards Ctrl-C and window-size signals to the child's process group.

Only the same user may connect (SO_PEERCRED); the socket lives in a 0700 directory. The agent
exits when idle for KUBECHAT_AGENT_IDLE_S (default 1800 s) or when the installed code changes.
"""

from __future__ import annotations

import array
import io
import json
import os
import signal
import socket
import struct
import sys
import time
from pathlib import Path

from . import paths

PROTOCOL = 1
IDLE_S = float(os.environ.get("KUBECHAT_AGENT_IDLE_S", "1800"))


def socket_path() -> Path:
    return paths.state_dir() / "agent.sock"


def starting_marker() -> Path:
    return paths.state_dir() / "agent.starting"


def code_fingerprint() -> str:
    """Changes when the installed package changes, so a stale agent never serves new code."""
    pkg = Path(__file__).resolve().parent
    newest = 0.0
    for root, dirs, files in os.walk(pkg):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            if f.endswith(".py"):
                newest = max(newest, os.stat(os.path.join(root, f)).st_mtime)
    return f"{PROTOCOL}:{sys.executable}:{newest:.6f}"


def _warm() -> None:
    """Import (and exercise once) what a run needs, so forked children start hot."""
    import netrc  # noqa: F401  (requests looks for ~/.netrc on every call)

    import kubernetes.client  # noqa: F401
    import kubernetes.client.api.authentication_v1_api  # noqa: F401
    import kubernetes.client.api.authorization_v1_api  # noqa: F401
    import kubernetes.client.api.core_v1_api  # noqa: F401
    import prompt_toolkit  # noqa: F401
    import pydantic.validate_call_decorator  # noqa: F401

    from . import cli, config, conversation, diagnose, execute, kubeconfig_info, render, repl, ui  # noqa: F401
    from .audit import trail  # noqa: F401
    from .commands import ask_cmd  # noqa: F401
    from .lean_imports import opa_client_class, sqlite_utils
    from .safety import policy, rbac, replicas  # noqa: F401
    from .translate import (
        context,
        discovery,  # noqa: F401
        translate,
    )

    opa_client_class()
    sqlite_utils()
    del context
    translate("list pods in default", offline=True, use_model=False)  # compiles the rule tables
    # The Kubernetes client imports its model classes on first use; so does rich its renderers.
    from kubernetes.client import models

    for name in (
        "V1SelfSubjectReview",
        "V1SelfSubjectReviewStatus",
        "V1UserInfo",
        "V1SelfSubjectAccessReview",
        "V1SelfSubjectAccessReviewSpec",
        "V1SubjectAccessReviewStatus",
        "V1ResourceAttributes",
        "V1Scale",
        "V1ScaleSpec",
    ):
        getattr(models, name, None)
    from rich.console import Console

    render.preview(
        Console(file=io.StringIO(), width=80),
        argv=["get", "pods"],
        risk="read",
        source="rules",
        policy_allow=True,
        policy_reasons=["warm-up"],
        confirm="none",
        rbac="warm-up",
    )
    cli.cli.make_context("kubectl chat", ["ask", "--plain", "warm up"], resilient_parsing=True)


def _recv_fds(conn: socket.socket) -> tuple[bytes, list[int]]:
    fds = array.array("i")
    msg, ancdata, _, _ = conn.recvmsg(1 << 20, socket.CMSG_LEN(3 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    return msg, list(fds)


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    first, fds = _recv_fds(conn)
    (length,) = struct.unpack("!I", first[:4])
    body = first[4:]
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            raise ConnectionError("launcher went away")
        body += chunk
    return json.loads(body), fds


def _reply(conn: socket.socket, obj: dict) -> None:
    conn.sendall(json.dumps(obj).encode() + b"\n")


def _run_child(conn: socket.socket, req: dict, fds: list[int]) -> None:
    """In the forked child: become the launcher's process and run the CLI."""
    os.setpgid(0, 0)  # our own group, so the launcher can signal just us (and kubectl under us)
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(req["env"])
    os.chdir(req["cwd"])
    os.umask(req["umask"])
    # Fresh text streams over the new descriptors, buffered the way a normal start would be.
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8", errors="replace")
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="replace", line_buffering=os.isatty(1)
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="replace", line_buffering=True
    )
    sys.argv = ["kubectl-chat", *req["argv"]]
    _reply(conn, {"pid": os.getpid()})
    code = 1
    try:
        from .cli import main

        main(req["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except BaseException as exc:  # our own bug: the launcher shows it, the agent lives on
        sys.stderr.write(f"kubectl chat: internal error: {exc!r}\n")
        code = 70
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        try:
            _reply(conn, {"exit": code})
        except OSError:
            pass
        os._exit(code)


def _log(line: str) -> None:
    """One line per run served (no arguments: they may hold secrets)."""
    try:
        with open(paths.state_dir() / "agent.log", "a") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} pid={os.getpid()} {line}\n")
    except OSError:
        pass


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def serve() -> None:
    """Run the agent until idle or stale. Called detached by the launcher."""
    fingerprint = code_fingerprint()
    _warm()
    path = socket_path()
    paths.ensure_private_dir(path.parent)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(tmp))
    os.chmod(tmp, 0o600)
    server.listen(16)
    os.replace(tmp, path)  # atomically take over from any earlier agent
    global _sock_inode
    _sock_inode = os.stat(path).st_ino
    starting_marker().unlink(missing_ok=True)
    server.settimeout(5)
    signal.signal(signal.SIGCHLD, lambda *_: _reap())
    last = time.monotonic()
    try:
        while time.monotonic() - last < IDLE_S:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if not _still_ours(path):
                    return
                continue
            except InterruptedError:
                continue
            last = time.monotonic()
            with conn:
                if _peer_uid(conn) != os.getuid():
                    continue
                try:
                    req, fds = _read_request(conn)
                except (ValueError, ConnectionError, OSError):
                    continue
                if req.get("fingerprint") != fingerprint or len(fds) != 3:
                    for fd in fds:
                        os.close(fd)
                    _reply(conn, {"stale": True})
                    return  # new code installed: let the launcher start a fresh agent
                _log("run")
                if os.fork() == 0:
                    server.close()
                    _run_child(conn, req, fds)
                for fd in fds:
                    os.close(fd)
    finally:
        server.close()
        if _still_ours(path):
            path.unlink(missing_ok=True)


def _still_ours(path: Path) -> bool:
    # A newer agent may have replaced the socket; then this one bows out.
    try:
        return path.exists() and _sock_inode == os.stat(path).st_ino
    except OSError:
        return False


_sock_inode = 0


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def stop() -> bool:
    """Ask a running agent to go away (it exits on a stale request)."""
    path = socket_path()
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(path))
            body = json.dumps({"fingerprint": "stop"}).encode()
            r, w = os.pipe()
            s.sendmsg(
                [struct.pack("!I", len(body)) + body],
                [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r, w, w]))],
            )
            s.recv(100)
            os.close(r)
            os.close(w)
    except OSError:
        path.unlink(missing_ok=True)
    return True


if __name__ == "__main__":
    serve()
