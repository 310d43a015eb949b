"""The one decision path: assess a kubectl argv, build the policy input and ask the policy. The
conversation (before a command runs) and `kubectl chat policy explain` both call `evaluate`, so
explain can never show a decision a real run would not make."""

from __future__ import annotations

from dataclasses import dataclass

from .. import verbs
from ..kubectl_options import KubectlOptions
from .assess import Assessment, assess
from .command import ParseError, insert_flags
from .policy import Decision, Mode, PolicyInput, PolicySettings, decide, input_for


@dataclass
class Evaluation:
    assessment: Assessment
    input: PolicyInput
    decision: Decision


def scoped_argv(argv: list[str], options: KubectlOptions) -> list[str]:
    """argv with kubectl chat's own -A applied: a read that can list across namespaces and names
    no namespace of its own gets --all-namespaces (other commands keep their scope)."""
    spec = verbs.lookup(argv[0]) if argv else None
    if (
        not options.all_namespaces
        or spec is None
        or spec.risk is not verbs.Risk.READ
        or spec.subcommands
        or "--all-namespaces" not in verbs.own_flags(spec.name)
        or _has_namespace_flag(argv)
    ):
        return argv
    try:
        return insert_flags(argv, "--all-namespaces")
    except ParseError:
        return argv  # no clear verb: the command keeps the scope it was translated with


def _has_namespace_flag(argv: list[str]) -> bool:
    return any(
        a in ("-n", "--namespace", "-A", "--all-namespaces") or a.startswith("--namespace=") for a in argv
    )


def evaluate(
    argv: list[str],
    *,
    options: KubectlOptions,
    namespace: str,
    cluster: str = "",
    context: str = "",
    mode: Mode = "read-only",
    user: str = "",
    groups: list[str] | None = None,
    offline: bool = False,
    settings: PolicySettings | None = None,
) -> Evaluation:
    """Assess argv where it would run (the context's `namespace`), for `user` in `mode`, and ask
    the policy. Online, a scale reads the replica count it starts from (a large scale-down is
    destructive; only the cluster knows where it starts)."""
    from . import replicas

    facts: dict = {"scale_down_fraction": replicas.scale_down_fraction()}
    spec = verbs.lookup(argv[0]) if argv else None
    if spec is not None and spec.extra.get("scale_groups") and not offline:
        facts["current_replicas"] = replicas.current_replicas(argv, options, namespace)
    found = assess(argv, default_namespace=namespace, **facts)
    inp = input_for(found, user=user, groups=groups, cluster=cluster, context=context, mode=mode)
    return Evaluation(found, inp, decide(inp, settings))
