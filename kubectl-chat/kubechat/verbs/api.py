"""kubectl api-resources, api-versions, version and cluster-info: what the server is."""

from ._common import OUTPUT
from ._spec import Effect, Risk, Sub, VerbSpec, bools, flags


def _cluster_info_effects(cmd):
    if cmd.value("--output-directory") not in (None, "", "-"):
        yield Effect.WRITES_LOCAL_FILES, "`cluster-info dump --output-directory` writes files on this machine"


SPECS = [
    VerbSpec(
        "api-resources",
        Risk.READ,
        flags=(
            *OUTPUT,
            *flags("--api-group", "--verbs", "--sort-by", "--categories"),
            *bools("--namespaced", "--no-headers", "--cached"),
        ),
        namespaced=False,
        objects=False,
    ),
    VerbSpec("api-versions", Risk.READ, namespaced=False, objects=False),
    VerbSpec("version", Risk.READ, flags=(*OUTPUT, *bools("--client")), namespaced=False, objects=False),
    VerbSpec(
        "cluster-info",
        Risk.READ,
        flags=(
            *OUTPUT,
            *flags("--output-directory", "--namespaces", "--pod-running-timeout"),
            *bools("--all-namespaces"),
        ),
        objects=False,
        effects=_cluster_info_effects,
        object_subcommands={"dump": Sub()},
    ),
]
