"""The verb registry: one `VerbSpec` per kubectl verb, one module per verb or verb family (as
kubectl lays out its commands), loaded from this package. The argv parser, the risk classes,
the effects, the RBAC needs, the grammar gate, the server dry run, completion and the policy
input all read their per-verb facts from here, so a verb is added in one file.

Lookups are by the verb as typed (`get`, `port-forward`); a word that is not a verb here is
unknown, and the safety layer treats an unknown verb as destructive.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType, ModuleType

from ._spec import Effect, Facts, Flag, Need, Risk, Sub, VerbSpec, Words

__all__ = [
    "Effect",
    "Facts",
    "Flag",
    "Need",
    "Risk",
    "Sub",
    "VerbSpec",
    "Words",
    "all_specs",
    "lookup",
    "register",
    "unregister",
]

# The value shorthands kubectl's resource commands share; a verb whose spec says `shorthands`
# has them unless it declares the letter itself.
SHARED_VALUE_SHORTHANDS = {
    "o": "--output",
    "l": "--selector",
    "f": "--filename",
    "c": "--container",
    "k": "--kustomize",
}
# Boolean shorthands with one meaning on every command that has them.
SHARED_BOOL_SHORTHANDS = {
    "A": "--all-namespaces",
    "w": "--watch",
    "i": "--stdin",
    "t": "--tty",
    "R": "--recursive",
}
# Letters kubectl uses only as booleans (-q, -h, -x, -y, -d, ...): no value follows them.
KNOWN_BOOL_LETTERS = set("AwiqRtpfhPxyd")

_specs: dict[str, VerbSpec] = {}
_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            _register_module(importlib.import_module(f"{__name__}.{info.name}"))
    _loaded = True


def _register_module(module: ModuleType) -> None:
    for spec in getattr(module, "SPECS", ()):
        if spec.name in _specs and _specs[spec.name] is not spec:
            raise ValueError(f"kubectl verb `{spec.name}` is defined twice ({module.__name__})")
        _specs[spec.name] = spec


def register(specs: ModuleType | Iterable[VerbSpec]) -> None:
    """Add the specs of a module (its SPECS) or the given specs."""
    _load()
    if isinstance(specs, ModuleType):
        _register_module(specs)
    else:
        for spec in specs:
            _specs[spec.name] = spec
    _clear_derived()


def unregister(*names: str) -> None:
    _load()
    for n in names:
        _specs.pop(n, None)
    _clear_derived()


def _clear_derived() -> None:
    _derived.cache_clear()
    _command_paths.cache_clear()
    value_shorthands.cache_clear()
    bool_shorthands.cache_clear()


def lookup(verb: str) -> VerbSpec | None:
    """The spec of `verb`, None when kubectl chat does not know it."""
    _load()
    return _specs.get(verb)


def all_specs() -> list[VerbSpec]:
    _load()
    return [_specs[n] for n in sorted(_specs)]


def names() -> list[str]:
    return [s.name for s in all_specs()]


def completion_verbs() -> list[str]:
    """The verbs offered by completion (the REPL's and the shell's)."""
    return [s.name for s in all_specs() if s.complete]


def server_dry_run(verb: str) -> bool:
    spec = lookup(verb)
    return bool(spec and spec.server_dry_run)


def subcommand_of(verb: str, args: list[str]) -> str:
    """The subcommand in `args` (the words after the verb), "" when the verb has none."""
    spec = lookup(verb)
    if spec is None or not args:
        return ""
    if spec.open_subcommands or args[0] in spec.subcommands:
        return args[0]
    return ""


def own_flags(verb: str, sub: str = "") -> dict[str, Flag]:
    """The flags `verb` (and its subcommand `sub`) defines itself, by long name."""
    spec = lookup(verb)
    if spec is None:
        return {}
    out = {f.name: f for f in spec.flags}
    s = spec.subcommands.get(sub) if sub else None
    if s is not None:
        out.update({f.name: f for f in s.flags})
    return out


@cache
def _derived() -> tuple[dict[str, bool], dict[str, dict[str, Flag]]]:
    """Every verb's flags merged (a flag that takes a value on one verb takes one wherever a verb
    does not define it otherwise: kubectl keeps flag meanings consistent), and per verb its own
    flags including those of its subcommands."""
    merged: dict[str, bool] = {"--help": False}  # every command has --help
    per_verb: dict[str, dict[str, Flag]] = {}
    for spec in all_specs():
        mine: dict[str, Flag] = {}
        for f in (*spec.flags, *(f for s in spec.subcommands.values() for f in s.flags)):
            mine.setdefault(f.name, f)
            merged[f.name] = merged.get(f.name, False) or f.value is True
        per_verb[spec.name] = mine
    return merged, per_verb


def all_flags() -> set[str]:
    """Every long flag some verb (or subcommand) has, with the --help every command has."""
    return {*_derived()[0]}  # not set(): the verb modules `set` and `exec` are attributes here


def flag_takes_value(verb: str, name: str) -> bool | None:
    """For a long flag after `verb`: True takes the next word, False does not (a boolean, or a
    value only after `=`), None when no verb knows the flag."""
    merged, per_verb = _derived()
    own = per_verb.get(verb, {}).get(name)
    if own is not None:
        return own.value is True
    return merged.get(name)


@cache
def value_shorthands(verb: str) -> Mapping[str, str]:
    """Shorthand letter → long flag, for the shorthands of `verb` that take a value. Built once a
    verb (the argv parser asks for every shorthand word it reads), so it is read-only."""
    spec = lookup(verb)
    table = dict(SHARED_VALUE_SHORTHANDS) if spec is None or spec.shorthands else {}
    if spec is not None:
        for f in (*spec.flags, *(f for s in spec.subcommands.values() for f in s.flags)):
            if f.short and f.value is True:
                table[f.short] = f.name
            elif f.short:
                table.pop(f.short, None)
    return MappingProxyType(table)


@cache
def bool_shorthands(verb: str) -> Mapping[str, str]:
    """Shorthand letter → long flag, for the boolean shorthands of `verb` (built once, read-only)."""
    table = dict(SHARED_BOOL_SHORTHANDS)
    spec = lookup(verb)
    if spec is not None:
        for f in spec.flags:
            if f.short and f.value is not True:
                table[f.short] = f.name
    return MappingProxyType(table)


# --- the typed request's view (kubechat.intent): command paths and how their words are read ----


def _typed_subcommands(spec: VerbSpec) -> dict[str, Sub]:
    subs = {**spec.subcommands, **spec.object_subcommands}
    return {name: sub for name, sub in subs.items() if name not in spec.subcommand_aliases}


@cache
def _command_paths() -> dict[str, Words]:
    """Every command path the typed request knows (`get`, `rollout restart`, `create secret
    generic`) → how the words after it are read."""
    paths: dict[str, Words] = {}

    def walk(path: str, subs: dict[str, Sub], inherited: Words) -> None:
        for name, sub in subs.items():
            words = sub.words or inherited
            paths[f"{path} {name}"] = words
            walk(f"{path} {name}", dict(sub.subcommands), words)

    for spec in all_specs():
        paths[spec.name] = spec.words
        walk(spec.name, _typed_subcommands(spec), spec.words)
    return paths


def command_paths() -> dict[str, Words]:
    return dict(_command_paths())


def words_of(path: str) -> Words | None:
    """How the typed request reads the words after the command path `path`; None: no such path."""
    return _command_paths().get(path)


def subcommand_words(path: str) -> set[str]:
    """The words that may follow the command path `path` as a further subcommand."""
    prefix = path + " "
    return {p[len(prefix) :].split(" ", 1)[0] for p in _command_paths() if p.startswith(prefix)}


def subcommand_alias(verb: str, word: str) -> str:
    """The subcommand `word` names after `verb` (`set sa` → serviceaccount), else `word`."""
    spec = lookup(verb)
    return spec.subcommand_aliases.get(word, word) if spec is not None else word
