"""RBAC pre-check: before anything runs, ask the API server (SelfSubjectAccessReview) whether the
user may do what the kubectl command needs, and when not, say exactly which permission is missing
and write the Role + RoleBinding to ask an admin for. Identity comes from SelfSubjectReview.

The pre-check only explains; the API server still enforces RBAC when kubectl runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..errors import KubechatError
from ..kubectl_api import WHOAMI, Call, call, call_all, check_kubeconfig
from ..kubectl_options import KubectlOptions
from .command import Command, ParseError, parse
from .resources import ResourceInfo
from .resources import info as builtin_info

SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


@dataclass
class Identity:
    user: str
    groups: list[str] = field(default_factory=list)


@dataclass
class ContextInfo:
    context: str = ""
    cluster: str = ""
    namespace: str = "default"


@dataclass(frozen=True)
class AccessCheck:
    verb: str
    resource: str
    group: str = ""
    subresource: str = ""
    namespace: str = ""  # "" = cluster-wide
    name: str = ""

    def describe(self) -> str:
        res = f"{self.resource}.{self.group}" if self.group else self.resource  # kubectl's spelling
        if self.subresource:
            res = f"{res}/{self.subresource}"
        where = f"in `{self.namespace}`" if self.namespace else "cluster-wide"
        named = f" (for `{self.name}`)" if self.name else ""
        return f"`{self.verb}` on `{res}` {where}{named}"


@dataclass
class RbacResult:
    allowed: bool
    checks: list[tuple[AccessCheck, bool, str]] = field(default_factory=list)
    missing: list[AccessCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    request_yaml: str = ""

    @property
    def message(self) -> str:
        if self.allowed:
            return "RBAC allows it"
        return "; ".join(f"you need {m.describe()}" for m in self.missing)


def context_info(options: KubectlOptions | None = None) -> ContextInfo:
    """The context in effect, its cluster and default namespace (from the kubeconfig only)."""
    from ..kubeconfig_info import resolve

    options = options or KubectlOptions()
    check_kubeconfig(options)
    target = resolve(options)
    if options.context and target.cluster is None:
        raise KubechatError(f"context `{options.context}` is not in the kubeconfig")
    return ContextInfo(context=target.context or "", cluster=target.cluster or "", namespace=target.namespace)


def whoami(options: KubectlOptions | None = None) -> Identity:
    """The user and groups the API server sees (SelfSubjectReview, authentication.k8s.io/v1)."""
    review = call(options or KubectlOptions(), WHOAMI)
    user = (review.get("status") or {}).get("userInfo") or {}
    if not user.get("username"):
        raise KubechatError("the API server did not say who you are (empty SelfSubjectReview)")
    return Identity(user=user["username"], groups=list(user.get("groups") or []))


# --- what a kubectl command needs ------------------------------------------------------------------


def required_access(
    argv: list[str], default_namespace: str = "default", lookup=builtin_info
) -> list[AccessCheck]:
    """The API permissions `kubectl <argv>` needs, as far as the argv tells. Commands whose objects
    come from files (-f) or that never reach the API return []."""
    try:
        cmd = parse([str(a) for a in argv])
    except ParseError:
        return []
    return access_checks(cmd, default_namespace, lookup)


def access_checks(cmd: Command, default_namespace: str = "default", lookup=builtin_info) -> list[AccessCheck]:
    """The permissions one reading of an argv needs, from its verb's spec (kubechat/verbs/)."""
    if cmd.has("--filename") or cmd.has("--kustomize"):
        return []
    spec = cmd.spec
    if spec is None:
        return []
    sub = spec.subcommands.get(cmd.subcommand) if cmd.subcommand else None
    rule = sub.access if sub is not None and sub.access is not None else spec.access
    if rule is None:
        return []
    resource, names = cmd.targets()
    ns = "" if cmd.all_namespaces else (cmd.namespace or default_namespace)
    checks: list[AccessCheck] = []
    for need in rule(cmd, resource, names):
        if need.group is not None:
            where = "" if need.cluster_wide else ns
            checks.append(
                AccessCheck(need.verb, need.resource, need.group, need.subresource, where, need.name)
            )
            continue
        ri = lookup(need.resource) if need.resource else None
        if ri is None:
            ri = ResourceInfo(need.resource, "*", True) if need.resource else None
        if ri is None:
            continue
        where = ns if ri.namespaced and not need.cluster_wide else ""
        checks.append(AccessCheck(need.verb, ri.plural, ri.group, need.subresource, where, need.name))
    return _dedupe(checks)


def _dedupe(checks: list[AccessCheck]) -> list[AccessCheck]:
    seen: dict[AccessCheck, None] = {}
    for c in checks:
        seen.setdefault(c, None)
    return list(seen)


def _discovery_lookup(options: KubectlOptions):
    """Resolve resources that are not built in (CRDs) through the cluster's discovery (cached)."""
    cache: dict[str, ResourceInfo | None] = {}

    def lookup(word: str) -> ResourceInfo | None:
        found = builtin_info(word)
        if found is not None:
            return found
        if word not in cache:
            cache[word] = _discover(options, word)
        return cache[word]

    return lookup


