"""Run kubectl from an argv list (never a shell). Output streams to the terminal as it arrives and
is kept (up to a limit) for the conversation's follow-ups and the audit digest; Ctrl-C stops
streaming commands (logs -f, port-forward, --watch) cleanly."""

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .kubectl_options import KubectlOptions, find_kubectl

_KEEP_BYTES = 1_000_000


@dataclass
class ExecResult:
    argv: list[str]  # the full argv that ran, starting with the kubectl binary
    exit_code: int
    stdout: str
    stderr: str
    duration_ms: float
    interrupted: bool = False


def full_argv(argv: list[str], options: KubectlOptions, kubectl: str | None = None) -> list[str]:
    """kubectl + the user's global flags + the command's argv (which must not start with 'kubectl')."""
    if argv and argv[0] == "kubectl":
        argv = argv[1:]
    return [kubectl or find_kubectl(), *options.argv_global_args(), *argv]


def _pump(stream, sink: Callable[[str], None] | None, keep: list[str]) -> None:
    size = 0
    for line in iter(stream.readline, ""):
        if sink is not None:
            sink(line)
        if size < _KEEP_BYTES:
            keep.append(line)
            size += len(line)
    stream.close()


def run(
    argv: list[str],
    options: KubectlOptions,
    *,
    on_stdout: Callable[[str], None] | None = None,
    on_stderr: Callable[[str], None] | None = None,
    stdin_tty: bool = False,
    kubectl: str | None = None,
) -> ExecResult:
    """Run kubectl. With stdin_tty the child shares the terminal (exec -it); otherwise output is
    passed line by line to the callbacks and captured."""
    cmd = full_argv(argv, options, kubectl)
    start = time.monotonic()
    if stdin_tty:
        proc = subprocess.Popen(cmd, env=options.env())
        code, interrupted = _wait(proc)
        return ExecResult(cmd, code, "", "", (time.monotonic() - start) * 1000, interrupted)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        bufsize=1,
        env=options.env(),
    )
    out: list[str] = []
    err: list[str] = []
    threads = [
        threading.Thread(target=_pump, args=(proc.stdout, on_stdout, out), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, on_stderr, err), daemon=True),
    ]
    for t in threads:
        t.start()
    code, interrupted = _wait(proc)
    for t in threads:
        t.join(timeout=5)
    return ExecResult(cmd, code, "".join(out), "".join(err), (time.monotonic() - start) * 1000, interrupted)


def _wait(proc: subprocess.Popen) -> tuple[int, bool]:
    try:
        return proc.wait(), False
    except KeyboardInterrupt:
        # Streaming commands end on Ctrl-C: let kubectl shut down, then report 130 like a shell.
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 130, True
