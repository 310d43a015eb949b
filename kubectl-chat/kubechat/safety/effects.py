"""What a command does beyond what its verb says: effects that make even a "read" dangerous.

Each effect is a fact read from the argv alone. The risk classifier counts any of them as
destructive, and the policy input carries them (`effects`) so the policy can deny them by name
(`denied_effects` in policies/data.json). Where the argv does not show what a command will do
(a manifest file, a container spec file), the effect is assumed: the classifier cannot read a
file at the moment kubectl does, so it assumes the worst the file could hold.
"""

from __future__ import annotations

from enum import StrEnum

from .command import LOCAL_OUTPUT_FLAGS, Command
from .resources import canonical_resource


class Effect(StrEnum):
    REVEALS_SECRETS = "reveals-secrets"  # prints secret data or kubeconfig credentials
    CONNECTION_OVERRIDE = "connection-override"  # other server, credentials or identity
    EDITS_CREDENTIALS = "edits-credentials"  # kubeconfig servers, users or credential plugins
    RUNS_LOCAL_PROGRAMS = "runs-local-programs"  # programs on this machine (kustomize exec, helm)
    DIAGNOSTIC_FILES = "diagnostic-files"  # profiles and log files written on this machine
    WRITES_LOCAL_FILES = "writes-local-files"  # files on this machine, at a path from the request
    UPLOADS_LOCAL_FILES = "uploads-local-files"  # files from this machine into the cluster
    OPENS_NETWORK_ACCESS = "opens-network-access"  # a cluster port reachable from other machines
    NODE_ACCESS = "node-access"  # privileged or host-level pods
    ESCALATES_PRIVILEGE = "escalates-privilege"  # grants broad or unseen permissions
    UNSEEN_MANIFEST = "unseen-manifest"  # changes objects the argv does not show


# Output formats that print no object data: the default table, `wide` and `name`. Every other
# format (yaml, json, kyaml, jsonpath, templates, custom columns, and whatever kubectl adds next)
# can print a secret's data.
SAFE_OUTPUTS = {"", "wide", "name"}
# Where objects come from when the argv does not name them.
FILE_SOURCE_FLAGS = {"--filename", "--kustomize", "--patch-file", "--raw"}
READ_VERBS_WITH_FILES = {"get", "describe", "diff", "wait", "events", "top", "explain"}

RBAC_RESOURCES = {"roles", "rolebindings", "clusterroles", "clusterrolebindings"}
# Built-in roles that grant write access to (nearly) everything in their scope.
BROAD_ROLES = {"cluster-admin", "admin", "edit"}
# RBAC verbs that let the holder grant themselves more.
ESCALATING_VERBS = {"*", "escalate", "bind", "impersonate"}
# `debug --profile` values that add no privileges to a pod.
UNPRIVILEGED_DEBUG_PROFILES = {"", "legacy", "general", "baseline", "restricted"}
CONFIG_CREDENTIAL_EDITS = {"set-cluster", "set-credentials", "set", "unset"}


def effects(cmd: Command) -> dict[Effect, str]:
    """Each effect of `cmd` with the reason, in words for the user."""
    found: dict[Effect, str] = {}
    for check in (_connection, _local, _secrets, _node, _privilege, _unseen):
        for effect, why in check(cmd):
            found.setdefault(effect, why)
    return found


def _connection(cmd: Command):
    flags = cmd.connection_flags
    if flags:
        yield (
            Effect.CONNECTION_OVERRIDE,
            f"{', '.join(flags)} would change the server, credentials or identity",
        )
    if cmd.verb == "config" and (
        cmd.subcommand in CONFIG_CREDENTIAL_EDITS
        or (cmd.subcommand == "set-context" and (cmd.has("--user") or cmd.has("--cluster")))
    ):
        yield Effect.EDITS_CREDENTIALS, f"`config {cmd.subcommand}` can point every later command elsewhere"
    if cmd.verb == "config" and (cmd.has("--exec-command") or cmd.has("--auth-provider")):
        yield Effect.RUNS_LOCAL_PROGRAMS, "a credential plugin runs a program on every later kubectl call"


