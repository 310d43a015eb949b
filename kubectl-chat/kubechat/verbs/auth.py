"""kubectl auth SUBCOMMAND."""

from ._common import FILES, OUTPUT
from ._spec import Risk, Sub, VerbSpec, bools, flags


def _reconcile(cmd, facts):
    if cmd.has("--remove-extra-permissions") or cmd.has("--remove-extra-subjects"):
        return Risk.DESTRUCTIVE, "`auth reconcile` removing permissions or subjects"
    return Risk.WRITE, "`auth reconcile` changes RBAC objects"


def _ask(sub):
    return Sub(Risk.READ, f"`auth {sub}` only asks the API server")


SPECS = [
    VerbSpec(
        "auth",
        open_subcommands=True,
        subcommands={"can-i": _ask("can-i"), "whoami": _ask("whoami"), "reconcile": Sub(manifest=True)},
        rule=_reconcile,  # the one subcommand without a fixed class
        flags=(
            *OUTPUT,
            *FILES,
            *flags("--subresource"),
            *flags("--dry-run", value=None),
            *bools("--list", "--no-headers", "--quiet", "--all-namespaces"),
            *bools("--remove-extra-permissions", "--remove-extra-subjects"),
        ),
        objects=False,
    )
]