def _discover(options: KubectlOptions, word: str) -> ResourceInfo | None:
    import os

    from ..translate.discovery import resource_table

    # A KUBECONFIG-style list travels in the environment, as for the command itself.
    single = options.kubeconfig if options.kubeconfig and os.pathsep not in options.kubeconfig else None
    found = resource_table(kubeconfig=single, context=options.context).get(word.lower().split(".", 1)[0])
    return ResourceInfo(found.plural, found.group, found.namespaced) if found else None


# --- the check ---------------------------------------------------------------------------------------


def check(
    argv: list[str],
    options: KubectlOptions | None = None,
    default_namespace: str | None = None,
    identity: Identity | None = None,
    command: Command | None = None,
) -> RbacResult:
    """SelfSubjectAccessReview for every permission the command needs (all asked at once).
    `command` is the argv as already read (an Assessment's); without it argv is read here."""
    options = options or KubectlOptions()
    if default_namespace is None:
        default_namespace = context_info(options).namespace
    lookup = _discovery_lookup(options)
    if command is not None:
        needed = access_checks(command, default_namespace, lookup)
    else:
        needed = required_access(argv, default_namespace, lookup=lookup)
    result = RbacResult(allowed=True)
    if not needed:
        result.notes.append("no RBAC pre-check for this command (the API server still enforces RBAC)")
    for chk in needed:
        if chk.group == "*":
            result.notes.append(f"`{chk.resource}` is not known to the cluster; not pre-checked")
    asked = [chk for chk in needed if chk.group != "*"]
    answers = call_all(options, [_review_call(chk) for chk in asked])
    for chk, answer in zip(asked, answers, strict=True):
        status = answer.get("status") or {}
        allowed = bool(status.get("allowed")) and not status.get("denied")
        result.checks.append((chk, allowed, status.get("reason") or ""))
        if not allowed:
            result.missing.append(chk)
    result.allowed = not result.missing
    if result.missing:
        if identity is None:
            try:
                identity = whoami(options)
            except KubechatError:
                identity = Identity(user="<your-user>")
        result.request_yaml = role_request_yaml(result.missing, identity)
    return result


def review_calls(argv: list[str], default_namespace: str) -> list[Call]:
    """The access reviews check() will ask for `argv`, as far as built-in resource types tell
    (a resource known only through discovery is left for check() to ask)."""
    return [_review_call(chk) for chk in required_access(argv, default_namespace) if chk.group != "*"]


def _review_call(chk: AccessCheck) -> Call:
    return Call(SSAR_PATH, "access review", _review_body(chk))


def _review_body(chk: AccessCheck) -> dict:
    attrs = {"verb": chk.verb, "group": chk.group, "resource": chk.resource}
    # Empty fields are left out, as the API server expects for "any".
    attrs.update(
        {
            k: v
            for k, v in (("subresource", chk.subresource), ("namespace", chk.namespace), ("name", chk.name))
            if v
        }
    )
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attrs},
    }


# --- what to ask an admin for ----------------------------------------------------------------------

NAMEABLE_VERBS = {"get", "update", "patch", "delete"}


def _dns_name(text: str) -> str:
    return (re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "user")[:40].strip("-")


def _subject(identity: Identity) -> dict:
    parts = identity.user.split(":")
    if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"]:
        return {"kind": "ServiceAccount", "name": parts[3], "namespace": parts[2]}
    return {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": identity.user}


def _rules(checks: list[AccessCheck]) -> list[dict]:
    rules: list[dict] = []
    for chk in checks:
        res = f"{chk.resource}/{chk.subresource}" if chk.subresource else chk.resource
        rule: dict = {"apiGroups": [chk.group], "resources": [res], "verbs": [chk.verb]}
        if chk.name and chk.verb in NAMEABLE_VERBS:
            rule["resourceNames"] = [chk.name]
        rules.append(rule)
    return rules


def role_request_yaml(missing: list[AccessCheck], identity: Identity) -> str:
    """The smallest Role + RoleBinding (ClusterRole + ClusterRoleBinding for cluster-wide needs)
    that grants exactly the missing permissions."""
    name = f"kubectl-chat-{_dns_name(identity.user)}"
    subject = _subject(identity)
    docs: list[dict] = []
    by_ns: dict[str, list[AccessCheck]] = {}
    for chk in missing:
        by_ns.setdefault(chk.namespace, []).append(chk)
    for ns, checks in sorted(by_ns.items()):
        if ns:
            meta = {"name": name, "namespace": ns}
            docs.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "Role",
                    "metadata": meta,
                    "rules": _rules(checks),
                }
            )
            docs.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "RoleBinding",
                    "metadata": meta,
                    "subjects": [subject],
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
                }
            )
        else:
            docs.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRole",
                    "metadata": {"name": name},
                    "rules": _rules(checks),
                }
            )
            docs.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRoleBinding",
                    "metadata": {"name": name},
                    "subjects": [subject],
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
                }
            )
    return yaml.safe_dump_all(docs, sort_keys=False)
