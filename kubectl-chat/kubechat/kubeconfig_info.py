"""What the user's kubeconfig says about where a command will go: context, cluster, server and
default namespace (for the preview, the status line and the audit record). Reads files only."""

import os
from dataclasses import dataclass

import yaml

from .kubectl_options import KubectlOptions

# libyaml's loader when PyYAML has it: kubeconfigs are read on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Target:
    context: str | None
    cluster: str | None
    server: str | None
    namespace: str
    user: str | None


def _load(paths_: list[str]) -> dict:
    merged: dict = {"contexts": [], "clusters": [], "users": [], "current-context": None}
    for p in paths_:
        try:
            with open(os.path.expanduser(p)) as f:
                doc = yaml.load(f, Loader=_LOADER) or {}
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(doc, dict):  # not a kubeconfig; kubectl will say so when it runs
            continue
        # kubectl's merge rule: the first file to set a value wins.
        if merged["current-context"] is None and doc.get("current-context"):
            merged["current-context"] = doc["current-context"]
        for key in ("contexts", "clusters", "users"):
            known = {e.get("name") for e in merged[key]}
            merged[key] += [e for e in doc.get(key) or [] if e.get("name") not in known]
    return merged


def resolve(options: KubectlOptions) -> Target:
    cfg = _load(options.kubeconfig_paths())
    ctx_name = options.context or cfg["current-context"]
    ctx = next((c.get("context") or {} for c in cfg["contexts"] if c.get("name") == ctx_name), {})
    cluster_name = ctx.get("cluster")
    cluster = next((c.get("cluster") or {} for c in cfg["clusters"] if c.get("name") == cluster_name), {})
    namespace = options.namespace or ctx.get("namespace") or "default"
    return Target(ctx_name, cluster_name, cluster.get("server"), namespace, ctx.get("user"))
