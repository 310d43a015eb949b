"""Turn kubectl's error output into one clear message, a likely cause and the next step."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Explained:
    message: str
    cause: str
    next_step: str


_RULES: list[tuple[re.Pattern, Explained]] = [
    (
        re.compile(
            r"(connection refused|no such host|i/o timeout|Unable to connect to the server|context deadline exceeded)",
            re.I,
        ),
        Explained(
            "the Kubernetes API server did not answer",
            "the cluster is down, unreachable from here, or the kubeconfig points at the wrong address",
            "check `kubectl cluster-info` and the server in your kubeconfig (or start the sandbox: `kubectl chat sandbox up`)",
        ),
    ),
    (
        re.compile(
            r"(Unauthorized|You must be logged in|token has expired|certificate has expired|x509: certificate)",
            re.I,
        ),
        Explained(
            "the API server rejected your credentials",
            "your token or client certificate expired or is not trusted",
            "log in again with your identity provider (or refresh the kubeconfig), then retry",
        ),
    ),
    (
        re.compile(
            r'User "(?P<user>[^"]+)" cannot (?P<verb>\S+) resource "(?P<res>[^"]+)"(?: in API group "[^"]*")?(?: in the namespace "(?P<ns>[^"]+)")?',
            re.I,
        ),
        Explained(
            "the API server denied the request (RBAC)",
            "your Kubernetes role does not allow this",
            "ask a cluster admin for the permission shown above, or run a read-only request",
        ),
    ),
    (
        re.compile(r"the server doesn't have a resource type \"(?P<res>[^\"]+)\"", re.I),
        Explained(
            "the cluster does not know that resource type",
            "a typo, or a CRD that is not installed in this cluster",
            'list what the cluster serves with `kubectl chat "list api resources"`',
        ),
    ),
    (
        re.compile(r"Error from server \(NotFound\): (?P<what>.+?) not found", re.I),
        Explained(
            "the object does not exist",
            "a typo in the name, or it lives in another namespace",
            'list the objects (e.g. `kubectl chat "list pods in all namespaces"`) and retry with the right name or namespace',
        ),
    ),
    (
        re.compile(r"Error from server \(AlreadyExists\)", re.I),
        Explained(
            "an object with that name already exists",
            "it was created before",
            "pick another name, or change the existing object instead",
        ),
    ),
    (
        re.compile(r"(context was not found|no context exists with the name)", re.I),
        Explained(
            "that kubeconfig context does not exist",
            "a typo in --context or a kubeconfig that lacks it",
            "list contexts with `kubectl config get-contexts`",
        ),
    ),
    (
        re.compile(r"(unknown flag|unknown shorthand flag|unknown command)", re.I),
        Explained(
            "kubectl did not accept the command",
            "this kubectl version does not support one of its flags",
            "check `kubectl version` and `kubectl <verb> --help`",
        ),
    ),
]


def explain(stderr: str) -> Explained | None:
    """The first matching explanation for kubectl's stderr, or None when nothing matches."""
    for pattern, explained in _RULES:
        if pattern.search(stderr or ""):
            return explained
    return None
