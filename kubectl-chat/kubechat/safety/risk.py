"""Risk classes from the kubectl argv alone — never from a model's opinion of its own command.

read: shows state. write: changes state in a way that is easy to reverse. destructive: loses
workloads or data, hands out access (credentials, secret data, broad roles, node access), writes
or runs things on this machine, or acts on objects the argv does not show (see effects.py).
Anything not recognised is destructive (fail closed).

Each verb's class and the rules that change it (subcommands, flags, the replica count) are in
its spec in the verb registry (kubechat/verbs/); this module applies them to every reading.
"""

from __future__ import annotations

from ..verbs import Facts, Risk, VerbSpec
from .command import Command, ParseError, interpretations
from .effects import effects

__all__ = ["DEFAULT_SCALE_DOWN_FRACTION", "Risk", "classify", "classify_with_reason", "verb_risk"]

DEFAULT_SCALE_DOWN_FRACTION = 0.5


def classify(
    argv: list[str],
    current_replicas: int | None = None,
    scale_down_fraction: float = DEFAULT_SCALE_DOWN_FRACTION,
) -> Risk:
    """The risk of running `kubectl <argv>`.

    `current_replicas` (when the caller knows it) lets a scale-down by more than
    `scale_down_fraction` of the current count count as destructive; scale to 0 always is.
    When kubectl could read argv in more than one way, the riskiest reading wins.
    """
    return classify_with_reason(argv, current_replicas, scale_down_fraction)[0]


def classify_with_reason(
    argv: list[str],
    current_replicas: int | None = None,
    scale_down_fraction: float = DEFAULT_SCALE_DOWN_FRACTION,
) -> tuple[Risk, str]:
    if not argv:
        return Risk.DESTRUCTIVE, "empty command"
    try:
        readings = interpretations([str(a) for a in argv])
    except ParseError as exc:
        return Risk.DESTRUCTIVE, f"cannot parse the command: {exc}"
    return worst_reading(readings, Facts(current_replicas, scale_down_fraction))


def worst_reading(readings: list[Command], facts: Facts) -> tuple[Risk, str]:
    """The riskiest of the readings, with its reason."""
    worst: tuple[Risk, str] | None = None
    for cmd in readings:
        got = _classify_one(cmd, facts)
        if worst is None or got[0].rank > worst[0].rank:
            worst = got
    assert worst is not None
    return worst


def _classify_one(cmd: Command, facts: Facts) -> tuple[Risk, str]:
    risk, why = verb_risk(cmd, facts)
    found = effects(cmd)
    if found and risk is not Risk.DESTRUCTIVE:
        return Risk.DESTRUCTIVE, next(iter(found.values()))
    return risk, why


def verb_risk(cmd: Command, facts: Facts = Facts()) -> tuple[Risk, str]:
    """The class the verb's spec gives this reading, before effects."""
    if not cmd.verb:
        return Risk.DESTRUCTIVE, "no kubectl verb"
    spec = cmd.spec
    if spec is None:
        return Risk.DESTRUCTIVE, f"unknown verb `{cmd.verb}` (treated as destructive)"
    return _by_spec(spec, cmd, facts)


def _by_spec(spec: VerbSpec, cmd: Command, facts: Facts) -> tuple[Risk, str]:
    sub = cmd.subcommand
    # A verb whose subcommands carry their own class knows them all: any other is unknown.
    if any(s.risk is not None for s in spec.subcommands.values()):
        known = spec.subcommands.get(sub)
        if known is None and spec.open_subcommands:
            return Risk.DESTRUCTIVE, f"unknown `{spec.name} {sub}` (treated as destructive)"
        if known is not None and known.risk is not None:
            return known.risk, known.reason or spec.default_reason()
    if spec.rule is not None:
        return spec.rule(cmd, facts)
    return spec.risk, spec.default_reason()
