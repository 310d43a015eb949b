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
    """A change or delete of every object of a type: `--all`, `delete all`, or selectors that pin
    no value (`-l '!x'`, `app!=zzz`, `notin`, `-l app`, `--field-selector metadata.name!=x`,
    `metadata.namespace=NS`, an empty selector) and so match whatever exists, objects created
    after the request was read included."""
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
        why = "a selector that pins no value"
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
    """Selectors are given and none of them bounds what they match.

    kubectl keeps only the last value of a repeated `-l` or `--field-selector` (pflag's string
    flags overwrite), so only that one is read. The two selectors are ANDed: one bounded selector
    bounds the request."""
    label, field = cmd.value("--selector"), cmd.value("--field-selector")
    if label is None and field is None:
        return False
    return not (_label_pins(label or "") or _field_pins(field or ""))


# A label requirement that pins a value: `key=v`, `key==v`, `key in (a,b)`. Everything else
# (`key` exists, `!key`, `!=`, `notin`, `>`/`<`) can match every object carrying a common key
# (pod-template-hash, kubernetes.io/hostname). Anything these patterns do not read counts as
# pinning nothing: an unread selector is never taken as a bound.
_LABEL_KEY = r"[A-Za-z0-9][A-Za-z0-9._/-]*"
_LABEL_VALUE = r"[A-Za-z0-9._-]*"
_PINNING_LABEL = re.compile(
    rf"^\s*{_LABEL_KEY}\s*(?:==?\s*{_LABEL_VALUE}"
    rf"|\s+in\s*\(\s*{_LABEL_VALUE}[A-Za-z0-9]{_LABEL_VALUE}(?:\s*,\s*{_LABEL_VALUE})*\s*\))\s*$"
)


def _label_pins(selector: str) -> bool:
    return any(_PINNING_LABEL.match(p) for p in _label_requirements(selector))


def _label_requirements(selector: str) -> list[str]:
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


# Field terms that hold for every object the request can reach (the request's own namespace).
_ALWAYS_TRUE_FIELDS = {"metadata.namespace"}


def _field_pins(selector: str) -> bool:
    """Some `field=value` term pins a value. Terms and values are read as the API server reads
    them (apimachinery fields.ParseSelector): `\\,` and `\\=` escape, the first `!=`, `==` or
    `=` splits a term. A selector the server would refuse pins nothing."""
    terms = _field_terms(selector)
    if terms is None:
        return False
    return any(op != "!=" and lhs.strip() not in _ALWAYS_TRUE_FIELDS for lhs, op in terms)


def _field_terms(selector: str) -> list[tuple[str, str]] | None:
    """(field, operator) of each term; None when the server would refuse the selector."""
    terms, current, escaped = [], "", False
    for ch in selector:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(current)
            current = ""
            continue
        current += ch
    terms.append(current)
    out = []
    for term in filter(None, terms):
        split = re.search(r"!=|==|=", term)
        if split is None or not _valid_field_value(term[split.end() :]):
            return None
        out.append((term[: split.start()], split.group()))
    return out


def _valid_field_value(value: str) -> bool:
    # Only `\\`, `\\,` and `\\=` are escapes; an unescaped `,` or `=` is refused.
    return re.fullmatch(r"(?:[^\\,=]|\\[\\,=])*", value) is not None


def _metadata_only(sort_by: str | None) -> bool:
    # Sorting by a data field orders the objects by their secret values.
    return sort_by is None or sort_by.lstrip("{").startswith(".metadata.")
