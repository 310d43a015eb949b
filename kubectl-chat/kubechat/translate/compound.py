"""Requests that ask for more than one command: "cordon n1 then drain it", "scale a to 0 and delete b".

kubectl runs one command at a time, and a request read as one command would run only a part of
what was asked, or a merge of its parts that nobody asked for. Each part that reads as a command
of its own (it opens with a verb, or names a verb other than a plain listing) is parsed alone;
when two or more do and kubectl cannot take them as one command (the same verb, type and place,
with every name in the one command), the answer is a question that names the commands to run one
at a time.
"""

from __future__ import annotations

import re

from ..intent import Intent
from .resources import ResourceTable

# A part that opens with a verb asks for a command of its own.
_OPENING_VERB = re.compile(
    r"^(?:(?:please|pls|also|now|next|finally|then|and)\s+)*"
    r"(?:get|list|show|display|describe|print|view|check|watch|tail|fetch|grab|top|explain|logs?"
    r"|delete|remove|kill|destroy|erase|terminate|evict|wipe|nuke|purge|scale|resize|restart|bounce"
    r"|redeploy|undo|roll|rollback|revert|pause|resume|unpause|uncordon|cordon|drain|taint|untaint"
    r"|label|annotate|expose|patch|replace|apply|edit|create|run|launch|exec|attach|port-forward"
    r"|forward|proxy|cp|copy|approve|deny|set|autoscale|wait)\b",
    re.I,
)


# A strong break: what follows is another command whatever it says ("…, then drain it").
_THEN = re.compile(
    r"\s*;\s*|,?\s+(?:and\s+)?then\s+|,?\s+(?:and\s+)?after that,?\s+|,?\s+afterwards,?\s+", re.I
)


def parts(text: str) -> list[tuple[str, bool]]:
    """The request's parts, each with whether a strong break ("then", ";") opens it."""
    out: list[tuple[str, bool]] = []
    for i, chunk in enumerate(_THEN.split(text)):
        for j, piece in enumerate(re.split(r",?\s+and\s+(?:also\s+)?|,\s+also\s+|\s+&\s+|\s+plus\s+", chunk)):
            if piece.strip(" ,"):
                out.append((piece.strip(" ,"), i > 0 and j == 0))
    return out


def separate_commands(text: str, table: ResourceTable) -> list[str] | None:
    """The commands a request asks for one after another (a parsed part as `kubectl …`, one that
    does not parse alone in its own words), or None when it asks for one command."""
    pieces = parts(text)
    if len(pieces) < 2:
        return None
    try:
        return _separate(text, pieces, table)
    except (IndexError, KeyError, ValueError, TypeError, AttributeError):
        return None  # a part the parser trips over: the whole request is read (and reported) as one


def _separate(text: str, pieces: list[tuple[str, bool]], table: ResourceTable) -> list[str] | None:
    from .rules import parse  # the rule parser imports modules that import this package

    whole = parse(text, table).intent
    said = _words(whole) if whole is not None else set()
    commands: list[tuple[str, Intent | None]] = []
    spare: list[tuple[str, Intent | None]] = []  # parts with a verb that the one command may hold
    for k, (piece, strong) in enumerate(pieces):
        read = parse(piece, table)
        intent = read.intent
        verb = intent.verb if intent is not None else (read.notes[0] if read.notes else None)
        if verb == "no rule matched":
            verb = None
        opening = _OPENING_VERB.match(piece)
        # an opening verb the one command carries is part of it ("… can get and list configmaps")
        opens = opening is not None and piece.split()[0].lower() not in said
        if k == 0 or strong:
            if verb is not None and (opens or verb != "get"):
                commands.append((piece, intent))
        elif (
            intent is not None
            and opens
            and (intent.names or intent.resource)
            and intent.verb != (whole.verb if whole else None)
        ):
            commands.append((piece, intent))
        elif intent is not None and whole is not None and any(n not in said for n in intent.names):
            # "restart deployment x and deployment y": the names the one command leaves out
            commands.append((piece, whole.model_copy(update={"names": intent.names})))
        elif verb is not None:
            spare.append((piece, intent))
    if whole is not None and any(i is not None and i.verb != whole.verb for _, i in commands):
        # the whole reads as a merge of different verbs: every part with a verb is its own command
        commands += spare
    order = [p for p, _ in pieces]
    commands.sort(key=lambda c: order.index(c[0]))
    if len(commands) < 2:
        return None
    if whole is not None and _takes(whole, [i for _, i in commands]):
        return None
    return [f"kubectl {' '.join(i.to_argv())}" if i is not None else repr(p) for p, i in commands]


def _words(intent: Intent) -> set[str]:
    argv = intent.to_argv()
    return {p for a in argv for p in re.split(r"[=/,]", a)} | set(argv)


def _takes(whole: Intent, intents: list[Intent | None]) -> bool:
    """Whether kubectl takes every part as the one command the whole request reads as."""
    words = _words(whole)
    for intent in intents:
        if intent is None or intent.verb != whole.verb or intent.namespace not in (None, whole.namespace):
            return False
        if any(n not in words for n in intent.names):
            return False
    return True


def _is_read(intent: Intent) -> bool:
    from ..safety.risk import Risk, classify  # kubechat.safety imports this package's table

    return classify(intent.to_argv()) is Risk.READ


def question(commands: list[str]) -> str:
    listed = "; then ".join(commands)
    return (
        f"That is {len(commands)} commands, and I run one at a time: {listed}. "
        "Which should I run first? Ask for each on its own."
    )
