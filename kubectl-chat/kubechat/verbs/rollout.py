"""kubectl rollout SUBCOMMAND."""

from ._common import FILES, OUTPUT, SELECTOR
from ._spec import Need, Risk, Sub, VerbSpec, Words, bools, each, flags


def _patch(cmd, resource, names):
    return each(resource, names, "patch")


def _undo(cmd, resource, names):
    return [*each(resource, names, "patch"), Need("list", "replicasets")]


def _get(cmd, resource, names):
    return each(resource, names, "get")


def _status(reason):
    return Sub(Risk.READ, f"`rollout {reason}` only shows state", access=_get, words=Words.RESOURCE)


def _change(sub):
    return Sub(Risk.WRITE, f"`rollout {sub}` changes a workload", access=_patch, words=Words.RESOURCE)


SPECS = [
    VerbSpec(
        "rollout",
        open_subcommands=True,
        usual_type="deployments",
        subcommands={
            "status": _status("status"),
            "history": _status("history"),
            "restart": _change("restart"),
            "pause": _change("pause"),
            "resume": _change("resume"),
            "undo": Sub(
                Risk.DESTRUCTIVE,
                "`rollout undo` replaces the running version",
                access=_undo,
                words=Words.RESOURCE,
            ),
        },
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *flags("--to-revision", "--revision", "--timeout", "--field-manager"),
            *flags("--dry-run", value=None),
            *bools("--watch"),
        ),
    )
]
