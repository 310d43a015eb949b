"""kubectl label and annotate: KEY=VALUE and KEY- words are changes, not objects."""

from ._common import (
    ALL_NAMESPACES,
    CHANGE,
    FILES,
    OUTPUT,
    RBAC_RESOURCES,
    SELECTOR,
    target_resources,
    without_assignments,
)
from ._spec import Effect, Risk, VerbSpec, bools, each, flags


def _label_effects(cmd):
    if target_resources(cmd) & RBAC_RESOURCES and any("aggregate-to-" in o for o in cmd.objects if "=" in o):
        yield Effect.ESCALATES_PRIVILEGE, "an aggregation label adds rules to the aggregated role"


def _spec(name, effects=None):
    return VerbSpec(
        name,
        Risk.WRITE,
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
