"""What automatic shipping adds to a `kubectl chat` run: the wall time of `autoship.kick()` at the
end of a run (the warning check, the lock attempt and starting the detached shipper), with a
pending record in the spool. The shipper itself runs after the command has returned; its time is
not the user's. Prints figures. Run it with compiled bytecode, as an installed package has
(`python -m compileall kubectl-chat/kubechat`; PYTHONDONTWRITEBYTECODE=1 recompiles every import).

    .venv/bin/python bench/autoship_kick.py [--runs 50]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys, time
import kubechat.conversation, kubechat.execute  # what a finished run has loaded
from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.kubectl_options import KubectlOptions
AuditTrail().record(RecordInput(user=UserInfo(username="bench"), request="get pods", verb="get"))
start = time.perf_counter()
from kubechat.audit import autoship
imported = time.perf_counter()
started = autoship.kick(KubectlOptions())
end = time.perf_counter()
print((end - start) * 1000, (end - imported) * 1000, int(started))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "KUBECHAT_HOME": home}
        # A collector nobody answers at, and a shipper that gives up at once: each run starts one.
        env["KUBECHAT_COLLECTOR_URL"] = "https://127.0.0.1:9"
        cfg = Path(home) / "config" / "config.yaml"
        cfg.parent.mkdir(parents=True)
        cfg.write_text("audit:\n  ship_give_up_s: 0\n")
        lock = Path(home) / "state" / "audit" / "spool.db.ship.lock"
        spawned, held, kicks = [], [], []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True)
            total, kick_only, started = out.stdout.split()
            (spawned if started == "1" else held).append(float(total))
            kicks.append(float(kick_only))
            _wait_free(lock)
    rows = (("import + kick, shipper started", spawned), ("import + kick, shipper running", held))
    for name, xs in (*rows, ("kick alone", kicks)):
        if xs:
            xs.sort()
            p95 = xs[min(len(xs) - 1, int(len(xs) * 0.95))]
            print(f"{name}: n={len(xs)} median {statistics.median(xs):.2f} ms, p95 {p95:.2f} ms")


def _wait_free(lock: Path) -> None:
    import fcntl

    deadline = time.monotonic() + 30
    while lock.exists() and time.monotonic() < deadline:
        with open(lock) as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                time.sleep(0.05)


if __name__ == "__main__":
    main()
