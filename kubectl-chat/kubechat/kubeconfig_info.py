"""The one reader of the user's kubeconfig files: the merged document (`document`, for anything
that needs the whole config, such as the bearer token the audit shipper presents) and where a
command will go (`resolve`: context, cluster, server and default namespace, for the preview, the
status line and the audit record). Reads files only; which files is
KubectlOptions.kubeconfig_paths()'s answer (--kubeconfig, $KUBECONFIG, ~/.kube/config)."""

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


# Fields that name local files: kubectl reads a relative one relative to the file that sets it.
_CLUSTER_FILES = ("certificate-authority",)
_USER_FILES = ("client-certificate", "client-key", "tokenFile")


def _absolute_paths(doc: dict, base: str) -> None:
    def fix(section: dict, key: str, always: bool = True) -> None:
        value = section.get(key)
        if isinstance(value, str) and value and not os.path.isabs(value) and (always or os.sep in value):
            section[key] = os.path.join(base, value)

    for entry in doc.get("clusters") or []:
        for key in _CLUSTER_FILES:
            fix((entry or {}).get("cluster") or {}, key)
    for entry in doc.get("users") or []:
        user = (entry or {}).get("user") or {}
        for key in _USER_FILES:
            fix(user, key)
        if isinstance(user.get("exec"), dict):  # a bare command name is looked up on PATH
            fix(user["exec"], "command", always=False)


def _load(paths_: list[str]) -> dict:
    merged: dict = {"contexts": [], "clusters": [], "users": [], "current-context": None}
    for p in paths_:
        path = os.path.expanduser(p)
        try:
            with open(path) as f:
                doc = yaml.load(f, Loader=_LOADER) or {}
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(doc, dict):  # not a kubeconfig; kubectl will say so when it runs
            continue
        _absolute_paths(doc, os.path.dirname(os.path.abspath(path)))
        # kubectl's merge rule: the first file to set a value wins.
        if merged["current-context"] is None and doc.get("current-context"):
            merged["current-context"] = doc["current-context"]
        for key in ("contexts", "clusters", "users"):
            known = {e.get("name") for e in merged[key]}
            merged[key] += [e for e in doc.get(key) or [] if e.get("name") not in known]
    return merged


def document(options: KubectlOptions) -> dict:
    """The kubeconfig in effect, merged as kubectl merges its files, local file paths absolute."""
    return _load(options.kubeconfig_paths())


def resolve(options: KubectlOptions) -> Target:
    cfg = document(options)
    ctx_name = options.context or cfg["current-context"]
    ctx = next((c.get("context") or {} for c in cfg["contexts"] if c.get("name") == ctx_name), {})
    cluster_name = ctx.get("cluster")
    cluster = next((c.get("cluster") or {} for c in cfg["clusters"] if c.get("name") == cluster_name), {})
    namespace = options.namespace or ctx.get("namespace") or "default"
    return Target(ctx_name, cluster_name, cluster.get("server"), namespace, ctx.get("user"))
