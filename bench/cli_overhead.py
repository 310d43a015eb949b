"""How much `kubectl chat` adds over plain kubectl on the rule path (translation, policy, RBAC
pre-check, identity review, audit record, run), and how fast the interactive prompt appears.
Every run is a fresh process, as after `pip install kubectl-chat`: nothing runs in the background
but the OPA sidecar. Starts its own sandbox cluster (or uses --kubeconfig). Prints figures.

    .venv/bin/python bench/cli_overhead.py [--runs 15] [--kubeconfig PATH]
"""

import argparse
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kubechat import paths
from kubechat.sandbox import cluster

VENV_BIN = Path(sys.executable).parent


def timed(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall milliseconds of one run; its CPU milliseconds (the process and its children: kubectl,
    not the OPA sidecar) are appended to `cpu`. CPU time barely moves when other jobs share the
    machine, so it shows what a change saved when wall times are noisy."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return wall


def time_to_prompt(env: dict[str, str]) -> float:
    """Milliseconds from launch until `chat>` is on the (pseudo) terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(str(VENV_BIN / "kubectl-chat"), ["kubectl-chat"], env)
    start = time.perf_counter()
    seen = b""
    try:
        while b"chat>" not in seen and time.perf_counter() - start < 20:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    break
        return (time.perf_counter() - start) * 1000
    finally:
        os.write(fd, b"\x04")
        os.waitpid(pid, 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--kubeconfig")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kc-bench-"))
    state = None
    kubeconfig = args.kubeconfig
    if not kubeconfig:
        state = cluster.up(tmp / "sandbox")
        kubeconfig = state.admin_kubeconfig
    kubectl = str(paths.testbin_dir() / "kubectl")
    env = {
        **os.environ,
        "KUBECONFIG": kubeconfig,
        "KUBECHAT_HOME": str(tmp / "home"),
        "PATH": f"{VENV_BIN}:{paths.testbin_dir()}:{os.environ['PATH']}",
    }
    # Byte-code is cached as in a pip install (pip compiles it); an environment that forbids
    # writing it would measure recompiling the package on every run instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        chat = [str(VENV_BIN / "kubectl-chat"), "--yes", "--plain", "--no-model", "list pods in prod"]
        plain = [kubectl, "get", "pods", "-n", "prod"]
        python = [sys.executable, "-c", "pass"]
        for _ in range(2):
            timed(chat, env)  # warm-up: starts the OPA sidecar, caches byte-code and discovery
        kubectl_cpu: list[float] = []
        chat_cpu: list[float] = []
        kubectl_ms = [timed(plain, env, kubectl_cpu) for _ in range(args.runs)]
        python_ms = [timed(python, env) for _ in range(args.runs)]
        chat_ms = [timed(chat, env, chat_cpu) for _ in range(args.runs)]
        time_to_prompt(env)
        prompt_ms = [time_to_prompt(env) for _ in range(5)]
        med = statistics.median
        p95 = sorted(chat_ms)[int(0.95 * (len(chat_ms) - 1))]
        print(f"runs: {args.runs}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        print(f"kubectl get pods                       median {med(kubectl_ms):7.1f} ms")
        print(f"python -c pass (interpreter start)     median {med(python_ms):7.1f} ms")
        print(f'kubectl chat "list pods" (no agent)    median {med(chat_ms):7.1f} ms  p95 {p95:7.1f} ms')
        print(
            f"  overhead over kubectl                       {med(chat_ms) - med(kubectl_ms):7.1f} ms  (target <= 250)"
        )
        print(
            f"  CPU over kubectl's                          {med(chat_cpu) - med(kubectl_cpu):7.1f} ms"
            f"  (kubectl {med(kubectl_cpu):.1f} ms, kubectl chat {med(chat_cpu):.1f} ms)"
        )
        print(f"interactive prompt                     median {med(prompt_ms):7.1f} ms  (target <= 300)")
    finally:
        from kubechat.safety import sidecar

        os.environ["KUBECHAT_HOME"] = str(tmp / "home")
        sidecar.stop()
        if state is not None:
            cluster.down(tmp / "sandbox")


if __name__ == "__main__":
    main()
