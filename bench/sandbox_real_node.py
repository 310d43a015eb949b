"""What the sandbox's real node costs: the control plane's start, the real node's start on top
(containerd, image import, kubelet to Ready), a probe pod to Running, the idle CPU and memory of
containerd + kubelet, and `sandbox down`. Starts its own sandbox in a temp dir. Prints figures.

    .venv/bin/python bench/sandbox_real_node.py [--runs 3] [--idle-seconds 10]
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from kubechat import paths
from kubechat.sandbox import cluster, real_node

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_run(idle_seconds: float) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kubechat-bench-node-") as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        state = cluster.up(d)
        figures["control plane up (s)"] = time.perf_counter() - t
        try:
            t = time.perf_counter()
            state = cluster.add_real_node(d)
            figures["real node to Ready (s)"] = time.perf_counter() - t
            if not state.real_node:
                raise SystemExit(state.real_node_note)
            kubectl = cluster.find_binaries()["kubectl"]
            pod = json.dumps(real_node.pod_manifest("bench-probe", "dev"))
            t = time.perf_counter()
            base = [str(kubectl), "--kubeconfig", state.admin_kubeconfig]
            subprocess.run([*base, "apply", "-f", "-"], input=pod, text=True, check=True, capture_output=True)
            subprocess.run(
                [*base, "wait", "--for=condition=Ready", "pod/bench-probe", "-n", "dev", "--timeout=90s"],
                check=True,
                capture_output=True,
            )
            figures["probe pod to Running (s)"] = time.perf_counter() - t
            node_pids = [c.pid for c in state.component_objs() if c.name in ("containerd", "kubelet")]
            before = sum(_cpu_seconds(p) for p in node_pids)
            time.sleep(idle_seconds)
            used = sum(_cpu_seconds(p) for p in node_pids) - before
            figures["containerd+kubelet idle CPU (% of one core)"] = 100 * used / idle_seconds
            figures["containerd+kubelet RSS (MiB)"] = sum(_rss_mib(p) for p in node_pids)
        finally:
            t = time.perf_counter()
            cluster.down(d)
            figures["sandbox down (s)"] = time.perf_counter() - t
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    args = parser.parse_args()
    if reason := real_node.missing(paths.testbin_dir()):
        raise SystemExit(f"the real node cannot run here: {reason}")
    runs = [one_run(args.idle_seconds) for _ in range(args.runs)]
    print(f"sandbox real node, {args.runs} run(s) on {os.cpu_count()} CPU(s): median (min-max)")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:<46} {statistics.median(values):8.2f}  ({min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
