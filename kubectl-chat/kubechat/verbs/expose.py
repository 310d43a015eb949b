"""kubectl expose."""

from ._common import CHANGE, FILES, OUTPUT, SELECTOR
from ._spec import Need, Risk, VerbSpec, Words, flags
from ._spec import each as _each


def _access(cmd, resource, names):
    return [*_each(resource, names, "get"), Need("create", "services")]


SPECS = [
    VerbSpec(
        "expose",
        Risk.WRITE,
        words=Words.RESOURCE,
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *CHANGE,
            *flags("--port", "--target-port", "--protocol", "--name", "--external-ip", "--labels"),
            *flags("--load-balancer-ip", "--session-affinity", "--cluster-ip", "--type"),
            *flags("--overrides", "--override-type"),
        ),
        access=_access,
        server_dry_run=True,
    )
]
