"""Facts the risk classifier needs from the cluster and from policy data for `scale`: how many
replicas run now, and what fraction of them a scale-down may remove before it counts as
destructive (`scale_down_fraction` in the policy's data.json, so admins set it with the rest)."""

from __future__ import annotations

import json
import re

from ..errors import KubechatError
from ..kubectl_options import KubectlOptions
from .command import ParseError, parse
from .risk import DEFAULT_SCALE_DOWN_FRACTION
from .sidecar import policies_dir

# Names go into an API path: only DNS names (no `/`, `?`, `..`) may.
_DNS_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")


def scale_down_fraction() -> float:
    """`kubectl_chat.config.scale_down_fraction` from the policy data, else the default."""
    try:
        data = json.loads((policies_dir() / "data.json").read_text())
        value = float(data["kubectl_chat"]["config"]["scale_down_fraction"])
    except (KubechatError, OSError, ValueError, KeyError, TypeError):
        return DEFAULT_SCALE_DOWN_FRACTION
    return value if 0 < value <= 1 else DEFAULT_SCALE_DOWN_FRACTION


def current_replicas(
    argv: list[str], options: KubectlOptions | None = None, default_namespace: str = "default"
) -> int | None:
    """The replica count a `scale` command starts from, read from the scale subresource; None when
    argv is not a scale of one deployment/statefulset/replicaset or the cluster cannot say."""
    from ..kubectl_api import Call, call

    try:
        cmd = parse([str(a) for a in argv])
    except ParseError:
        return None
    resource, names = cmd.targets()
    # The scale subresource's API group per resource, from the verb's spec.
    groups = cmd.spec.extra.get("scale_groups", {}) if cmd.spec is not None else {}
    if resource not in groups or len(names) != 1:
        return None
    ns = cmd.namespace or default_namespace
    if not (_DNS_NAME.fullmatch(ns) and _DNS_NAME.fullmatch(names[0])):
        return None
    path = f"/apis/{groups[resource]}/v1/namespaces/{ns}/{resource}/{names[0]}/scale"
    try:
        scale = call(options or KubectlOptions(), Call(path, "read the current replica count"))
    except KubechatError:
        return None
    replicas = (scale.get("spec") or {}).get("replicas")
    return replicas if isinstance(replicas, int) else None