def _local(cmd: Command):
    profile = cmd.value("--profile")
    diagnostic = [f for f in sorted(LOCAL_OUTPUT_FLAGS) if cmd.has(f) and f != "--profile"]
    if cmd.verb != "debug" and profile is not None and profile.lower() != "none":
        diagnostic.insert(0, "--profile")
    if diagnostic:
        yield Effect.DIAGNOSTIC_FILES, f"{', '.join(diagnostic)} write files on this machine"
    if cmd.verb == "kustomize":
        runs = [
            f
            for f in ("--enable-exec", "--enable-alpha-plugins", "--enable-helm", "--helm-command")
            if cmd.has(f) and _on(cmd, f)
        ]
        if runs:
            yield Effect.RUNS_LOCAL_PROGRAMS, f"kustomize {', '.join(runs)} runs programs on this machine"
        if cmd.value("--output"):
            yield Effect.WRITES_LOCAL_FILES, "`kustomize --output` writes files on this machine"
    if cmd.verb == "cluster-info" and cmd.value("--output-directory") not in (None, "", "-"):
        yield Effect.WRITES_LOCAL_FILES, "`cluster-info dump --output-directory` writes files on this machine"
    if cmd.verb == "cp" and _cp_to_local(cmd.objects):
        yield Effect.WRITES_LOCAL_FILES, "`cp` from a pod overwrites a file on this machine"
    if cmd.verb == "cp" and _cp_from_local(cmd.objects):
        yield Effect.UPLOADS_LOCAL_FILES, "`cp` into a pod sends a file from this machine"
    sources = [f for f in ("--from-file", "--from-env-file") if cmd.has(f)]
    if cmd.verb == "create" and sources:
        yield (
            Effect.UPLOADS_LOCAL_FILES,
            f"{', '.join(sources)} stores files from this machine in the cluster",
        )
    if cmd.verb == "port-forward" and not _loopback_only(cmd.flags.get("--address", [])):
        yield Effect.OPENS_NETWORK_ACCESS, "`port-forward --address` lets other machines reach the pod"


def _secrets(cmd: Command):
    resources = _resources(cmd)
    unseen = _objects_unseen(cmd)
    if cmd.verb == "config" and cmd.subcommand == "view":
        # kubectl redacts tokens and certificate data, but prints OIDC id/refresh tokens, client
        # secrets and exec plugin environments as they are (and everything with --raw/--flatten).
        yield Effect.REVEALS_SECRETS, "`config view` prints credentials from your kubeconfig"
        return
    if cmd.verb == "get" and cmd.value("--raw"):
        yield Effect.REVEALS_SECRETS, "`get --raw` reads any API path, secrets included"
        return
    if "secrets" not in resources and not unseen:
        return
    what = "secret data" if "secrets" in resources else "data of objects from a file, secrets included"
    if cmd.verb == "apply" and cmd.subcommand == "view-last-applied":
        yield Effect.REVEALS_SECRETS, f"`apply view-last-applied` prints {what}"
    elif cmd.output not in SAFE_OUTPUTS:
        yield Effect.REVEALS_SECRETS, f"output `{cmd.output.split('=', 1)[0]}` prints {what}"
    elif cmd.has("--template"):
        yield Effect.REVEALS_SECRETS, f"--template prints {what}"
    elif not _metadata_only(cmd.value("--sort-by")):
        yield Effect.REVEALS_SECRETS, f"--sort-by orders by {what}"
    elif cmd.verb == "wait" and (cmd.value("--for") or "").lower().startswith("jsonpath"):
        yield Effect.REVEALS_SECRETS, f"`wait --for=jsonpath` tests {what}"


