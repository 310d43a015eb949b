"""The `kubectl-chat` entry point: hand the run to the warm agent when one is up (fast), else run
in this process and start an agent in the background for next time. Kept tiny on purpose: it
imports nothing heavy. KUBECHAT_AGENT=off always runs in-process."""

from __future__ import annotations

import array
import json
import os
import signal
import socket
import struct
import subprocess
import sys

_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGWINCH)


class _NoAgent(Exception):
    pass


def _in_process() -> None:
    from .cli import main as cli_main

    cli_main()


def _spawn_agent() -> None:
    from .agent import starting_marker

    marker = starting_marker()
    try:
        # One agent start at a time: a burst of runs while it warms up must not start many.
        if marker.exists() and os.stat(marker).st_mtime > __import__("time").time() - 30:
            return
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        return
    try:
        subprocess.Popen(
            [sys.executable, "-m", "kubechat.agent"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        pass  # no agent: every run is simply in-process


def _via_agent(argv: list[str]) -> int:
    from .agent import code_fingerprint, socket_path

    path = socket_path()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError as exc:
        sock.close()
        raise _NoAgent from exc
    with sock:
        umask = os.umask(0o022)
        os.umask(umask)
        body = json.dumps(
            {
                "fingerprint": code_fingerprint(),
                "argv": argv,
                "env": dict(os.environ),
                "cwd": os.getcwd(),
                "umask": umask,
            }
        ).encode()
        try:
            sock.sendmsg(
                [struct.pack("!I", len(body)) + body],
                [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0, 1, 2]))],
            )
            reader = sock.makefile("r")
            first = json.loads(reader.readline() or "{}")
        except (OSError, ValueError) as exc:
            raise _NoAgent from exc
        if "pid" not in first:
            raise _NoAgent  # stale agent (new code installed): it is exiting
        child = first["pid"]

        def forward(signum, _frame):
            try:
                os.killpg(child, signum)
            except ProcessLookupError:
                pass

        for sig in _FORWARDED:
            signal.signal(sig, forward)
        while True:
            try:
                line = reader.readline()
                break
            except InterruptedError:
                continue
        if not line:
            sys.stderr.write("kubectl chat: the run ended unexpectedly (agent child died)\n")
            return 1
        return int(json.loads(line).get("exit", 1))


def main() -> None:
    if (
        os.environ.get("KUBECHAT_AGENT", "on") == "off"
        or getattr(sys, "frozen", False)
        or not sys.platform.startswith("linux")
    ):
        return _in_process()
    try:
        code = _via_agent(sys.argv[1:])
    except _NoAgent:
        _spawn_agent()
        return _in_process()
    sys.exit(code)
