"""kubectl get."""

from ._common import ALL_NAMESPACES, FILES, OUTPUT, SELECTOR, WATCH
from ._spec import Effect, Flag, Risk, VerbSpec, Words, bools, each, flags


def _access(cmd, resource, names):
    needs = each(resource, names, "get", collective="list")
    if cmd.has("--watch") or cmd.has("--watch-only"):
        needs += each(resource, names, "watch")
    return needs


def _effects(cmd):
    if cmd.value("--raw"):
        yield Effect.REVEALS_SECRETS, "`get --raw` reads any API path, secrets included"


SPECS = [
    VerbSpec(
        "get",
        Risk.READ,
        words=Words.RESOURCE,
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *WATCH,
            Flag("--label-columns", True, "L"),
            *flags("--sort-by", "--chunk-size", "--subresource", "--raw"),
            *bools("--show-labels", "--show-kind", "--no-headers", "--ignore-not-found"),
            # older kubectls
            *bools("--include-uninitialized", "--raw-output", "--subresources"),
        ),
        access=_access,
        manifest_reads=True,
        effects=_effects,
    )
]
