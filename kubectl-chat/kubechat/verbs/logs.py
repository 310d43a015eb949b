"""kubectl logs: -f is --follow and -p --previous here, not --filename."""

from ._common import pod_target
from ._spec import Flag, Need, Risk, VerbSpec, Words, bools, flags


def _access(cmd, resource, names):
    pod = names[0] if names else ""
    needs = []
    if resource != "pods":
        needs.append(Need("get", resource, name=pod))
        pod = ""
    return [*needs, Need("get", "pods", "log", pod)]


SPECS = [
    VerbSpec(
        "logs",
        Risk.READ,
        words=Words.TARGET,
        flags=(
            Flag("--output", True, "o"),
            Flag("--selector", True, "l"),
            Flag("--container", True, "c"),
            Flag("--follow", False, "f"),
            Flag("--previous", False, "p"),
            *flags("--since", "--since-time", "--tail", "--max-log-requests", "--limit-bytes"),
            *flags("--pod-running-timeout"),
            *flags("--all-containers", "--all-pods", value=None),
            *bools("--timestamps", "--prefix", "--ignore-errors", "--insecure-skip-tls-verify-backend"),
        ),
        shorthands=False,
        access=_access,
        targets=pod_target,
    )
]
