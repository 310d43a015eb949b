"""kubectl replace: --force deletes and recreates."""

from ._common import CHANGE, FILES, OUTPUT, edits_access_control
from ._spec import Risk, VerbSpec, bools, flags


def _risk(cmd, facts):
    if cmd.has("--force"):
        return Risk.DESTRUCTIVE, "`replace --force` deletes and recreates objects"
    return Risk.WRITE, "`replace` changes the cluster"


SPECS = [
    VerbSpec(
        "replace",
        Risk.WRITE,
        rule=_risk,
        flags=(
            *OUTPUT,
            *FILES,
            *CHANGE,
            *flags("--raw", "--grace-period", "--timeout", "--subresource"),
            *flags("--cascade", value=None),
            *bools("--force", "--wait", "--save-config"),
        ),
        server_dry_run=True,
        effects=edits_access_control,
    )
]
