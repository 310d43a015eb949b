"""kubectl diff: a server-side dry run that shows, never changes."""

from ._common import FILES, SELECTOR
from ._spec import Risk, VerbSpec, bools, flags

SPECS = [
    VerbSpec(
        "diff",
        Risk.READ,
        flags=(
            *FILES,
            *SELECTOR,
            *flags("--field-manager", "--prune-allowlist", "--concurrency"),
            *bools("--exit-code", "--server-side", "--force-conflicts", "--prune", "--show-managed-fields"),
        ),
        objects=False,
        manifest_reads=True,
    )
]
