"""The Intent: what a request asks kubectl to do, as data. It is the one type that flows from
translation to risk, policy, RBAC and audit, and it round-trips with a kubectl argv list
(the words after `kubectl`): `Intent.from_argv(intent.to_argv())` gives the same intent back.

The argv grammar here is a model of kubectl's own: a (sub)command path such as `get`,
`rollout restart` or `create secret generic`; positionals (TYPE, NAME, TYPE/NAME, extra
arguments such as `key=value`); flags, long or short, `--flag=v` or `--flag v`; and, after
`--`, a command for `exec`/`run`/`create job`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from . import verbs
from .verbs import Words

# Which command paths exist, how each reads its words, and which flags take a value all come from
# the verb registry (kubechat/verbs/); kubectl's global flags from the argv reader's table.

_NEWLINE = re.compile(r"[\r\n\x00]")


class Flag(BaseModel):
    """One flag by its long name (no dashes); value None for a boolean flag given bare."""

    name: str
    value: str | None = None


class Intent(BaseModel):
    """A kubectl command as data. Render with `to_argv()`; build from argv with `from_argv()`."""

    verb: str = Field(description="command path: 'get', 'rollout restart', 'create secret generic'")
    resource: str | None = Field(None, description="resource type(s) as typed: 'pods', 'deploy', 'pod,svc'")
    names: list[str] = Field(default_factory=list, description="object names")
    slash: bool = Field(False, description="render a single name as TYPE/NAME")
    args: list[str] = Field(default_factory=list, description="further positionals: key=value, ports, ...")
    namespace: str | None = None
    all_namespaces: bool = False
    selector: str | None = None
    field_selector: str | None = None
    output: str | None = None
    flags: list[Flag] = Field(default_factory=list, description="every other flag, long names")
    command: list[str] = Field(default_factory=list, description="words after `--` (exec, run, create job)")

    # ---- convenience -------------------------------------------------------------------------
    def flag(self, name: str) -> str | None:
        for f in self.flags:
            if f.name == name:
                return f.value if f.value is not None else "true"
        return None

    def has_flag(self, name: str) -> bool:
        return any(f.name == name for f in self.flags)

    def set_flag(self, name: str, value: str | None = None, *, append: bool = False) -> None:
        if not append:
            self.flags = [f for f in self.flags if f.name != name]
        self.flags.append(Flag(name=name, value=value))

    @property
    def root(self) -> str:
        return self.verb.split()[0]

    # ---- rendering ---------------------------------------------------------------------------
    def to_argv(self) -> list[str]:
        argv = self.verb.split()
        if self.resource and self.names and self.slash:
            argv += [f"{self.resource}/{n}" for n in self.names]
        else:
            if self.resource:
                argv.append(self.resource)
            argv += self.names
        argv += self.args
        if self.namespace:
            # a verb's own --namespace (config set-context: the context's default) is not -n
            own = "--namespace" in verbs.own_flags(self.root, self.verb.partition(" ")[2].partition(" ")[0])
            argv += [f"--namespace={self.namespace}"] if own else ["-n", self.namespace]
        if self.all_namespaces:
            argv.append("--all-namespaces")
        if self.selector:
            # kubectl create's subcommands (poddisruptionbudget) take no -l, only --selector
            argv += [f"--selector={self.selector}"] if self.root == "create" else ["-l", self.selector]
        if self.field_selector:
            argv.append(f"--field-selector={self.field_selector}")
        if self.output:
            argv += ["-o", self.output]
        for f in self.flags:
            argv.append(f"--{f.name}" if f.value is None else f"--{f.name}={f.value}")
        if self.command:
            argv += ["--", *self.command]
        return argv

    def command_string(self) -> str:
        """The command as one shell-quoted line, for display only (execution always uses argv)."""
        import shlex

        return "kubectl " + " ".join(shlex.quote(a) for a in self.to_argv())

    # ---- parsing -----------------------------------------------------------------------------
    @classmethod
    def from_argv(cls, argv: list[str]) -> Intent:
        """Parse a kubectl argv (without `kubectl`). Raises ValueError when it is not a command
        this model understands (an unknown command, a newline in a word)."""
        # imported here: the argv reader's module imports translation, which imports this one
        from .safety.command import GLOBAL_SHORT_VALUE, long_takes_value

        argv = list(argv)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        for a in argv:
            if _NEWLINE.search(a):
                raise ValueError("a word contains a newline or NUL")
        command: list[str] = []
        if "--" in argv:
            i = argv.index("--")
            argv, command = argv[:i], argv[i + 1 :]
        verb, rest = _split_verb(argv)
        root = verb.split()[0]
        value_shorts = {**verbs.value_shorthands(root), **GLOBAL_SHORT_VALUE}
        bool_shorts = verbs.bool_shorthands(root)
        positionals: list[str] = []
        flags: list[Flag] = []
        i = 0
        while i < len(rest):
            tok = rest[i]
            i += 1
            if tok.startswith("--") and len(tok) > 2:
                name, eq, value = tok[2:].partition("=")
                if eq:
                    flags.append(Flag(name=name, value=value))
                elif long_takes_value(root, f"--{name}") is False or i >= len(rest):
                    flags.append(Flag(name=name))
                else:
                    flags.append(Flag(name=name, value=rest[i]))
                    i += 1
            elif tok.startswith("-") and len(tok) > 1 and not _is_number(tok):
                body = tok[1:]
                j = 0
                while j < len(body):
                    ch = body[j]
                    if ch in value_shorts:
                        long, takes = value_shorts[ch].removeprefix("--"), True
                    elif ch in bool_shorts:
                        long, takes = bool_shorts[ch].removeprefix("--"), False
                    else:
                        long, takes = ch, False
                    if takes:
                        value = body[j + 1 :]
                        if value.startswith("="):
                            value = value[1:]
                        if not value:
                            if i >= len(rest):
                                raise ValueError(f"flag -{ch} needs a value")
                            value = rest[i]
                            i += 1
                        flags.append(Flag(name=long, value=value))
                        break
                    if body[j + 1 : j + 2] == "=":
                        flags.append(Flag(name=long, value=body[j + 2 :]))
                        break
                    flags.append(Flag(name=long))
                    j += 1
            else:
                positionals.append(tok)
        intent = cls(verb=verb, command=command)
        _assign_positionals(intent, positionals)
        for f in flags:
            if f.name == "namespace" and f.value is not None:
                intent.namespace = f.value
            elif f.name == "all-namespaces" and f.value in (None, "true"):
                intent.all_namespaces = True
            elif f.name == "selector" and f.value is not None and intent.selector is None:
                intent.selector = f.value
            elif f.name == "field-selector" and f.value is not None:
                intent.field_selector = f.value
            elif f.name == "output" and f.value is not None:
                intent.output = f.value
            else:
                intent.flags.append(f)
        return intent


def _is_number(tok: str) -> bool:
    return bool(re.fullmatch(r"-\d+(\.\d+)?", tok))


def _split_verb(argv: list[str]) -> tuple[str, list[str]]:
    """Find the command path; flags may come before it (`kubectl -n x get pods`)."""
    from .safety.command import GLOBAL_SHORT_VALUE, GLOBAL_VALUE_FLAGS

    before: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        tok = argv[i]
        before.append(tok)
        i += 1
        if tok in GLOBAL_VALUE_FLAGS or tok.removeprefix("-") in GLOBAL_SHORT_VALUE:
            if i < len(argv):
                before.append(argv[i])
                i += 1
    if i >= len(argv):
        raise ValueError("no kubectl command given")
    verb = argv[i]
    if verbs.words_of(verb) is None:
        raise ValueError(f"unknown kubectl command {verb!r}")
    i += 1
    while i < len(argv):
        word = verbs.subcommand_alias(verb, argv[i]) if " " not in verb else argv[i]
        if verbs.words_of(f"{verb} {word}") is None:
            break
        verb = f"{verb} {word}"
        i += 1
    return verb, before + argv[i:]


def _assign_positionals(intent: Intent, pos: list[str]) -> None:
    words = verbs.words_of(intent.verb)
    if words is Words.TARGET:
        if not pos:
            return
        first = pos[0]
        if "/" in first:
            intent.resource, name = first.split("/", 1)
            intent.names = [name]
            intent.slash = True
        else:
            intent.names = [first]
        intent.args = pos[1:]
    elif words is not None and words.has_resource:
        _assign_resource_words(intent, words, pos)
    elif words in (Words.NODES, Words.ANY_NODES):
        intent.names = pos
    elif words is Words.NAMED:
        intent.names, intent.args = pos[:1], pos[1:]
    else:
        intent.args = pos


def _assign_resource_words(intent: Intent, words: Words, pos: list[str]) -> None:
    if not pos:
        return
    first = pos[0]
    if "/" in first and words is not Words.FIELD_PATH and not first.startswith("/"):
        # TYPE/NAME [TYPE/NAME...]: one type with names when they agree.
        slashed = [p for p in pos if "/" in p and "=" not in p]
        types = {p.split("/", 1)[0] for p in slashed}
        if len(types) == 1:
            intent.resource = types.pop()
            intent.names = [p.split("/", 1)[1] for p in slashed]
            intent.slash = True
            intent.args = [p for p in pos if p not in slashed]
            return
        intent.args = pos
        return
    if words is Words.ASSIGNMENTS and _looks_like_kv(first):
        intent.args = pos  # the objects come from a selector or --all
        return
    intent.resource = first
    rest = pos[1:]
    if words is Words.FIELD_PATH:
        intent.args = rest
    elif words in (Words.ASSIGNMENTS, Words.TYPED_ASSIGNMENTS):
        k = 0
        while k < len(rest) and not _looks_like_kv(rest[k]):
            k += 1
        intent.names, intent.args = rest[:k], rest[k:]
    elif words is Words.LAST_IS_VALUE and len(rest) >= 2:
        intent.names, intent.args = rest[:-1], rest[-1:]
    else:
        intent.names = rest


def _looks_like_kv(tok: str) -> bool:
    """A label/annotation/taint/env argument: key=value, key-, key:Effect."""
    return "=" in tok or tok.endswith("-") or (":" in tok and not tok.startswith("http"))
