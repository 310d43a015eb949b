"""kubectl cordon, uncordon, drain and taint: nodes (cluster-scoped)."""

from ..safety.resources import canonical_resource
from ._common import OUTPUT, SELECTOR, node_target
from ._spec import Need, Risk, VerbSpec, Words, bools, each, flags


def _patch_nodes(cmd, resource, names):
    return [Need("patch", "nodes", name=n) for n in names or [""]]


def _drain_access(cmd, resource, names):
    # evictions happen in every namespace with pods on the node
    return [
        *_patch_nodes(cmd, resource, names),
        Need("list", "pods", cluster_wide=True),
        Need("create", "pods", "eviction", cluster_wide=True),
    ]


def _taint_risk(cmd, facts):
    if any(a.endswith(":NoExecute") for a in cmd.objects):
        return Risk.DESTRUCTIVE, "a NoExecute taint evicts running pods"
    return Risk.WRITE, "`taint` changes node scheduling"


def _taint_target(cmd, objs):
    first = objs[0] if objs else ""
    if "/" in first:
        res, name = first.split("/", 1)
        return canonical_resource(res), [name]
    rest = [o for o in objs[1:] if "=" not in o and ":" not in o and not o.endswith("-")]
    return canonical_resource(first) if first else "nodes", rest[:1]


DRY_RUN = flags("--dry-run", value=None)

SPECS = [
    *(
        VerbSpec(
            name,
            Risk.WRITE,
            words=Words.NODES,
            flags=(*SELECTOR, *DRY_RUN),
            access=_patch_nodes,
            server_dry_run=True,
            namespaced=False,
            targets=node_target,
        )
        for name in ("cordon", "uncordon")
    ),
    VerbSpec(
        "drain",
        Risk.DESTRUCTIVE,
        words=Words.NODES,
        flags=(
            *SELECTOR,
            *DRY_RUN,
            *flags("--grace-period", "--timeout", "--pod-selector", "--skip-wait-for-delete-timeout"),
            *bools("--force", "--ignore-daemonsets", "--delete-emptydir-data", "--disable-eviction"),
        ),
        access=_drain_access,
        server_dry_run=True,
        namespaced=False,
        targets=node_target,
    ),
    VerbSpec(
        "taint",
        Risk.WRITE,
        words=Words.ASSIGNMENTS,
        rule=_taint_risk,
        flags=(*OUTPUT, *SELECTOR, *DRY_RUN, *flags("--field-manager"), *bools("--all", "--overwrite")),
        access=lambda cmd, resource, names: each(resource, names, "patch"),
        server_dry_run=True,
        namespaced=False,
        targets=_taint_target,
    ),
]
