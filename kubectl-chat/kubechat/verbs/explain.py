"""kubectl explain: API documentation, no objects."""

from ._common import OUTPUT
from ._spec import Risk, VerbSpec, Words, bools, flags

SPECS = [
    VerbSpec(
        "explain",
        Risk.READ,
        words=Words.FIELD_PATH,
        flags=(*OUTPUT, *flags("--api-version"), *bools("--recursive", "--experimental")),
        namespaced=False,
        objects=False,
        manifest_reads=True,
    )
]
