"""kubectl proxy: serves the API with the user's credentials on this machine."""

from ._spec import Flag, Risk, VerbSpec, bools, flags

SPECS = [
    VerbSpec(
        "proxy",
        Risk.DESTRUCTIVE,  # exposes the whole API with the user's credentials to every local process
        flags=(
            Flag("--port", True, "p"),
            Flag("--api-prefix", True, "P"),
            Flag("--www", True, "w"),
            Flag("--unix-socket", True, "u"),
            *flags("--address", "--accept-hosts", "--accept-paths", "--reject-methods", "--reject-paths"),
            *flags("--www-prefix", "--keepalive"),
            *bools("--disable-filter", "--append-server-path"),
        ),
        shorthands=False,
        namespaced=False,
        complete=False,
    )
]
