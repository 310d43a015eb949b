"""kubectl top pod|node: metrics from metrics.k8s.io."""

from ._spec import Flag, Need, Risk, Sub, VerbSpec, Words, bools, flags


def _access(cmd, resource, names):
    if resource == "nodes":
        return [Need("list", "nodes", group="metrics.k8s.io", cluster_wide=True)]
    return [Need("list", "pods", group="metrics.k8s.io")]


SPECS = [
    VerbSpec(
        "top",
        Risk.READ,
        flags=(
            Flag("--selector", True, "l"),
            Flag("--all-namespaces", False, "A"),
            *flags("--field-selector", "--sort-by"),
            *bools("--containers", "--no-headers", "--use-protocol-buffers", "--sum", "--show-capacity"),
            *bools("--sort-by-cpu", "--sort-by-memory"),
        ),
        shorthands=False,
        access=_access,
        manifest_reads=True,
        # the argv reader takes `pod`/`node` as the type measured
        object_subcommands={"pod": Sub(words=Words.TARGET), "node": Sub(words=Words.ANY_NODES)},
        subcommand_aliases={"pods": "pod", "po": "pod", "nodes": "node", "no": "node"},
    )
]
