"""kubectl autoscale: a HorizontalPodAutoscaler for a workload."""

from ._common import CHANGE, FILES, OUTPUT
from ._spec import Need, Risk, VerbSpec, Words, each, flags

SPECS = [
    VerbSpec(
        "autoscale",
        Risk.WRITE,
        words=Words.RESOURCE,
        flags=(
            *OUTPUT,
            *FILES,
            *CHANGE,
            *flags("--min", "--max", "--cpu-percent", "--cpu", "--memory", "--name"),
        ),
        access=lambda cmd, resource, names: [
            *each(resource, names, "get"),
            Need("create", "horizontalpodautoscalers"),
        ],
        server_dry_run=True,
    )
]
