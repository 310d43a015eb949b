"""Facts the risk classifier needs from the cluster and from policy data for `scale`: how many
replicas run now, and what fraction of them a scale-down may remove before it counts as
destructive (`scale_down_fraction` in the policy's data.json, so admins set it with the rest)."""

from __future__ import annotations

import json

from kubernetes import client as k8s

from ..errors import KubechatError
from ..kubectl_options import KubectlOptions
from .command import ParseError, parse
from .risk import DEFAULT_SCALE_DOWN_FRACTION
from .sidecar import policies_dir

_READERS = {
    "deployments": "read_namespaced_deployment_scale",
    "statefulsets": "read_namespaced_stateful_set_scale",
    "replicasets": "read_namespaced_replica_set_scale",
}


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
    from .rbac import _call, api_client  # the same client, errors and timeouts as the RBAC check

    try:
        cmd = parse([str(a) for a in argv])
    except ParseError:
        return None
    resource, names = cmd.targets()
    if cmd.verb != "scale" or resource not in _READERS or len(names) != 1:
        return None
    api = api_client(options)
    try:
        reader = getattr(k8s.AppsV1Api(api), _READERS[resource])
        scale = _call(
            lambda: reader(names[0], cmd.namespace or default_namespace, _request_timeout=(3, 10)),
            "read the current replica count",
            api.configuration.host,
        )
    except KubechatError:
        return None
    finally:
        api.close()
    return scale.spec.replicas if scale and scale.spec and scale.spec.replicas is not None else None
