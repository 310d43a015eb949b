"""Policy path figures: argv classification, grammar gate, input building, local OPA sidecar cold
start, and warm decisions. Prints figures; asserts nothing.

Usage: .venv/bin/python bench/bench_policy.py [N]
"""

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("KUBECHAT_HOME", tempfile.mkdtemp(prefix="kubechat-bench-"))

from kubechat import paths  # noqa: E402
from kubechat.safety import grammar, sidecar  # noqa: E402
from kubechat.safety.policy import PolicySettings, build_input, decide  # noqa: E402
from kubechat.safety.risk import classify  # noqa: E402

ARGVS = [
    ["get", "pods", "-n", "prod", "-o", "wide"],
    ["scale", "deployment", "web", "--replicas=3", "-n", "prod"],
    ["delete", "pod", "web-1", "-n", "prod"],
    ["get", "secret", "db", "-o", "yaml"],
    ["exec", "-it", "web-1", "--", "sh"],
]


def per_call_us(fn, n):
    start = time.perf_counter()
    for i in range(n):
        fn(ARGVS[i % len(ARGVS)])
    return (time.perf_counter() - start) / n * 1e6


def main(n: int = 2000) -> None:
    os.environ.setdefault("KUBECHAT_OPA", str(paths.testbin_dir() / "opa"))
    print(f"classify:     {per_call_us(classify, n):8.1f} us/call")
    print(f"grammar gate: {per_call_us(grammar.violations, n):8.1f} us/call")
    print(f"build_input:  {per_call_us(lambda a: build_input(a, mode='write'), n):8.1f} us/call")

    sidecar.stop()
    settings = PolicySettings()
    t = time.perf_counter()
    d = decide(build_input(ARGVS[0]), settings)
    print(
        f"first decision incl. sidecar start: {(time.perf_counter() - t) * 1000:.0f} ms (available={d.available})"
    )
    samples = []
    for i in range(200):
        inp = build_input(ARGVS[i % len(ARGVS)], mode="write")
        t = time.perf_counter()
        decide(inp, settings)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    print(
        f"warm decision (200): median {statistics.median(samples):.1f} ms, "
        f"p95 {samples[int(len(samples) * 0.95)]:.1f} ms, max {samples[-1]:.1f} ms"
    )
    sidecar.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
