"""Validation of a candidate Intent before anyone sees it: known command, known resource type
(with a "did you mean …?" suggestion), known flags, and argv words that are data, never shell."""

from __future__ import annotations

import difflib
import re

from ..intent import BOOL_FLAGS, NODE_VERBS, RESOURCE_VERBS, TARGET_VERBS, TOP_LEVEL, Intent
from .resources import ResourceTable

# Names of objects, containers, namespaces: DNS-1123-ish (we allow upper case and '_' for the
# odd legacy object, but never spaces, quotes or shell characters).
K8S_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.:]{0,251}[A-Za-z0-9])?$")

# Value-taking flags we know; together with the boolean flags of intent.py, every flag we accept.
KNOWN_FLAGS = BOOL_FLAGS | {
    "address",
    "aggregation-rule",
    "annotations",
    "api-group",
    "api-prefix",
    "api-version",
    "as",
    "as-group",
    "auth-provider",
    "auth-provider-arg",
    "bound-object-kind",
    "bound-object-name",
    "cascade",
    "cert",
    "certificate-authority",
    "chunk-size",
    "class",
    "client",
    "client-certificate",
    "client-key",
    "cluster",
    "clusterip",
    "clusterrole",
    "command",
    "container",
    "containers",
    "context",
    "cpu",
    "cpu-percent",
    "current-replicas",
    "default-backend",
    "description",
    "docker-email",
    "docker-password",
    "docker-server",
    "docker-username",
    "duration",
    "env",
    "env-from",
    "exec-api-version",
    "exec-arg",
    "exec-command",
    "exec-env",
    "exec-interactive-mode",
    "exec-provide-cluster-info",
    "external-ip",
    "external-name",
    "field-manager",
    "field-selector",
    "filename",
    "for",
    "from",
    "from-file",
    "from-env-file",
    "from-literal",
    "generator",
    "global-default",
    "grace-period",
    "group",
    "hard",
    "image",
    "image-pull-policy",
    "key",
    "keys",
    "kubeconfig",
    "kustomize",
    "label-columns",
    "labels",
    "limit-bytes",
    "limits",
    "load-balancer-ip",
    "max",
    "max-log-requests",
    "max-unavailable",
    "memory",
    "min",
    "min-available",
    "name",
    "namespace",
    "node-port",
    "non-resource-url",
    "only-print-errors",
    "output",
    "output-directory",
    "overrides",
    "password",
    "pod",
    "pod-running-timeout",
    "port",
    "preemption-policy",
    "protocol",
    "proxy-url",
    "replicas",
    "requests",
    "resolve",
    "resource",
    "resource-name",
    "resource-version",
    "restart",
    "revision",
    "role",
    "rule",
    "schedule",
    "selector",
    "server",
    "serviceaccount",
    "session-affinity",
    "set-raw-bytes",
    "since",
    "since-time",
    "sort-by",
    "subresource",
    "tail",
    "target-port",
    "tcp",
    "template",
    "timeout",
    "tls-server-name",
    "to-revision",
    "token",
    "type",
    "types",
    "user",
    "username",
    "value",
    "verb",
    "verbs",
    "www",
}


class ValidationIssue(Exception):
    """A candidate that must not be shown; `question` asks the user instead."""

    def __init__(self, question: str):
        super().__init__(question)
        self.question = question


def check_words(argv: list[str]) -> None:
    """Every argv element is one data word: no newline, NUL or shell control sequence. The words
    after `--` (exec/run commands) are passed to the container as argv, never to a local shell,
    but they are checked too so nothing that looks like a second command is ever proposed."""
    for word in argv:
        if not word or len(word) > 4096:
            raise ValidationIssue("That produced an empty or oversized argument; please rephrase.")
        if "\n" in word or "\r" in word or "\x00" in word:
            raise ValidationIssue("Arguments cannot contain line breaks; please rephrase.")
        if re.search(r"[;&|`]|\$\(|\|\||&&", word):
            raise ValidationIssue(
                f"{word!r} looks like a shell fragment. I only run single kubectl commands; what should it do?"
            )


def validate(intent: Intent, table: ResourceTable) -> Intent:
    """Raise ValidationIssue when the intent is not a safe, well-formed kubectl command."""
    root = intent.verb.split()[0]
    if root not in TOP_LEVEL:
        close = difflib.get_close_matches(root, sorted(TOP_LEVEL), n=1)
        raise ValidationIssue(
            f"kubectl has no command {root!r}" + (f"; did you mean {close[0]}?" if close else ".")
        )
    if intent.resource and (intent.verb in RESOURCE_VERBS or intent.verb in TARGET_VERBS):
        for part in intent.resource.split(","):
            base = part.split(".")[0] if intent.verb == "explain" else part
            if base == "all" and intent.verb == "get":
                continue
            if table.get(base) is None and table.get(part) is None:
                hint = table.suggest(base)
                raise ValidationIssue(
                    f"The cluster has no resource type {part!r}"
                    + (f"; did you mean {hint}?" if hint else ".")
                )
    for name in intent.names:
        if not K8S_NAME.match(name):
            raise ValidationIssue(f"{name!r} is not a valid Kubernetes name; which object did you mean?")
    if intent.namespace and not K8S_NAME.match(intent.namespace):
        raise ValidationIssue(f"{intent.namespace!r} is not a valid namespace name.")
    for f in intent.flags:
        if f.name not in KNOWN_FLAGS:
            close = difflib.get_close_matches(f.name, sorted(KNOWN_FLAGS), n=1)
            raise ValidationIssue(
                f"kubectl {intent.verb} has no flag --{f.name}"
                + (f"; did you mean --{close[0]}?" if close else ".")
            )
    if intent.verb in NODE_VERBS and not intent.names and not intent.selector and intent.verb != "top node":
        raise ValidationIssue(f"Which node should I {intent.verb}?")
    argv = intent.to_argv()
    check_words(argv)
    # the rendered argv must parse back to the same intent (the grammar is closed)
    try:
        back = Intent.from_argv(argv)
    except ValueError as exc:
        raise ValidationIssue(f"That is not a kubectl command I can form ({exc}); please rephrase.") from exc
    if back.to_argv() != argv:
        raise ValidationIssue("That command did not survive a round trip through the kubectl grammar.")
    return intent
