"""kubectl edit: opens an editor on the objects."""

from ._common import FILES, OUTPUT, edits_access_control
from ._spec import Risk, VerbSpec, Words, bools, each, flags

SPECS = [
    VerbSpec(
        "edit",
        Risk.WRITE,
        words=Words.RESOURCE,
        flags=(
            *OUTPUT,
            *FILES,
            *flags("--field-manager", "--subresource"),
            *flags("--validate", value=None),
            *bools("--save-config", "--windows-line-endings", "--output-patch"),
        ),
        access=lambda cmd, resource, names: each(resource, names, "get") + each(resource, names, "patch"),
        effects=edits_access_control,
    )
]
