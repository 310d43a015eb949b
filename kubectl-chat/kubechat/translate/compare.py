"""Semantic comparison of two kubectl commands: equal when they mean the same thing.

Agrees across resource aliases (po/pod/pods), TYPE/NAME vs TYPE NAME, short vs long flags (per
verb: `logs -f` is --follow), flag order, `--flag=v` vs `--flag v`, `-n default` vs no namespace,
`--x=true` vs bare `--x`, repeated flags and comma lists in any order, and the key=value
arguments of label/annotate/taint/set in any order. A reference with `<slot>` placeholders
(tldr style) matches any value in the slot's place.
"""

from __future__ import annotations

import re
import shlex

from .. import verbs
from ..intent import Intent
from .resources import BUILTIN_TABLE, ResourceTable

# Flags whose comma-separated values are a set.
LIST_FLAGS = {
    "verb",
    "resource",
    "types",
    "verbs",
    "limits",
    "requests",
    "hard",
    "labels",
    "user",
    "group",
    "from-literal",
    "env",
    "containers",
    "label-columns",
    "for",
}
# Commands whose names and key=value arguments may come in any order.
UNORDERED_WORDS = {verbs.Words.RESOURCE, verbs.Words.ASSIGNMENTS, verbs.Words.TYPED_ASSIGNMENTS}
FLAG_ALIASES = {"cpu-percent": "cpu"}
_SLOT = re.compile(r"<[^<>]+>")


def split_command(cmd: str) -> list[str]:
    """argv after `kubectl` from a command string; raises ValueError on bad quoting."""
    argv = shlex.split(cmd)
    if argv and argv[0] == "kubectl":
        argv = argv[1:]
    return argv


def canonical(argv: list[str], table: ResourceTable = BUILTIN_TABLE) -> tuple:
    """A hashable normal form of a command."""
    it = Intent.from_argv(argv)
    verb = it.verb
    resource = it.resource
    if verbs.words_of(verb) is verbs.Words.TARGET and not resource:
        resource = "pods" if it.names else None
    if resource:
        resource = ",".join(sorted(table.canonical(resource).split(",")))
    unordered = verbs.words_of(verb) in UNORDERED_WORDS
    names = tuple(sorted(it.names)) if unordered else tuple(it.names)
    args = tuple(sorted(it.args)) if unordered else tuple(it.args)
    namespace = None if it.namespace == "default" else it.namespace
    selector = ",".join(sorted(it.selector.split(","))) if it.selector else None
    output = it.output.lstrip("=") if it.output else None
    flags: list[tuple[str, str | None]] = []
    for f in it.flags:
        name = FLAG_ALIASES.get(f.name, f.name)
        value = None if f.value in (None, "true") else f.value
        if f.name == "cpu-percent" and value and value.isdigit():
            value += "%"  # --cpu-percent=70 is --cpu=70%
        if name == "for" and value:
            # jsonpath on a condition's status is the same wait as --for=condition=X
            m = re.fullmatch(
                r"""jsonpath=\{\.status\.conditions\[\?\(@\.type==["']?(\w+)["']?\)\]\.status\}=True""", value
            )
            if m:
                value = f"condition={m.group(1)}"
        if name == "selector" and value:
            if selector is None:
                selector = ",".join(sorted(value.split(",")))
            continue
        if value is not None and name in LIST_FLAGS and name not in ("from-literal", "env", "for"):
            flags += [(name, v) for v in value.split(",") if v]
        else:
            flags.append((name, value))
    flags.sort(key=lambda kv: (kv[0], kv[1] or ""))
    return (
        verb,
        resource,
        names,
        args,
        namespace,
        it.all_namespaces,
        selector,
        it.field_selector,
        output,
        tuple(flags),
        tuple(it.command),
    )


def same_command(candidate: list[str] | str | None, reference: list[str] | str) -> bool:
    """True when `candidate` means the same as `reference` (which may carry <slots>)."""
    if candidate is None:
        return False
    try:
        cand = split_command(candidate) if isinstance(candidate, str) else list(candidate)
        if isinstance(reference, str):
            slots: list[str] = []

            def _keep(m):
                slots.append(m.group(0))
                return f"\x01{len(slots) - 1}\x02"

            ref = split_command(_SLOT.sub(_keep, reference))
        else:
            ref = list(reference)
            slots = []
        a = canonical(cand)
        b = canonical(ref)
    except ValueError:
        return False
    if not slots:
        return a == b
    return _match(a, b)


def _match(a: tuple, b: tuple) -> bool:
    """Field-by-field match of two canonical forms; `b` may hold slot markers."""
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if i in (2, 3, 9):  # names, args, flags: multisets
            if not _match_multiset(x, y):
                return False
        elif not _match_value(x, y):
            return False
    return True


def _match_multiset(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    remaining = list(a)
    for item in sorted(b, key=lambda x: "\x01" in str(x)):
        for k, cand in enumerate(remaining):
            if _match_value(cand, item):
                del remaining[k]
                break
        else:
            return False
    return True


def _match_value(a, b) -> bool:
    if isinstance(b, tuple):
        return isinstance(a, tuple) and len(a) == len(b) and all(map(_match_value, a, b))
    if isinstance(b, str) and "\x01" in b:
        if not isinstance(a, str):
            return False
        pattern = re.sub(r"\x01\d+\x02", "\x00", b)
        pattern = ".+".join(re.escape(p) for p in pattern.split("\x00"))
        return re.fullmatch(pattern, a, flags=re.S) is not None
    return a == b
