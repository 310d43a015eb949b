"""The shape of what kubectl chat knows about one kubectl verb (`VerbSpec`), and the small helpers
verb modules build their specs from. Nothing here knows any particular verb."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the parsed argv; verbs/ must not import the parser (it imports verbs/)
    from ..safety.command import Command


class Risk(StrEnum):
    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Risk.READ: 0, Risk.WRITE: 1, Risk.DESTRUCTIVE: 2}


class Effect(StrEnum):
    """What a command does beyond what its verb says (see kubechat.safety.effects)."""

    REVEALS_SECRETS = "reveals-secrets"  # prints secret data or kubeconfig credentials
    CONNECTION_OVERRIDE = "connection-override"  # other server, credentials or identity
    EDITS_CREDENTIALS = "edits-credentials"  # kubeconfig servers, users or credential plugins
    RUNS_LOCAL_PROGRAMS = "runs-local-programs"  # programs on this machine (kustomize exec, helm)
    DIAGNOSTIC_FILES = "diagnostic-files"  # profiles and log files written on this machine
    WRITES_LOCAL_FILES = "writes-local-files"  # files on this machine, at a path from the request
    UPLOADS_LOCAL_FILES = "uploads-local-files"  # files from this machine into the cluster
    OPENS_NETWORK_ACCESS = "opens-network-access"  # a cluster port reachable from other machines
    NODE_ACCESS = "node-access"  # privileged or host-level pods
    ESCALATES_PRIVILEGE = "escalates-privilege"  # grants broad or unseen permissions
    UNSEEN_MANIFEST = "unseen-manifest"  # changes objects the argv does not show
    BULK_DELETE = "bulk-delete"  # deletes whatever exists: --all, `all`, a selector matching all
    BULK_CHANGE = "bulk-change"  # changes whatever exists: --all, a selector matching all


class Words(StrEnum):
    """How the typed request (kubechat.intent) reads the words after a command path."""

    PLAIN = "plain"  # kept as arguments
    RESOURCE = "resource"  # TYPE[,TYPE] [NAME...] or TYPE/NAME...
    ASSIGNMENTS = "assignments"  # TYPE NAME... then key=value, key-, key:Effect; or those alone (-l, --all)
    TYPED_ASSIGNMENTS = "typed-assignments"  # TYPE NAME... then key=value (a type always comes first)
    LAST_IS_VALUE = "last-is-value"  # TYPE NAME... VALUE (`set serviceaccount deploy web sa1`)
    FIELD_PATH = "field-path"  # TYPE[.FIELD...] then arguments (`explain pods.spec`)
    TARGET = "target"  # NAME or TYPE/NAME (a pod unless typed), then arguments
    NODES = "nodes"  # node NAMEs, at least one unless a selector picks them
    ANY_NODES = "any-nodes"  # node NAMEs, none meaning all (`top node`)
    NAMED = "named"  # NAME, then arguments (`create KIND NAME`, `run NAME`)

    @property
    def has_resource(self) -> bool:
        """The first word (or the TYPE of TYPE/NAME) is a resource type."""
        return self in _RESOURCE_WORDS


_RESOURCE_WORDS = {
    Words.RESOURCE,
    Words.ASSIGNMENTS,
    Words.TYPED_ASSIGNMENTS,
    Words.LAST_IS_VALUE,
    Words.FIELD_PATH,
    Words.TARGET,
}


@dataclass(frozen=True)
class Flag:
    """One of a verb's own flags. `value`: True takes a value (`--x v` or `--x=v`), False is a
    boolean, None takes a value only after `=` (pflag's NoOptDefVal: `--dry-run`, `--cascade`)."""

    name: str
    value: bool | None = True
    short: str = ""


def flags(*names: str, value: bool | None = True) -> tuple[Flag, ...]:
    return tuple(Flag(n, value) for n in names)


def bools(*names: str) -> tuple[Flag, ...]:
    return flags(*names, value=False)


@dataclass(frozen=True)
class Facts:
    """What the risk rules may know beyond the argv: the replica count a scale starts from and the
    fraction of replicas a scale-down may remove before it counts as destructive."""

    current_replicas: int | None = None
    scale_down_fraction: float = 0.5


@dataclass(frozen=True)
class Need:
    """One API permission a command needs. `group=None`: the resource's own group (looked up);
    `cluster_wide`: asked without a namespace whatever the resource."""

    verb: str
    resource: str
    subresource: str = ""
    name: str = ""
    group: str | None = None
    cluster_wide: bool = False


RiskRule = Callable[["Command", Facts], tuple[Risk, str]]
AccessRule = Callable[["Command", str, list[str]], list[Need]]
TargetRule = Callable[["Command", list[str]], tuple[str, list[str]]]
EffectRule = Callable[["Command"], Iterable[tuple[Effect, str]]]


@dataclass(frozen=True)
class Sub:
    """A subcommand: its risk (None: the verb's rule decides), its own flags (they shadow global
    flags of the same name: `create rolebinding --user` names a subject), its RBAC needs, and
    whether the objects it changes always come from a file kubectl reads (`auth reconcile`).
    words: how the typed request reads its words (None: as the verb's); subcommands: its own
    (`create secret generic`), for the typed request only."""

    risk: Risk | None = None
    reason: str = ""
    flags: tuple[Flag, ...] = ()
    access: AccessRule | None = None
    manifest: bool = False
    words: Words | None = None
    subcommands: Mapping[str, Sub] = field(default_factory=dict)


@dataclass(frozen=True)
class VerbSpec:
    """Everything the safety layer knows about one kubectl verb.

    risk/reason: the verb's class; `rule` decides instead when the argv changes it (flags,
    values, the replica count). subcommands: known subcommands; with `open_subcommands` every
    first word after the verb is one (`create KIND`, `config X`) and, when `subcommands` is not
    empty, one not listed is unknown (destructive). flags: the verb's own flags; `shorthands`
    False means the verb has only the shorthands it declares (`logs -f` is --follow), True that it
    also has the value shorthands kubectl's resource commands share (-o -l -f -c -k).
    access: the API permissions it needs (None: no pre-check). server_dry_run: kubectl supports
    `--dry-run=server` for it. namespaced: it acts inside a namespace (False: cluster-scoped or
    local only). objects: its words are Kubernetes objects (False: contexts, topics, paths).
    manifest_reads: objects from -f/-k are only read. targets: how its words name resource and
    objects (None: `pods a b`, `pod/a`, `pods,svc`). effects: what it does beyond its class.

    For the typed request (kubechat.intent) and completion: words: how the words after the verb
    are read. subcommand_aliases: other words kubectl takes for a subcommand (`set sa`); the typed
    request writes the full name. object_subcommands: subcommands of the typed request that the
    argv reader reads as the verb's first object instead (`top pod`: the type measured).
    usual_type: the type a request means when it names only an object (`scale web`: a
    deployment); by default a pod for a TARGET verb and a node for a node verb.
    """

    name: str
    risk: Risk = Risk.DESTRUCTIVE
    reason: str = ""
    rule: RiskRule | None = None
    subcommands: Mapping[str, Sub] = field(default_factory=dict)
    open_subcommands: bool = False
    flags: tuple[Flag, ...] = ()
    shorthands: bool = True
    access: AccessRule | None = None
    server_dry_run: bool = False
    namespaced: bool = True
    objects: bool = True
    manifest_reads: bool = False
    targets: TargetRule | None = None
    effects: EffectRule | None = None
    complete: bool = True  # offered by shell and REPL completion
    words: Words = Words.PLAIN
    subcommand_aliases: Mapping[str, str] = field(default_factory=dict)
    object_subcommands: Mapping[str, Sub] = field(default_factory=dict)
    usual_type: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def implied_type(self) -> str:
        if self.usual_type:
            return self.usual_type
        return {Words.TARGET: "pods", Words.NODES: "nodes"}.get(self.words, "")

    def default_reason(self) -> str:
        if self.reason:
            return self.reason
        if self.risk is Risk.READ:
            return f"`{self.name}` only shows state"
        if self.risk is Risk.WRITE:
            return f"`{self.name}` changes the cluster"
        return f"`{self.name}` removes or exposes things"


# --- helpers verb modules share -------------------------------------------------------------------


def each(
    resource: str, names: list[str], verb: str, subresource: str = "", collective: str | None = None
) -> list[Need]:
    """`verb` on each named object of each resource; `collective` (list, deletecollection) on the
    resource when no object is named."""
    out: list[Need] = []
    for res in (r for r in resource.split(",") if r):
        if names:
            out += [Need(verb, res, subresource, n) for n in names]
        else:
            out.append(Need(collective or verb, res, subresource))
    return out


def on_off(cmd: Command, flag: str) -> bool:
    """A boolean flag that is present and not set to false."""
    return cmd.has(flag) and (cmd.value(flag) or "").lower() not in {"false", "0"}
