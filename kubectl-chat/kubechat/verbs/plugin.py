"""kubectl plugin list."""

from ._spec import Risk, Sub, VerbSpec, bools

SPECS = [
    VerbSpec(
        "plugin",
        open_subcommands=True,
        subcommands={"list": Sub(Risk.READ, "`plugin list` only lists plugins")},
        flags=bools("--name-only"),
        namespaced=False,
        objects=False,
        complete=False,
    )
]
