"""One assessment per command: the argv is read once (every reading kubectl could make of it),
and the policy input, the preview, the RBAC pre-check and the audit record all take their facts
from the same `Assessment` (risk and reason, effects, grammar violations, the objects acted on).

Everything here comes from the argv alone plus what the caller knows about where it runs (the
context's namespace) and, for `scale`, the replica count it starts from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import verbs
from ..verbs import Facts, Risk
from . import grammar
from .command import Command, ParseError, interpretations, parse
from .effects import effects
from .resources import info as resource_info
from .risk import DEFAULT_SCALE_DOWN_FRACTION, worst_reading


@dataclass
class Assessment:
    argv: list[str]
    risk: Risk
    risk_reason: str
    command: Command | None = None  # the reading kubectl most likely uses; None: not parseable
    readings: list[Command] = field(default_factory=list)
    effects: dict[str, str] = field(default_factory=dict)  # effect → why, from every reading
    violations: list[str] = field(default_factory=list)  # why argv is outside kubectl's grammar
    connection_flags: list[str] = field(default_factory=list)
    ambiguous: bool = False  # the readings differ in what they act on
    resource: str = ""  # canonical, comma-joined when several
    names: list[str] = field(default_factory=list)
    namespace: str = ""  # "" for cluster-scoped objects and commands outside any namespace

    @property
    def verb(self) -> str:
        return self.command.verb if self.command else ""

    @property
    def subcommand(self) -> str:
        return self.command.subcommand if self.command else ""

    @property
    def spec(self) -> verbs.VerbSpec | None:
        return self.command.spec if self.command else None

    @property
    def resources(self) -> list[str]:
        return [r for r in self.resource.split(",") if r]

    @property
    def api_group(self) -> str | None:
        """The API group of the one resource acted on ("" for the core group), None when unknown."""
        if len(self.resources) != 1:
            return None
        found = resource_info(self.resources[0])
        return found.group if found else None

    def object_ref(self) -> dict[str, str | None]:
        """The object acted on, as an audit record's objectRef names it: the resource, the name
        when the command names exactly one object, the namespace."""
        return {
            "resource": self.resource or None,
            "name": self.names[0] if len(self.names) == 1 else None,
            "namespace": self.namespace or None,
            "apiGroup": self.api_group or None,  # the core group is left out, as Kubernetes does
        }


def assess(
    argv: list[str],
    *,
    default_namespace: str = "default",
    current_replicas: int | None = None,
    scale_down_fraction: float = DEFAULT_SCALE_DOWN_FRACTION,
) -> Assessment:
    """Read `argv` once and judge it. `default_namespace` is the context's namespace, used when
    argv has no -n and the command acts inside a namespace."""
    argv = [str(a) for a in argv]
    if not argv:
        return Assessment(argv, Risk.DESTRUCTIVE, "empty command", violations=grammar.violations(argv))
    problems = grammar.violations(argv)
    try:
        cmd = parse(argv)
        readings = interpretations(argv)
    except ParseError as exc:
        return Assessment(
            argv,
            Risk.DESTRUCTIVE,
            f"cannot parse the command: {exc}",
            violations=problems or [str(exc)],
            ambiguous=True,
        )
    risk, why = worst_reading(readings, Facts(current_replicas, scale_down_fraction))
    resource, names = cmd.targets()
    # Facts from every reading of argv, so an ambiguous flag cannot hide one.
    found: dict[str, str] = {}
    for r in readings:
        for effect, reason in effects(r).items():
            found.setdefault(str(effect), reason)
    return Assessment(
        argv,
        risk,
        why,
        command=cmd,
        readings=readings,
        effects=dict(sorted(found.items())),
        violations=problems,
        connection_flags=sorted({f for r in readings for f in r.connection_flags}),
        ambiguous=len({_shape(r) for r in readings}) > 1,
        resource=resource,
        names=names,
        namespace=cmd.namespace or (default_namespace if _in_namespace(cmd, resource) else ""),
    )


def _in_namespace(cmd: Command, resource: str) -> bool:
    """Whether the command acts inside a namespace when argv names none: its verb does and so do
    its resources (unknown ones are taken as namespaced, the cautious reading for policy)."""
    spec = cmd.spec
    if spec is not None and not spec.namespaced:
        return False
    resources = [r for r in resource.split(",") if r]
    return not resources or any((resource_info(r) is None or resource_info(r).namespaced) for r in resources)


def _shape(cmd: Command) -> tuple:
    return (cmd.verb, cmd.subcommand, tuple(cmd.targets()[1]), cmd.targets()[0], cmd.namespace, cmd.output)
