"""kubectl label and annotate: KEY=VALUE and KEY- words are changes, not objects."""

from ._common import (
    ALL_NAMESPACES,
    CHANGE,
    FILES,
    OUTPUT,
    RBAC_RESOURCES,
    SELECTOR,
    objects_from_files,
    target_resources,
    without_assignments,
)
from ._spec import Effect, Risk, VerbSpec, Words, bools, each, flags

# Pod Security admission reads these namespace labels; a mode set to `privileged`, or removed,
# lets pods with host access, privileged containers and any capability into the namespace.
POD_SECURITY_PREFIX = "pod-security.kubernetes.io/"
POD_SECURITY_MODES = ("enforce", "audit", "warn")
POD_SECURITY_LEVELS = {"baseline", "restricted"}


def _weakens_pod_security(change: str) -> bool:
    """`change` (KEY=VALUE or KEY-) removes a Pod Security label or sets a mode to anything but a
    restricting level, or pins a version other than `latest` (older versions check less)."""
    key, eq, value = change.partition("=")
    key = key.removesuffix("-") if not eq else key
    if not key.lower().startswith(POD_SECURITY_PREFIX):
        return False
    mode = key[len(POD_SECURITY_PREFIX) :].lower()
    if not eq:  # KEY- removes it
        return True
    if mode in POD_SECURITY_MODES:
        return value.strip().lower() not in POD_SECURITY_LEVELS
    if mode.removesuffix("-version") in POD_SECURITY_MODES:
        return value.strip().lower() != "latest"
    return True  # a key Pod Security may add later: not known to restrict


def _label_effects(cmd):
    changes = [o for o in cmd.objects if "=" in o or o.endswith("-")]
    if target_resources(cmd) & RBAC_RESOURCES and any("aggregate-to-" in o for o in changes if "=" in o):
        yield Effect.ESCALATES_PRIVILEGE, "an aggregation label adds rules to the aggregated role"
    namespaces = "namespaces" in target_resources(cmd) or objects_from_files(cmd)
    if namespaces and any(_weakens_pod_security(o) for o in changes):
        yield (
            Effect.ESCALATES_PRIVILEGE,
            "a Pod Security label set to `privileged` or removed lets privileged pods into the namespace",
        )


def _spec(name, effects=None):
    return VerbSpec(
        name,
        Risk.WRITE,
        words=Words.ASSIGNMENTS,
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *CHANGE,
            *flags("--resource-version"),
            *bools("--all", "--overwrite", "--local", "--list"),
        ),
        access=lambda cmd, resource, names: each(resource, names, "patch"),
        server_dry_run=True,
        targets=without_assignments,
        effects=effects,
    )


SPECS = [_spec("label", _label_effects), _spec("annotate")]
