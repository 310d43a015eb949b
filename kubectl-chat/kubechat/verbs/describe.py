"""kubectl describe."""

from ._common import ALL_NAMESPACES, FILES, SELECTOR
from ._spec import Risk, VerbSpec, Words, bools, each, flags

SPECS = [
    VerbSpec(
        "describe",
        Risk.READ,
        words=Words.RESOURCE,
        flags=(*SELECTOR, *FILES, *ALL_NAMESPACES, *flags("--chunk-size"), *bools("--show-events")),
        access=lambda cmd, resource, names: each(resource, names, "get", collective="list"),
        manifest_reads=True,
    )
]
