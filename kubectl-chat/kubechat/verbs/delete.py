"""kubectl delete."""

from ._common import ALL_NAMESPACES, FILES, OUTPUT, SELECTOR, changes_admission
from ._spec import Risk, VerbSpec, Words, bools, each, flags


def _access(cmd, resource, names):
    if names:
        return each(resource, names, "delete")
    return each(resource, names, "list") + each(resource, names, "deletecollection")


SPECS = [
    VerbSpec(
        "delete",
        Risk.DESTRUCTIVE,
        words=Words.RESOURCE,
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *flags("--raw", "--grace-period", "--timeout"),
            *flags("--dry-run", "--cascade", "--validate", value=None),
            *bools("--all", "--force", "--now", "--wait", "--ignore-not-found", "--interactive"),
        ),
        access=_access,
        server_dry_run=True,
        effects=changes_admission,
    )
]
