"""What a command does beyond what its verb says: effects that make even a "read" dangerous.

Each effect is a fact read from the argv alone. The risk classifier counts any of them as
destructive, and the policy input carries them (`effects`) so the policy can deny them by name
(`denied_effects` in policies/data.json). Where the argv does not show what a command will do
(a manifest file, a container spec file), the effect is assumed: the classifier cannot read a
file at the moment kubectl does, so it assumes the worst the file could hold.

The checks here apply to every verb (connection flags, diagnostic files, secret data in the
output, objects from files); what only one verb does is in its spec (`effects` in
kubechat/verbs/).
"""

from __future__ import annotations

import re

from .. import verbs
from ..verbs import Effect
from ..verbs._common import objects_from_files, target_resources
from ..verbs._spec import on_off
from .command import LOCAL_OUTPUT_FLAGS, Command

__all__ = ["Effect", "effects"]

# Output formats that print no object data: the default table, `wide` and `name`. Every other
# format (yaml, json, kyaml, jsonpath, templates, custom columns, and whatever kubectl adds next)
# can print a secret's data.
SAFE_OUTPUTS = {"", "wide", "name"}
# Where objects come from when the argv does not name them.
FILE_SOURCE_FLAGS = {"--filename", "--kustomize", "--patch-file", "--raw"}


def effects(cmd: Command) -> dict[Effect, str]:
    """Each effect of `cmd` with the reason, in words for the user."""
    found: dict[Effect, str] = {}
    spec = cmd.spec
    checks = [_connection, _local]
    if spec is not None and spec.effects is not None:
        checks.append(spec.effects)
    for check in (*checks, _secrets, _unseen, _bulk):
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


def _local(cmd: Command):
    profile = cmd.value("--profile")
    diagnostic = [f for f in sorted(LOCAL_OUTPUT_FLAGS) if cmd.has(f) and f != "--profile"]
    # A verb's own --profile (debug's container profile) is not the global profiling flag.
    global_profile = "--profile" not in verbs.own_flags(cmd.verb)
    if global_profile and profile is not None and profile.lower() != "none":
        diagnostic.insert(0, "--profile")
    if diagnostic:
        yield Effect.DIAGNOSTIC_FILES, f"{', '.join(diagnostic)} write files on this machine"


def _secrets(cmd: Command):
    secrets = "secrets" in target_resources(cmd)
    if not secrets and not objects_from_files(cmd):
        return
    what = "secret data" if secrets else "data of objects from a file, secrets included"
    if cmd.output not in SAFE_OUTPUTS:
        yield Effect.REVEALS_SECRETS, f"output `{cmd.output.split('=', 1)[0]}` prints {what}"
    elif cmd.has("--template"):
        yield Effect.REVEALS_SECRETS, f"--template prints {what}"
    elif not _metadata_only(cmd.value("--sort-by")):
        yield Effect.REVEALS_SECRETS, f"--sort-by orders by {what}"


def _unseen(cmd: Command):
    spec = cmd.spec
    if not cmd.verb or (spec is not None and spec.manifest_reads):
        return
    sub = spec.subcommands.get(cmd.subcommand) if spec is not None and cmd.subcommand else None
    if sub is not None and sub.risk is verbs.Risk.READ:  # `apply view-last-applied` only shows
        return
    sources = sorted(f for f in FILE_SOURCE_FLAGS if cmd.has(f))
    if sources or (sub is not None and sub.manifest):
        yield (
            Effect.UNSEEN_MANIFEST,
            (
                f"`{cmd.verb} {' '.join(sources) or '-f'}`: the objects come from a file kubectl reads, not "
                "from the command, so they could delete, grant any role or run privileged pods"
            ),
        )


def _bulk(cmd: Command):
    """A change or delete of every object of a type: `--all`, `delete all`, or selectors that
    only exclude (`-l '!x'`, `app!=zzz`, `notin`, `--field-selector metadata.name!=x`, an empty
    selector) and so match whatever exists, objects created after the request was read included."""
    spec = cmd.spec
    if spec is None or objects_from_files(cmd) or _class(cmd) is verbs.Risk.READ:
        return
    resource, names = cmd.targets()
    deletes = spec.risk is verbs.Risk.DESTRUCTIVE and cmd.verb in BULK_DELETE_VERBS
    why = ""
    if cmd.has("--all") and on_off(cmd, "--all"):
        why = "--all"
    elif deletes and "all" in resource.split(","):
        why = "`all` (every workload type)"
    elif not names and _selects_everything(cmd):
        why = "a selector that only excludes"
    if why and deletes:
        yield Effect.BULK_DELETE, f"`{cmd.verb}` with {why} deletes every matching object there is"
    elif why:
        yield Effect.BULK_CHANGE, f"`{cmd.verb}` with {why} changes every matching object there is"


# Verbs whose bulk form removes objects or evicts pods (the others change them).
BULK_DELETE_VERBS = {"delete", "drain"}


def _class(cmd: Command) -> verbs.Risk:
    """The class the verb or its subcommand declares, before any rule (`rollout status` reads)."""
    spec = cmd.spec
    sub = spec.subcommands.get(cmd.subcommand) if spec is not None and cmd.subcommand else None
    if sub is not None and sub.risk is not None:
        return sub.risk
    return spec.risk if spec is not None else verbs.Risk.DESTRUCTIVE


def _selects_everything(cmd: Command) -> bool:
    """Selectors are given and every one only excludes: nothing limits what they match."""
    given = [(f, v) for f in ("--selector", "--field-selector") for v in cmd.flags.get(f, [])]
    return bool(given) and all(_only_excludes(v, labels=f == "--selector") for f, v in given)


# A label requirement that excludes: `!key`, `key!=v`, `key notin (a,b)`.
_EXCLUDING_LABEL = re.compile(r"^\s*(?:!.*|[^=!<>\s]+\s*!=.*|\S+\s+notin\s*\(.*)$", re.S)


def _only_excludes(selector: str, *, labels: bool) -> bool:
    """Every requirement of the selector excludes (an empty selector matches everything)."""
    parts = _requirements(selector)
    if labels:
        return all(_EXCLUDING_LABEL.match(p) or not p.strip() for p in parts)
    return all("!=" in p or not p.strip() for p in parts)


def _requirements(selector: str) -> list[str]:
    """Comma-separated requirements; commas inside `in (a,b)` sets do not separate."""
    parts, depth, current = [], 0, ""
    for ch in selector:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _metadata_only(sort_by: str | None) -> bool:
    # Sorting by a data field orders the objects by their secret values.
    return sort_by is None or sort_by.lstrip("{").startswith(".metadata.")
