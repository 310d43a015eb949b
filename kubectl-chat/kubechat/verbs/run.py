"""kubectl run: -l is --labels here."""

from ._common import CHANGE, FILES, OUTPUT
from ._spec import Effect, Flag, Need, Risk, VerbSpec, Words, bools, flags, on_off


def _effects(cmd):
    if on_off(cmd, "--privileged"):
        yield Effect.NODE_ACCESS, "`run --privileged` starts a privileged pod"
    if cmd.has("--overrides"):
        yield Effect.NODE_ACCESS, "`run --overrides` can make the pod privileged or give it host access"


SPECS = [
    VerbSpec(
        "run",
        Risk.WRITE,
        words=Words.NAMED,
        flags=(
            *OUTPUT,
            *FILES,
            *CHANGE,
            Flag("--labels", True, "l"),
            Flag("--stdin", False, "i"),
            Flag("--tty", False, "t"),
            *flags("--image", "--image-pull-policy", "--env", "--overrides", "--restart", "--port"),
            *flags("--pod-running-timeout", "--annotations", "--override-type", "--timeout"),
            *flags("--cascade", value=None),
            Flag("--quiet", False, "q"),
            *bools("--rm", "--privileged", "--attach", "--leave-stdin-open", "--expose"),
            # the words after -- are the command itself, not arguments to the image's entrypoint
            *bools("--command"),
        ),
        access=lambda cmd, resource, names: [Need("create", "pods")],
        server_dry_run=True,
        targets=lambda cmd, objs: ("pods", objs[:1]),
        effects=_effects,
    )
]
