"""Release figures: krew archive size, air-gap bundle size, and start-up time of the frozen build
(`kubectl-chat --version`, and a rule-path translation). Run after `make dist` (and `make airgap`
for the bundle figure):  .venv/bin/python bench/dist_size_startup.py [--runs N]"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "kubectl-chat"))
from kubechat import __version__  # noqa: E402

DIST = ROOT / "dist"
ARCHIVE = DIST / f"kubectl-chat_v{__version__}_linux_amd64.tar.gz"
BUNDLE_TAR = DIST / f"kubectl-chat-airgap_v{__version__}_linux_amd64.tar"


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def drop_caches() -> bool:
    """Make the next run read from disk, when we may (root, not in a locked-down container)."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def timed(argv: list[str], stdin: str | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, input=stdin, capture_output=True, text=True, check=True)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    if not ARCHIVE.is_file():
        sys.exit(f"{ARCHIVE} is missing: run `make dist`")
    print(f"krew archive         {ARCHIVE.name}: {mb(ARCHIVE.stat().st_size)}")
    if BUNDLE_TAR.is_file():
        print(f"air-gap bundle       {BUNDLE_TAR.name}: {mb(BUNDLE_TAR.stat().st_size)}")
    else:
        print("air-gap bundle       (not built: make airgap)")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(ARCHIVE) as tar:
            tar.extractall(tmp, filter="tar")
        print(f"unpacked plugin      {mb(tree_size(Path(tmp)))}")
        exe = str(Path(tmp) / "kubectl-chat")
        cold = drop_caches()
        first = timed([exe, "--version"])
        print(f"--version, first run {first:.0f} ms ({'page cache dropped' if cold else 'page cache warm'})")
        warm = [timed([exe, "--version"]) for _ in range(args.runs)]
        print(
            f"--version, median    {statistics.median(warm):.0f} ms over {args.runs} runs (target <= 400 ms)"
        )
        request = ["translate", "--offline", "--rules-only", "scale web in prod to 3"]
        drop_caches()
        first = timed([exe, *request])
        print(f"rule translation, first run {first:.0f} ms")
        runs = [timed([exe, *request]) for _ in range(args.runs)]
        print(f"rule translation, median    {statistics.median(runs):.0f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
