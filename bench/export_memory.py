"""Export memory: N generated signed records (the dashboard bench's) in a SQLite store, then one
export of all of them through the collector's HTTPS app (uvicorn) in a fresh process that reads
the stream and throws it away; prints that process's peak RSS before and after the export.

    .venv/bin/python bench/export_memory.py [--records 200000] [--format json] [--store /tmp/export.db]
"""

from __future__ import annotations

import argparse
import resource
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _service(db: Path):
    from collector_support import make_service
    from dashboard_scale import BenchTokens

    from kubechat.collector.limits import Limits
    from kubechat.collector.store import open_store

    return make_service(
        open_store(f"sqlite:///{db}"), BenchTokens(), Limits(records_per_second=1e9, burst=10**9)
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def export_once(db: Path, fmt: str) -> None:
    """Serve the store, export it whole over HTTPS, print the peak RSS before and after."""
    import httpx
    from collector_support import running
    from dashboard_scale import login

    service = _service(db)
    with tempfile.TemporaryDirectory() as d, running(service, Path(d)) as (url, ca):
        context = ssl.create_default_context(cafile=ca)
        with httpx.Client(base_url=url, verify=context, timeout=600, follow_redirects=True) as client:
            login(client)
            before = _peak_mib()
            t, received, lines = time.perf_counter(), 0, 0
            with client.stream("GET", f"/ui/evidence/export.{fmt}") as resp:
                resp.raise_for_status()
                for chunk in resp.iter_bytes():
                    received += len(chunk)
                    lines += chunk.count(b"\n")
            dt = time.perf_counter() - t
    print(
        f"export ({fmt}): {lines:,} lines, {received / 2**20:,.0f} MiB in {dt:.1f} s;"
        f" peak RSS {before:,.0f} MiB before the export, {_peak_mib():,.0f} MiB after (server and client in one process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--format", default="json", choices=("json", "csv", "cef", "leef"))
    parser.add_argument("--store", type=Path, help="SQLite file to fill, or to reuse when it exists")
    parser.add_argument("--export-from", type=Path, help=argparse.SUPPRESS)  # the measuring child
    args = parser.parse_args()
    if args.export_from:
        export_once(args.export_from, args.format)
        return
    with tempfile.TemporaryDirectory() as d:
        db = args.store or Path(d) / "export.db"
        if not db.exists():
            from dashboard_scale import fill

            fill(_service(db), args.records)
        # A fresh process, so that its peak RSS is the export's and not the fill's.
        argv = [sys.executable, __file__, "--export-from", str(db), "--format", args.format]
        subprocess.run(argv, check=True)


if __name__ == "__main__":
    main()
