"""Is an argv inside kubectl's grammar? A last check that runs on every command, whatever produced
it: object names and namespaces must be Kubernetes names, words must be plain ASCII (no
look-alike letters), no control characters, nothing that only means something to a shell, and
nothing over-long. Problems go into the policy input, and the policy denies the command.

kubectl never runs through a shell here, so metacharacters could not chain commands anyway;
refusing them keeps a confused or manipulated translation from reaching kubectl at all.
"""

from __future__ import annotations

import re
import unicodedata

from .command import Command, ParseError, parse

MAX_TOKENS = 64
MAX_TOKEN_CHARS = 4096
MAX_TOTAL_CHARS = 16384

NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._:@-]{0,251}[A-Za-z0-9])?$")
NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
RESOURCE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
SHELL_META = set(";|&$`<>(){}!\\'\"\n\r\t ")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _non_ascii(token: str) -> str | None:
    for ch in token:
        if ord(ch) > 127:
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unknown character')}"
    return None


def violations(argv: list[str]) -> list[str]:
    """Why argv is outside kubectl's grammar; [] when it is inside."""
    problems: list[str] = []
    if not argv:
        return ["empty command"]
    if len(argv) > MAX_TOKENS:
        problems.append(f"too many words ({len(argv)} > {MAX_TOKENS})")
    if sum(len(str(t)) for t in argv) > MAX_TOTAL_CHARS:
        problems.append(f"command longer than {MAX_TOTAL_CHARS} characters")
    for tok in argv:
        if not isinstance(tok, str):
            problems.append(f"argument {tok!r} is not text")
            return problems
        if len(tok) > MAX_TOKEN_CHARS:
            problems.append(f"a word longer than {MAX_TOKEN_CHARS} characters")
        if CONTROL.search(tok):
            problems.append(f"control character in {tok[:40]!r}")
    if problems:
        return problems
    try:
        cmd = parse(argv)
    except ParseError as exc:
        return [str(exc)]
    kubectl_words = argv[: argv.index("--")] if "--" in argv else argv  # what follows -- is exec's
    for tok in kubectl_words:
        bad = _non_ascii(tok)
        if bad:
            problems.append(f"non-ASCII character {bad} in {tok[:40]!r} (look-alike letters are not allowed)")
    if problems:
        return problems
    return _structure(cmd)


def _structure(cmd: Command) -> list[str]:
    problems: list[str] = []
    verb = cmd.verb
    spec = cmd.spec
    if spec is None:
        problems.append(f"`{verb[:40]}` is not a kubectl command")
        return problems
    for pos in cmd.positionals:
        if pos == "*" and verb == "auth":  # `auth can-i '*' '*'`
            continue
        meta = sorted(set(pos) & SHELL_META)
        if meta:
            problems.append(f"shell characters {''.join(meta)!r} in {pos[:40]!r}")
    ns = cmd.value("--namespace")
    if ns is not None and not NAMESPACE.match(ns):
        problems.append(f"namespace {ns[:64]!r} is not a valid namespace name")
    # A flag nobody here knows may write files, run programs or reveal data: no judgement, no run.
    for flag in dict.fromkeys(cmd.unknown_flags):
        problems.append(f"`{flag[:40]}` is not a flag of `{verb}` that kubectl chat can judge")
    if not spec.objects:  # contexts, shells, paths, topics: not Kubernetes objects
        return problems
    resource, names = cmd.targets()
    for r in (r for r in resource.split(",") if r):
        if not RESOURCE.match(r):
            problems.append(f"resource type {r[:64]!r} is not a valid resource name")
    for n in names:
        if not NAME.match(n):
            problems.append(f"object name {n[:64]!r} is not a valid Kubernetes name")
    for flag, values in cmd.flags.items():
        for v in values:
            meta = set(v) & {"\n", "\r", "`"}
            if meta:
                problems.append(f"unexpected characters in the value of {flag}")
    return problems
