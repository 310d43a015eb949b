"""Load the base model with the trained adapter through llama-cpp-python (as the plugin would),
translate a handful of requests that are in no seed file, and print what came out.

    .venv/bin/python training/smoke_adapter.py [--no-adapter]
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kubechat.translate.compare import canonical

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "models" / "kubectl-gemma3-270m-lora.json"
# (request, expected command): written for this check, not taken from any seed or evaluation set.
HANDFUL = (
    ("give me the pods of the lighthouse namespace", "kubectl get pods -n lighthouse"),
    ("bring tracker down to two replicas, namespace fleet", "kubectl scale deployment tracker --replicas=2 -n fleet"),
    ("kick the deployment named ingest in batch so it restarts", "kubectl rollout restart deployment ingest -n batch"),
    ("what's in the logs of pod feeder-3 over in ingest", "kubectl logs feeder-3 -n ingest"),
    ("show all services everywhere", "kubectl get services --all-namespaces"),
    ("describe deploy scheduler in ops", "kubectl describe deployment scheduler -n ops"),
    ("mark node worker-9 unschedulable", "kubectl cordon worker-9"),
    ("last 20 log lines of pod relay-0 in mesh", "kubectl logs relay-0 --tail=20 -n mesh"),
    ("list the configmaps in namespace vault", "kubectl get configmaps -n vault"),
    ("undo the last rollout of deployment ranker in search", "kubectl rollout undo deployment ranker -n search"),
    ("which nodes are eating the most memory", "kubectl top nodes"),
    ("get me the cronjobs over in nightly", "kubectl get cronjobs -n nightly"),
    ("sort out whatever is wrong with the thing from yesterday", "?"),
)  # fmt: skip


def _same(got: str, want: str) -> bool:
    if want == "?" or got == "?":  # no single command fits: the translator asks
        return got == want
    try:
        return canonical(shlex.split(got)[1:]) == canonical(shlex.split(want)[1:])
    except (ValueError, IndexError):
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipe", type=Path, default=RECIPE)
    ap.add_argument("--no-adapter", action="store_true", help="the base model alone, for comparison")
    args = ap.parse_args(argv)
    from llama_cpp import Llama

    from kubechat.models import store

    recipe = json.loads(args.recipe.read_text())
    adapter = args.recipe.parent / recipe["adapter"]
    started = time.time()
    llm = Llama(
        model_path=str(store.local_model()),
        lora_path=None if args.no_adapter else str(adapter),
        n_ctx=256,
        n_threads=2,
        verbose=False,
    )
    print(f"loaded in {time.time() - started:.2f} s ({'base only' if args.no_adapter else adapter.name})")
    right = 0
    times = []
    for request, want in HANDFUL:
        t = time.time()
        out = llm.create_completion(
            recipe["prompt"].format(request=request), max_tokens=48, temperature=0.0, stop=[recipe["stop"]]
        )
        times.append(time.time() - t)
        got = out["choices"][0]["text"].strip()
        ok = _same(got, want)
        right += ok
        print(f"{'ok  ' if ok else 'MISS'} {request!r}\n     got  {got}\n     want {want}")
    times.sort()
    print(f"{right}/{len(HANDFUL)} right; median {times[len(times) // 2] * 1000:.0f} ms per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
