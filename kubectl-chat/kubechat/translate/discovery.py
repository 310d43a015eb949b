"""The cluster's resource types (built-ins, CRDs, short names) from `kubectl api-resources -o wide`
with the user's kubeconfig, cached per context under cache_dir()/discovery. Offline, or when the
cluster cannot be reached, the built-in table is used."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

from .. import paths
from .resources import BUILTIN_TABLE, ResourceTable, ResourceType

CACHE_TTL_S = 600
_memo: dict[str, tuple[float, ResourceTable]] = {}


def kubectl_binary() -> str | None:
    """The kubectl commands run with (KubectlOptions' choice), or None when there is none."""
    from ..kubectl_options import kubectl_path

    return kubectl_path()


def _base_cmd(kubectl: str, kubeconfig: str | None, context: str | None) -> list[str]:
    cmd = [kubectl]
    if kubeconfig:
        cmd += ["--kubeconfig", str(kubeconfig)]
    if context:
        cmd += ["--context", context]
    return cmd


def parse_api_resources(text: str) -> list[ResourceType]:
    """Parse `kubectl api-resources -o wide` table output (columns found by header offsets,
    because SHORTNAMES may be empty)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines or not lines[0].startswith("NAME"):
        return []
    header = lines[0]
    cols = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]
    starts = [header.find(c) for c in cols if header.find(c) >= 0]
    names = [c for c in cols if header.find(c) >= 0]
    out: list[ResourceType] = []
    for ln in lines[1:]:
        row = {}
        for i, name in enumerate(names):
            end = starts[i + 1] if i + 1 < len(starts) else len(ln)
            row[name] = ln[starts[i] : end].strip()
        plural = row.get("NAME", "")
        kind = row.get("KIND", "")
        if not plural or not kind or "/" in plural:
            continue
        apiver = row.get("APIVERSION", "")
        group = apiver.split("/")[0] if "/" in apiver else ""
        verbs = tuple(row.get("VERBS", "").strip("[]").split())
        short = tuple(s for s in row.get("SHORTNAMES", "").split(",") if s)
        out.append(
            ResourceType(
                plural, kind.lower(), kind, row.get("NAMESPACED", "true") == "true", short, group, verbs
            )
        )
    return out


def _cache_file(key: str) -> Path:
    return paths.cache_dir() / "discovery" / (hashlib.sha256(key.encode()).hexdigest()[:16] + ".json")


def resource_table(
    *, kubeconfig: str | None = None, context: str | None = None, refresh: bool = False
) -> ResourceTable:
    """Resource types for the given kubeconfig/context (built-ins when it cannot be read)."""
    kubectl = kubectl_binary()
    from ..kubectl_options import KubectlOptions

    # $KUBECONFIG may list several files; kubectl reads it itself, so only an explicit path is passed
    files = KubectlOptions(kubeconfig=kubeconfig).kubeconfig_paths()
    if kubectl is None or not any(os.path.exists(os.path.expanduser(f)) for f in files):
        return BUILTIN_TABLE
    where = os.pathsep.join(files)
    key = f"{where}|{context}"
    now = time.time()
    if not refresh and key in _memo and now - _memo[key][0] < CACHE_TTL_S:
        return _memo[key][1]
    base = _base_cmd(kubectl, kubeconfig, context)
    ctx = context
    if ctx is None:
        # Read the kubeconfig ourselves: asking `kubectl config current-context` costs ~100 ms.
        from ..kubeconfig_info import resolve

        ctx = resolve(KubectlOptions(kubeconfig=kubeconfig)).context or ""
    cache = _cache_file(f"{where}|{ctx}")
    types: list[ResourceType] = []
    if not refresh and cache.exists() and now - cache.stat().st_mtime < CACHE_TTL_S:
        try:
            types = [
                ResourceType(
                    **{
                        **d,
                        "short": tuple(d["short"]),
                        "verbs": tuple(d["verbs"]),
                        "extra": tuple(d.get("extra", ())),
                    }
                )
                for d in json.loads(cache.read_text())
            ]
        except (ValueError, KeyError, TypeError):
            types = []
    if not types:
        try:
            proc = subprocess.run(
                base + ["api-resources", "-o", "wide", "--request-timeout=8s"],
                capture_output=True,
                text=True,
                timeout=15,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return BUILTIN_TABLE
        types = parse_api_resources(proc.stdout)
        if not types:
            return BUILTIN_TABLE
        paths.ensure_private_dir(cache.parent)
        cache.write_text(json.dumps([t.__dict__ for t in types]))
    table = BUILTIN_TABLE.with_types(types)
    _memo[key] = (now, table)
    return table
