"""kubectl explain: API documentation, no objects."""

from ._common import OUTPUT
from ._spec import Risk, VerbSpec, bools, flags

SPECS = [
    VerbSpec(
        "explain",
        Risk.READ,
        flags=(*OUTPUT, *flags("--api-version"), *bools("--recursive", "--experimental")),
        namespaced=False,
        objects=False,
        manifest_reads=True,
    )
]
