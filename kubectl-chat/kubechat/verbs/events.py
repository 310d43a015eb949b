"""kubectl events."""

from ._spec import Flag, Need, Risk, VerbSpec, bools, flags

SPECS = [
    VerbSpec(
        "events",
        Risk.READ,
        flags=(
            Flag("--output", True, "o"),
            Flag("--all-namespaces", False, "A"),
            Flag("--watch", False, "w"),
            *flags("--for", "--types", "--chunk-size", "--template"),
            *bools("--no-headers"),
        ),
        shorthands=False,
        access=lambda cmd, resource, names: [Need("list", "events")],
        manifest_reads=True,
    )
]
