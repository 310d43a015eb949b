"""Risk classes from the kubectl argv alone — never from a model's opinion of its own command.

read: shows state. write: changes state in a way that is easy to reverse. destructive: loses
workloads or data, hands out access (credentials, secret data, broad roles, node access), writes
or runs things on this machine, or acts on objects the argv does not show (see effects.py).
Anything not recognised is destructive (fail closed).
"""

from __future__ import annotations

import json
from enum import StrEnum

import yaml

from .command import Command, ParseError, interpretations
from .effects import effects


class Risk(StrEnum):
    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Risk.READ: 0, Risk.WRITE: 1, Risk.DESTRUCTIVE: 2}

DEFAULT_SCALE_DOWN_FRACTION = 0.5

READ_VERBS = {
    "get",
    "describe",
    "logs",
    "top",
    "events",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "cluster-info",
    "diff",  # server-side dry run: shows, never changes
    "wait",
    "kustomize",  # renders locally
    "completion",
    "options",
    "help",
}
WRITE_VERBS = {
    "create",
    "expose",
    "run",
    "set",
    "edit",
    "patch",
    "apply",
    "replace",
    "autoscale",
    "cordon",
    "uncordon",
    "taint",
    "label",
    "annotate",
    "exec",  # runs arbitrary code in a container
    "attach",  # can write to a container's stdin
    "cp",  # implemented with exec; can overwrite files in a container
    "port-forward",  # opens a path into the pod network from this machine
    "debug",  # adds ephemeral containers or copies pods
    "scale",
    "rollout",
    "certificate",
    "auth",
    "config",
    "plugin",
}
DESTRUCTIVE_VERBS = {
    "delete",
    "drain",
    # proxy exposes the whole API with the user's credentials to every local process.
    "proxy",
}

CONFIG_READ = {"view", "get-contexts", "current-context", "get-clusters", "get-users"}
CONFIG_WRITE = {
    "use-context",
    "use",
    "set-context",
    "set-cluster",
    "set-credentials",
    "set",
    "unset",
    "rename-context",
}
CONFIG_DESTRUCTIVE = {"delete-context", "delete-cluster", "delete-user"}
ROLLOUT_READ = {"status", "history"}
ROLLOUT_WRITE = {"restart", "pause", "resume"}
AUTH_READ = {"can-i", "whoami"}
SET_SUBCOMMANDS = {"env", "image", "resources", "selector", "serviceaccount", "sa", "subject"}


def classify(
    argv: list[str],
    current_replicas: int | None = None,
    scale_down_fraction: float = DEFAULT_SCALE_DOWN_FRACTION,
) -> Risk:
    """The risk of running `kubectl <argv>`.

    `current_replicas` (when the caller knows it) lets a scale-down by more than
    `scale_down_fraction` of the current count count as destructive; scale to 0 always is.
    When kubectl could read argv in more than one way, the riskiest reading wins.
    """
    return classify_with_reason(argv, current_replicas, scale_down_fraction)[0]


def classify_with_reason(
    argv: list[str],
    current_replicas: int | None = None,
    scale_down_fraction: float = DEFAULT_SCALE_DOWN_FRACTION,
) -> tuple[Risk, str]:
    if not argv:
        return Risk.DESTRUCTIVE, "empty command"
    try:
        readings = interpretations([str(a) for a in argv])
    except ParseError as exc:
        return Risk.DESTRUCTIVE, f"cannot parse the command: {exc}"
    worst: tuple[Risk, str] | None = None
    for cmd in readings:
        got = _classify_one(cmd, current_replicas, scale_down_fraction)
        if worst is None or got[0].rank > worst[0].rank:
            worst = got
    assert worst is not None
    return worst


def _classify_one(cmd: Command, current: int | None, fraction: float) -> tuple[Risk, str]:
    risk, why = _by_verb(cmd, current, fraction)
    found = effects(cmd)
    if found and risk is not Risk.DESTRUCTIVE:
        return Risk.DESTRUCTIVE, next(iter(found.values()))
    return risk, why


def _by_verb(cmd: Command, current: int | None, fraction: float) -> tuple[Risk, str]:
    verb, sub = cmd.verb, cmd.subcommand
    if not verb:
        return Risk.DESTRUCTIVE, "no kubectl verb"
    if verb in READ_VERBS:
        return Risk.READ, f"`{verb}` only shows state"
    if verb in DESTRUCTIVE_VERBS:
        return Risk.DESTRUCTIVE, f"`{verb}` removes or exposes things"
    if verb not in WRITE_VERBS:
        return Risk.DESTRUCTIVE, f"unknown verb `{verb}` (treated as destructive)"
    return _write_verb(cmd, verb, sub, current, fraction)


