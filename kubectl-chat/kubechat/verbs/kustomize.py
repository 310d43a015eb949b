"""kubectl kustomize: renders a kustomization locally (and may run programs doing so)."""

from ._spec import Effect, Flag, Risk, VerbSpec, bools, flags, on_off

_RUNS_PROGRAMS = ("--enable-exec", "--enable-alpha-plugins", "--enable-helm", "--helm-command")


def _effects(cmd):
    runs = [f for f in _RUNS_PROGRAMS if on_off(cmd, f)]
    if runs:
        yield Effect.RUNS_LOCAL_PROGRAMS, f"kustomize {', '.join(runs)} runs programs on this machine"
    if cmd.value("--output"):
        yield Effect.WRITES_LOCAL_FILES, "`kustomize --output` writes files on this machine"


SPECS = [
    VerbSpec(
        "kustomize",
        Risk.READ,  # renders locally
        flags=(
            Flag("--output", True, "o"),
            *flags("--helm-command", "--helm-api-versions", "--helm-kube-version", "--load-restrictor"),
            *flags("--mount", "--network-name", "--reorder", "--env"),
            *bools("--enable-exec", "--enable-alpha-plugins", "--enable-helm", "--enable-managedby-label"),
            *bools("--as-current-user", "--network", "--helm-debug"),
        ),
        namespaced=False,
        objects=False,
        effects=_effects,
    )
]
