"""Validation of a candidate Intent before anyone sees it: known command, known resource type
(with a "did you mean …?" suggestion), known flags, and argv words that are data, never shell."""

from __future__ import annotations

import difflib
import re

from .. import verbs
from ..intent import Intent
from .resources import ResourceTable

# Names of objects, containers, namespaces: DNS-1123-ish (we allow upper case and '_' for the
# odd legacy object, but never spaces, quotes or shell characters).
K8S_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.:]{0,251}[A-Za-z0-9])?$")


def known_flags() -> set[str]:
    """Every flag accepted (long names without dashes): kubectl's global flags and every flag a
    verb in the registry has. Whether it fits the verb is the safety layer's call."""
    from ..safety.command import GLOBAL_BOOL_FLAGS, GLOBAL_VALUE_FLAGS

    return {f.removeprefix("--") for f in (*verbs.all_flags(), *GLOBAL_VALUE_FLAGS, *GLOBAL_BOOL_FLAGS)}


class ValidationIssue(Exception):
    """A candidate that must not be shown; `question` asks the user instead."""

    def __init__(self, question: str):
        super().__init__(question)
        self.question = question


def check_words(argv: list[str]) -> None:
    """Every argv element is one data word: no newline, NUL or shell control sequence. The words
    after `--` (exec/run commands) are passed to the container as argv, never to a local shell,
    but they are checked too so nothing that looks like a second command is ever proposed."""
    for word in argv:
        if not word or len(word) > 4096:
            raise ValidationIssue("That produced an empty or oversized argument; please rephrase.")
        if "\n" in word or "\r" in word or "\x00" in word:
            raise ValidationIssue("Arguments cannot contain line breaks; please rephrase.")
        if re.search(r"[;&|`]|\$\(|\|\||&&", word):
            raise ValidationIssue(
                f"{word!r} looks like a shell fragment. I only run single kubectl commands; what should it do?"
            )


def validate(intent: Intent, table: ResourceTable) -> Intent:
    """Raise ValidationIssue when the intent is not a safe, well-formed kubectl command."""
    root = intent.verb.split()[0]
    words = verbs.words_of(intent.verb)
    if verbs.lookup(root) is None:
        close = difflib.get_close_matches(root, verbs.names(), n=1)
        raise ValidationIssue(
            f"kubectl has no command {root!r}" + (f"; did you mean {close[0]}?" if close else ".")
        )
    if intent.resource and words is not None and words.has_resource:
        for part in intent.resource.split(","):
            base = part.split(".")[0] if words is verbs.Words.FIELD_PATH else part
            if base == "all" and intent.verb == "get":
                continue
            if table.get(base) is None and table.get(part) is None:
                hint = table.suggest(base)
                raise ValidationIssue(
                    f"The cluster has no resource type {part!r}"
                    + (f"; did you mean {hint}?" if hint else ".")
                )
    for name in intent.names:
        if not K8S_NAME.match(name):
            raise ValidationIssue(f"{name!r} is not a valid Kubernetes name; which object did you mean?")
    if intent.namespace and not K8S_NAME.match(intent.namespace):
        raise ValidationIssue(f"{intent.namespace!r} is not a valid namespace name.")
    known = known_flags()
    for f in intent.flags:
        if f.name not in known:
            close = difflib.get_close_matches(f.name, sorted(known), n=1)
            raise ValidationIssue(
                f"kubectl {intent.verb} has no flag --{f.name}"
                + (f"; did you mean --{close[0]}?" if close else ".")
            )
    if words is verbs.Words.NODES and not intent.names and not intent.selector:
        raise ValidationIssue(f"Which node should I {intent.verb}?")
    argv = intent.to_argv()
    check_words(argv)
    # the rendered argv must parse back to the same intent (the grammar is closed)
    try:
        back = Intent.from_argv(argv)
    except ValueError as exc:
        raise ValidationIssue(f"That is not a kubectl command I can form ({exc}); please rephrase.") from exc
    if back.to_argv() != argv:
        raise ValidationIssue("That command did not survive a round trip through the kubectl grammar.")
    return intent
