"""kubectl apply and its last-applied subcommands."""

from ._common import (
    ALL_NAMESPACES,
    CHANGE,
    FILES,
    OUTPUT,
    SELECTOR,
    edits_access_control,
    objects_from_files,
    target_resources,
)
from ._spec import Effect, Risk, Sub, VerbSpec, Words, bools, flags


def _risk(cmd, facts):
    if cmd.has("--prune"):
        return Risk.DESTRUCTIVE, "`apply --prune` deletes objects missing from the manifests"
    if cmd.has("--force"):
        return Risk.DESTRUCTIVE, "`apply --force` deletes and recreates objects"
    return Risk.WRITE, "`apply` changes objects"


def _effects(cmd):
    if cmd.subcommand == "view-last-applied":
        secrets = "secrets" in target_resources(cmd)
        if secrets or objects_from_files(cmd):
            what = "secret data" if secrets else "data of objects from a file, secrets included"
            yield Effect.REVEALS_SECRETS, f"`apply view-last-applied` prints {what}"
    yield from edits_access_control(cmd)


SPECS = [
    VerbSpec(
        "apply",
        Risk.WRITE,
        rule=_risk,
        subcommands={
            "view-last-applied": Sub(
                Risk.READ, "`apply view-last-applied` only shows state", words=Words.RESOURCE
            ),
            "set-last-applied": Sub(),
            "edit-last-applied": Sub(),
        },
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *CHANGE,
            *flags("--prune-allowlist", "--grace-period", "--timeout"),
            *flags("--cascade", value=None),
            *bools("--all", "--prune", "--force", "--overwrite", "--server-side", "--force-conflicts"),
            *bools("--wait", "--create-annotation"),
        ),
        server_dry_run=True,
        effects=_effects,
    )
]