def _node(cmd: Command):
    if cmd.verb == "debug":
        if cmd.targets()[0] == "nodes":
            yield Effect.NODE_ACCESS, "`debug node` runs a pod in the node's namespaces with its filesystem"
        profile = (cmd.value("--profile") or "").lower()
        if profile not in UNPRIVILEGED_DEBUG_PROFILES:
            yield Effect.NODE_ACCESS, f"`debug --profile={profile}` adds privileges to the debug container"
        if cmd.has("--custom"):
            yield (
                Effect.NODE_ACCESS,
                "`debug --custom` takes a container spec from a file, privileges included",
            )
    if cmd.verb == "run":
        if cmd.has("--privileged") and _on(cmd, "--privileged"):
            yield Effect.NODE_ACCESS, "`run --privileged` starts a privileged pod"
        if cmd.has("--overrides"):
            yield Effect.NODE_ACCESS, "`run --overrides` can make the pod privileged or give it host access"


def _privilege(cmd: Command):
    verb, sub = cmd.verb, cmd.subcommand
    if verb == "create" and sub in {"rolebinding", "clusterrolebinding"}:
        roles = {(cmd.value("--clusterrole") or "").lower(), (cmd.value("--role") or "").lower()}
        broad = sorted(roles & BROAD_ROLES)
        if broad:
            yield Effect.ESCALATES_PRIVILEGE, f"binds the `{broad[0]}` role: privilege escalation"
    if verb == "create" and sub in {"role", "clusterrole"}:
        verbs = {v.strip().lower() for val in cmd.flags.get("--verb", []) for v in val.split(",")}
        res = {r.strip() for val in cmd.flags.get("--resource", []) for r in val.split(",")}
        if verbs & ESCALATING_VERBS or "*" in res:
            yield Effect.ESCALATES_PRIVILEGE, "a role with wildcard, escalate, bind or impersonate rights"
    if verb == "set" and sub == "subject":
        yield Effect.ESCALATES_PRIVILEGE, "`set subject` adds someone to an existing role binding"
    if verb in {"patch", "replace", "apply", "edit"} and _resources(cmd) & RBAC_RESOURCES:
        yield Effect.ESCALATES_PRIVILEGE, f"`{verb}` on RBAC objects changes who may do what"
    if verb == "label" and _resources(cmd) & RBAC_RESOURCES:
        if any("aggregate-to-" in o for o in cmd.objects if "=" in o):
            yield Effect.ESCALATES_PRIVILEGE, "an aggregation label adds rules to the aggregated role"


def _unseen(cmd: Command):
    if cmd.verb in READ_VERBS_WITH_FILES or not cmd.verb:
        return
    if cmd.verb == "apply" and cmd.subcommand == "view-last-applied":
        return
    sources = sorted(f for f in FILE_SOURCE_FLAGS if cmd.has(f))
    if sources or (cmd.verb == "auth" and cmd.subcommand == "reconcile"):
        yield (
            Effect.UNSEEN_MANIFEST,
            (
                f"`{cmd.verb} {' '.join(sources) or '-f'}`: the objects come from a file kubectl reads, not "
                "from the command, so they could delete, grant any role or run privileged pods"
            ),
        )


def _resources(cmd: Command) -> set[str]:
    resource, _ = cmd.targets()
    return {canonical_resource(r) for r in resource.split(",") if r}


def _objects_unseen(cmd: Command) -> bool:
    return any(cmd.has(f) for f in ("--filename", "--kustomize"))


def _metadata_only(sort_by: str | None) -> bool:
    # Sorting by a data field orders the objects by their secret values.
    return sort_by is None or sort_by.lstrip("{").startswith(".metadata.")


def _cp_to_local(objs: list[str]) -> bool:
    # `cp SRC DEST`: the destination is local when it has no `pod:` part.
    return len(objs) >= 2 and ":" in objs[0] and ":" not in objs[-1]


def _cp_from_local(objs: list[str]) -> bool:
    return len(objs) >= 2 and ":" not in objs[0] and ":" in objs[-1]


LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _loopback_only(values: list[str]) -> bool:
    # `--address` defaults to localhost; a list such as `localhost,10.0.0.1` opens the others too.
    return all(a.strip().lower() in LOOPBACK for v in values for a in v.split(","))


def _on(cmd: Command, flag: str) -> bool:
    value = (cmd.value(flag) or "").lower()
    return value not in {"false", "0"}
