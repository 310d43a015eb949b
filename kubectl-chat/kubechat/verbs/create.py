"""kubectl create [KIND]: the subcommand is the kind of object created."""

from ..safety.resources import canonical_resource
from ._common import CHANGE, FILES, OUTPUT, generic_targets
from ._spec import Effect, Flag, Need, Risk, Sub, VerbSpec, Words, bools, flags

# Built-in roles that grant write access to (nearly) everything in their scope.
BROAD_ROLES = {"cluster-admin", "admin", "edit"}
# RBAC verbs that let the holder grant themselves more.
ESCALATING_VERBS = {"*", "escalate", "bind", "impersonate"}

# Every `create KIND` names its object first.
_KIND = Sub(words=Words.NAMED)
# `create (cluster)rolebinding --user` names a subject: not the global connection flag.
_BINDING = Sub(
    flags=flags("--user", "--group", "--serviceaccount", "--role", "--clusterrole"), words=Words.NAMED
)
# The kinds `create` makes from flags (with an object, any other first word is still a kind).
_KINDS = {
    **dict.fromkeys(
        (
            "namespace",
            "deployment",
            "configmap",
            "job",
            "cronjob",
            "serviceaccount",
            "clusterrole",
            "role",
            "ingress",
            "quota",
            "token",
            "priorityclass",
            "poddisruptionbudget",
        ),
        _KIND,
    ),
    "rolebinding": _BINDING,
    "clusterrolebinding": _BINDING,
    "secret": Sub(words=Words.NAMED, subcommands=dict.fromkeys(("generic", "tls", "docker-registry"), _KIND)),
    "service": Sub(
        words=Words.NAMED,
        subcommands=dict.fromkeys(("clusterip", "nodeport", "loadbalancer", "externalname"), _KIND),
    ),
}
_KIND_ALIASES = {
    "ns": "namespace",
    "cm": "configmap",
    "sa": "serviceaccount",
    "deploy": "deployment",
    "svc": "service",
    "cj": "cronjob",
    "pdb": "poddisruptionbudget",
    "resourcequota": "quota",
    "pc": "priorityclass",
}


def _access(cmd, resource, names):
    sub = cmd.subcommand
    if not sub:
        return []
    if sub == "token":
        return [Need("create", "serviceaccounts", "token", names[0] if names else "")]
    if sub in {"secret", "service"}:
        return [Need("create", "secrets" if sub == "secret" else "services")]
    return [Need("create", resource)]


def _targets(cmd, objs):
    if cmd.subcommand:
        return canonical_resource(cmd.subcommand), objs[:1]
    return generic_targets(objs)


def _effects(cmd):
    sub = cmd.subcommand
    sources = [f for f in ("--from-file", "--from-env-file") if cmd.has(f)]
    if sources:
        yield (
            Effect.UPLOADS_LOCAL_FILES,
            f"{', '.join(sources)} stores files from this machine in the cluster",
        )
    if sub in {"rolebinding", "clusterrolebinding"}:
        roles = {(cmd.value("--clusterrole") or "").lower(), (cmd.value("--role") or "").lower()}
        broad = sorted(roles & BROAD_ROLES)
        if broad:
            yield Effect.ESCALATES_PRIVILEGE, f"binds the `{broad[0]}` role: privilege escalation"
    if sub in {"role", "clusterrole"}:
        verbs = {v.strip().lower() for val in cmd.flags.get("--verb", []) for v in val.split(",")}
        res = {r.strip() for val in cmd.flags.get("--resource", []) for r in val.split(",")}
        if verbs & ESCALATING_VERBS or "*" in res:
            yield Effect.ESCALATES_PRIVILEGE, "a role with wildcard, escalate, bind or impersonate rights"


SPECS = [
    VerbSpec(
        "create",
        Risk.WRITE,
        open_subcommands=True,
        subcommands=_KINDS,
        subcommand_aliases=_KIND_ALIASES,
        flags=(
            *OUTPUT,
            *FILES,
            *CHANGE,
            Flag("--replicas", True, "r"),  # create deployment -r
            *flags("--raw", "--image", "--port", "--schedule", "--restart"),
            *flags("--from-literal", "--from-file", "--from-env-file", "--from", "--type"),
            *flags("--cert", "--key", "--docker-server", "--docker-username", "--docker-password"),
            *flags("--docker-email", "--tcp", "--node-port", "--clusterip", "--external-name"),
            *flags("--hard", "--scopes", "--value", "--description", "--preemption-policy"),
            *flags("--verb", "--resource", "--resource-name", "--aggregation-rule", "--non-resource-url"),
            *flags("--duration", "--audience", "--bound-object-kind", "--bound-object-name"),
            *flags("--bound-object-uid", "--class", "--rule", "--default-backend", "--annotation"),
            *flags("--min-available", "--max-unavailable", "--selector"),
            *bools("--edit", "--save-config", "--windows-line-endings", "--append-hash", "--global-default"),
        ),
        access=_access,
        server_dry_run=True,
        targets=_targets,
        effects=_effects,
    )
]
