"""kubectl scale: a scale to 0, or down by more than the policy's fraction, is destructive."""

from ._common import ALL_NAMESPACES, CHANGE, FILES, OUTPUT, SELECTOR
from ._spec import Risk, VerbSpec, Words, bools, each, flags


def _risk(cmd, facts):
    raw = cmd.value("--replicas")
    try:
        target = int(raw) if raw is not None else None
    except ValueError:
        return Risk.DESTRUCTIVE, f"replica count `{raw}` is not a number"
    if target is None:
        return Risk.DESTRUCTIVE, "scale without --replicas (treated as destructive)"
    if target <= 0:
        return Risk.DESTRUCTIVE, "scaling to 0 stops the workload"
    current = facts.current_replicas
    if current is None and cmd.value("--current-replicas") is not None:
        try:
            current = int(cmd.value("--current-replicas") or "")
        except ValueError:
            current = None
    fraction = facts.scale_down_fraction
    if current is not None and current > 0 and target < current:
        if (current - target) / current > fraction:
            return Risk.DESTRUCTIVE, (
                f"scaling down from {current} to {target} removes more than {fraction:.0%} of the replicas"
            )
    return Risk.WRITE, f"scale to {target} replicas"


SPECS = [
    VerbSpec(
        "scale",
        Risk.WRITE,
        words=Words.RESOURCE,
        rule=_risk,
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *CHANGE,
            *flags("--replicas", "--current-replicas", "--resource-version", "--timeout"),
            *bools("--all"),
        ),
        access=lambda cmd, resource, names: each(resource, names, "patch", subresource="scale"),
        server_dry_run=True,
        usual_type="deployments",
        # where a scale starts from is read from this subresource (safety/replicas.py)
        extra={"scale_groups": {"deployments": "apps", "statefulsets": "apps", "replicasets": "apps"}},
    )
]