def _write_verb(cmd: Command, verb: str, sub: str, current: int | None, fraction: float) -> tuple[Risk, str]:
    if verb == "config":
        if sub in CONFIG_READ:
            return Risk.READ, f"`config {sub}` only shows the kubeconfig"
        if sub in CONFIG_WRITE:
            return Risk.WRITE, f"`config {sub}` changes the local kubeconfig"
        if sub in CONFIG_DESTRUCTIVE:
            return Risk.DESTRUCTIVE, f"`config {sub}` removes kubeconfig entries"
        return Risk.DESTRUCTIVE, f"unknown `config {sub}` (treated as destructive)"
    if verb == "auth":
        if sub in AUTH_READ:
            return Risk.READ, f"`auth {sub}` only asks the API server"
        if sub == "reconcile":
            if cmd.has("--remove-extra-permissions") or cmd.has("--remove-extra-subjects"):
                return Risk.DESTRUCTIVE, "`auth reconcile` removing permissions or subjects"
            return Risk.WRITE, "`auth reconcile` changes RBAC objects"
        return Risk.DESTRUCTIVE, f"unknown `auth {sub}` (treated as destructive)"
    if verb == "plugin":
        if sub == "list":
            return Risk.READ, "`plugin list` only lists plugins"
        return Risk.DESTRUCTIVE, f"unknown `plugin {sub}` (treated as destructive)"
    if verb == "rollout":
        if sub in ROLLOUT_READ:
            return Risk.READ, f"`rollout {sub}` only shows state"
        if sub in ROLLOUT_WRITE:
            return Risk.WRITE, f"`rollout {sub}` changes a workload"
        if sub == "undo":
            return Risk.DESTRUCTIVE, "`rollout undo` replaces the running version"
        return Risk.DESTRUCTIVE, f"unknown `rollout {sub}` (treated as destructive)"
    if verb == "certificate":
        if sub in {"approve", "deny"}:
            return Risk.WRITE, f"`certificate {sub}` decides a signing request"
        return Risk.DESTRUCTIVE, f"unknown `certificate {sub}` (treated as destructive)"
    if verb == "set" and sub not in SET_SUBCOMMANDS:
        return Risk.DESTRUCTIVE, f"unknown `set {sub}` (treated as destructive)"
    if verb == "apply":
        if sub == "view-last-applied":
            return Risk.READ, "`apply view-last-applied` only shows state"
        if cmd.has("--prune"):
            return Risk.DESTRUCTIVE, "`apply --prune` deletes objects missing from the manifests"
        if cmd.has("--force"):
            return Risk.DESTRUCTIVE, "`apply --force` deletes and recreates objects"
        return Risk.WRITE, "`apply` changes objects"
    if verb == "replace" and cmd.has("--force"):
        return Risk.DESTRUCTIVE, "`replace --force` deletes and recreates objects"
    if verb == "taint":
        if any(a.endswith(":NoExecute") for a in cmd.objects):
            return Risk.DESTRUCTIVE, "a NoExecute taint evicts running pods"
        return Risk.WRITE, "`taint` changes node scheduling"
    if verb == "scale":
        return _scale(cmd, current, fraction)
    if verb == "patch":
        replicas = _patched_replicas(cmd.value("--patch"))
        if replicas == 0:
            return Risk.DESTRUCTIVE, "patch sets replicas to 0"
    return Risk.WRITE, f"`{verb}` changes the cluster"


def _scale(cmd: Command, current: int | None, fraction: float) -> tuple[Risk, str]:
    raw = cmd.value("--replicas")
    try:
        target = int(raw) if raw is not None else None
    except ValueError:
        return Risk.DESTRUCTIVE, f"replica count `{raw}` is not a number"
    if target is None:
        return Risk.DESTRUCTIVE, "scale without --replicas (treated as destructive)"
    if target <= 0:
        return Risk.DESTRUCTIVE, "scaling to 0 stops the workload"
    if current is None and cmd.value("--current-replicas") is not None:
        try:
            current = int(cmd.value("--current-replicas") or "")
        except ValueError:
            current = None
    if current is not None and current > 0 and target < current:
        if (current - target) / current > fraction:
            return Risk.DESTRUCTIVE, (
                f"scaling down from {current} to {target} removes more than {fraction:.0%} of the replicas"
            )
    return Risk.WRITE, f"scale to {target} replicas"


def _patched_replicas(patch: str | None) -> int | None:
    """`spec.replicas` in a strategic/merge patch, if the patch sets it."""
    if not patch:
        return None
    try:
        doc = json.loads(patch)
    except ValueError:
        try:
            doc = yaml.safe_load(patch)
        except yaml.YAMLError:
            return None
    if isinstance(doc, dict):
        spec = doc.get("spec")
        if isinstance(spec, dict) and isinstance(spec.get("replicas"), int):
            return spec["replicas"]
    if isinstance(doc, list):  # JSON patch
        for op in doc:
            if isinstance(op, dict) and op.get("path") == "/spec/replicas" and op.get("value") == 0:
                return 0
    return None
