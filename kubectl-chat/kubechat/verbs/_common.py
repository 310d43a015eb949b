"""Flag groups and rules several kubectl verbs share (kubectl builds its commands from the same
option structs: printing, file sources, selectors, dry run)."""

from __future__ import annotations

from ..safety.resources import canonical_resource
from ._spec import Effect, Flag, bools, flags

# printing: -o and the template flags (kubectl's PrintFlags)
OUTPUT = (
    Flag("--output", True, "o"),
    *flags("--template"),
    *bools("--allow-missing-template-keys", "--show-managed-fields"),
)
SELECTOR = (Flag("--selector", True, "l"), *flags("--field-selector"))
# objects from files (kubectl's FilenameOptions)
FILES = (Flag("--filename", True, "f"), Flag("--kustomize", True, "k"), Flag("--recursive", False, "R"))
ALL_NAMESPACES = (Flag("--all-namespaces", False, "A"),)
# a change the API server can rehearse (--dry-run=server), with a field manager
CHANGE = (
    *flags("--dry-run", "--validate", value=None),
    *flags("--field-manager"),
    *bools("--record"),
)
WATCH = (Flag("--watch", False, "w"), *bools("--watch-only", "--output-watch-events"))

# Objects whose change alters who may do what.
RBAC_RESOURCES = {"roles", "rolebindings", "clusterroles", "clusterrolebindings"}
# Objects that decide which requests the API server admits: changing or removing one switches
# off the checks every other request goes through. Singular forms too, for the types the
# resource table does not know (canonical_resource passes those through as typed).
ADMISSION_RESOURCES = {
    "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicy",
    "validatingadmissionpolicybindings",
    "validatingadmissionpolicybinding",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicy",
    "mutatingadmissionpolicybindings",
    "mutatingadmissionpolicybinding",
}


def target_resources(cmd) -> set[str]:
    """The canonical resource types the command names."""
    return {r for r in cmd.targets()[0].split(",") if r}


def objects_from_files(cmd) -> bool:
    return cmd.has("--filename") or cmd.has("--kustomize")


def edits_access_control(cmd):
    """Effects rule for verbs that change objects in place (patch, replace, apply, edit): RBAC
    objects and admission configuration decide what every other request may do."""
    if target_resources(cmd) & RBAC_RESOURCES:
        yield Effect.ESCALATES_PRIVILEGE, f"`{cmd.verb}` on RBAC objects changes who may do what"
    yield from changes_admission(cmd)


def changes_admission(cmd):
    """Effects rule for verbs that change or remove admission webhooks and policies (and `delete`,
    which may remove them; deleting RBAC objects takes access away and is not covered here)."""
    if target_resources(cmd) & ADMISSION_RESOURCES:
        yield (
            Effect.ESCALATES_PRIVILEGE,
            f"`{cmd.verb}` on admission webhooks or policies changes which requests the API server admits",
        )


def pod_target(cmd, objs: list[str]) -> tuple[str, list[str]]:
    """`POD`, `TYPE/NAME` (a workload whose pod kubectl picks)."""
    if not objs:
        return "pods", []
    first = objs[0]
    if "/" in first:
        res, name = first.split("/", 1)
        return canonical_resource(res), [name]
    return "pods", [first]


def node_target(cmd, objs: list[str]) -> tuple[str, list[str]]:
    return "nodes", [o.split("/", 1)[-1] for o in objs]


def without_assignments(cmd, objs: list[str]) -> tuple[str, list[str]]:
    """Objects of `label`/`annotate`/`set`: the words that are not `key=value` or `key-`."""
    return generic_targets([o for o in objs if "=" not in o and not o.endswith("-")])


def generic_targets(objs: list[str]) -> tuple[str, list[str]]:
    """(canonical resource, names) from `pods a b`, `pod/a deploy/b`, `pods,svc`."""
    if not objs:
        return "", []
    if any("/" in o for o in objs):
        kinds = {canonical_resource(o.split("/", 1)[0]) for o in objs if "/" in o}
        names = [o.split("/", 1)[1] for o in objs if "/" in o]
        return ",".join(sorted(kinds)), names
    return ",".join(canonical_resource(r) for r in objs[0].split(",")), objs[1:]
