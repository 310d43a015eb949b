"""kubectl wait --for=CONDITION."""

from ._common import ALL_NAMESPACES, FILES, OUTPUT, SELECTOR, objects_from_files, target_resources
from ._spec import Effect, Risk, VerbSpec, Words, bools, each, flags


def _effects(cmd):
    if not (cmd.value("--for") or "").lower().startswith("jsonpath"):
        return
    secrets = "secrets" in target_resources(cmd)
    if secrets or objects_from_files(cmd):
        what = "secret data" if secrets else "data of objects from a file, secrets included"
        yield Effect.REVEALS_SECRETS, f"`wait --for=jsonpath` tests {what}"


SPECS = [
    VerbSpec(
        "wait",
        Risk.READ,
        words=Words.RESOURCE,
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *flags("--for", "--timeout"),
            *bools("--all", "--local"),
        ),
        access=lambda cmd, resource, names: (
            each(resource, names, "get", collective="list") + each(resource, names, "watch")
        ),
        manifest_reads=True,
        effects=_effects,
    )
]
