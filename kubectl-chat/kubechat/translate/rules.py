"""The rule path: a deterministic parser for everyday requests.

`parse(request)` reads the text (translate/reading.py), lets the router pick the verb
(translate/router.py) and its handler (one module per verb in translate/verbs/) fill the Intent
from the slots it can read (translate/readers.py): resource types, names, namespace, selectors,
output formats and per-verb flags. It never guesses a missing required value: it returns a
clarifying question instead. Every result carries a confidence so the caller knows when to ask
the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..intent import Intent
from . import constraints
from .coverage import unexplained
from .readers import resources, said_in_plural
from .reading import (
    KEYWORDS,
    STOP,
    Clarify,
    Req,
    all_namespaces,
    apply_corrections,
    is_keyword,
    is_name,
    namespace,
    ns_match,
    ns_predicates,
    read_text,
    says_all_namespaces,
)
from .resources import BUILTIN_TABLE, ResourceTable
from .router import choose
from .slots import NOT_A_PLACE, namespace_cues
from .text import mask_quotes

# what the translator, the model path and the tests take from the rule path
__all__ = [
    "KEYWORDS",
    "STOP",
    "Clarify",
    "Req",
    "RuleResult",
    "all_namespaces",
    "apply_corrections",
    "is_keyword",
    "is_name",
    "namespace",
    "namespaced",
    "parse",
    "place_cues",
    "resources",
    "says_all_namespaces",
]


@dataclass
class RuleResult:
    intent: Intent | None
    confidence: float
    clarification: str | None = None
    notes: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)  # content words the command does not use
    caveats: list[str] = field(default_factory=list)  # restrictions kubectl cannot select, in words


def place_cues(request: str, table: ResourceTable = BUILTIN_TABLE) -> list[str]:
    """Every namespace the request names by a cue ("-n x", "x ns", "in x", "(x)" after a name…),
    read as the parser reads it (a corrected value replaces the one before it)."""
    req = Req(raw=request, text="", low="", table=table)
    text = read_text(request, table)
    req.text, req.low = text, mask_quotes(text).lower()
    return [m.value for m in namespace_cues(text, *ns_predicates(req))]


def parse(request: str, table: ResourceTable = BUILTIN_TABLE) -> RuleResult:
    """Translate one request with rules only."""
    text = read_text(request, table)
    req = Req(raw=request, text=text, low=mask_quotes(text).lower(), table=table)
    ns = ns_match(req)
    if ns is not None and ns.slash:
        # "shop/api-1": blank the "shop/" so the name reads as a name (spans stay where they were)
        blank = " " * (ns.end - ns.start)
        text = text[: ns.start] + blank + text[ns.end :]
        req.text, req.low = text, req.low[: ns.start] + blank + req.low[ns.end :]
    elif ns is not None and (
        ns.tail or (ns.strong and ns.value != "default" and _reads_as_word(ns.value, table))
    ):
        # "scale db to 3, shop": the closing place is no name, value or word of any other slot;
        # nor is a place called like a word of the request ("in namespace events", "-n top"):
        # it never chooses the verb, the type or the object ("the default namespace" is what
        # a context sets, read by its verb)
        blank = " " * (ns.cue_end - ns.cue_start)
        text = text[: ns.cue_start] + blank + text[ns.cue_end :]
        req.text, req.low = text, req.low[: ns.cue_start] + blank + req.low[ns.cue_end :]
    if not text.strip():
        return RuleResult(None, 0.0, 'What would you like to do? For example: "list pods in staging".')
    verb, handler, conf = choose(req)
    blank = re.search(
        r"\b(?:a|an|the|some)\s+(?:specific|particular|certain|given|specified)\s+(\w+)", req.low
    )
    if blank and handler is not None:
        return RuleResult(None, conf, f"Which {blank.group(1)} do you mean? Give its name.", [verb])
    if handler is None:
        return RuleResult(None, 0.0, None, ["no rule matched"])
    try:
        intent = handler(req)
    except Clarify as c:
        return RuleResult(None, conf, c.question, [verb])
    if intent is None:
        return RuleResult(None, 0.0, None, [verb])
    if not namespaced(intent, table):
        # nodes, namespaces, PVs, cluster roles, CRDs …: a place said in passing is not a flag
        intent.namespace, intent.all_namespaces = None, False
    left = unexplained(req.text, intent, table, req.cues)
    place = _unclaimed_place(req, intent, left)
    if place:
        intent.namespace = place
        left = unexplained(req.text, intent, table, req.cues)
    before = intent.to_argv()
    caveats = constraints.apply(req, intent, left)
    if intent.to_argv() != before:  # a restriction the handler left out is now in the command
        left = unexplained(req.text, intent, table, req.cues)
    # each word the command leaves unused makes the reading less certain
    conf = max(0.0, conf - 0.1 * len(left))
    return RuleResult(intent, conf, None, [verb], left, caveats)


def _reads_as_word(value: str, table: ResourceTable) -> bool:
    return is_keyword(value) or table.get(value) is not None


def _describing(word: str) -> bool:
    """An adjective or participle before a type ("old", "evicted", "failing"): not a place."""
    from .coverage import REASON_WORDS

    return (
        word in REASON_WORDS
        or word in _ADJECTIVES
        or (len(word) > 4 and word.endswith("ed") and word.isalpha() and not word.endswith("eed"))
        or re.fullmatch(_STATE_ING, word) is not None
    )


_ADJECTIVES = {"old", "new", "stale", "idle", "unused", "orphan", "zombie", "extra", "spare", "big", "small"}


# States in -ing ("failing pods"); other -ing words ("billing", "shipping") are often names.
_STATE_ING = (
    r"(?:fail|crash|crashloop|run|pend|terminat|restart|hang|error|flapp|wait|creat|start|stopp|"
    r"work|exist|remain|miss|match|loop|leak|die|dy|thrash|misbehav|lagg|stall|block|evict)ing"
)


def _unclaimed_place(req: Req, intent: Intent, left: list[str]) -> str | None:
    """'quotas for team-x', 'events from web-tier': a name after for/from/in that the command
    left unused is the place, so a namespace the user gave is never dropped silently."""
    if intent.namespace or intent.all_namespaces or not left or not namespaced(intent, req.table):
        return None
    # "billing events sorted by …": a plain word opening the request before a plural type
    opening = [
        m
        for m in re.finditer(
            r"^(?:(?:get|list|show|display)\s+(?:me\s+)?(?:the\s+|all\s+)?)?([a-z][-a-z0-9]*)\s+(?=\S)",
            req.low,
        )
        if any(rm.start == m.end() and said_in_plural(rm) for rm in resources(req))
        and not _describing(m.group(1))
    ]
    for m in [
        *opening,
        *re.finditer(
            r"\b(?:for|from|in|of)\s+(?:the\s+)?([a-z0-9][-a-z0-9]*)(?=\s*$|\s*[,.;:!?)]|\s+(?:namespace|ns)\b)",
            req.low,
        ),
    ]:
        v = m.group(1)
        typed = req.text[m.start(1) : m.end(1)]
        if (
            v in left
            and typed == v
            and v not in NOT_A_PLACE
            and is_name(v)
            and not req.table.get(v)
            and not is_keyword(v)
        ):
            return v  # namespaces are lower case: "CrashLoopBackOff" is a state
    return None


# Verbs whose command never takes a namespace, whatever type it names.
_CLUSTER_VERBS = (
    "cordon",
    "uncordon",
    "drain",
    "top node",
    "taint",
    "certificate approve",
    "certificate deny",
    "create namespace",
    "create clusterrole",
    "create clusterrolebinding",
    "create priorityclass",
    "explain",
)


def namespaced(intent: Intent, table: ResourceTable) -> bool:
    """Whether `-n`/`-A` mean anything for this command."""
    if intent.verb == "config set-context":
        return bool(intent.namespace)  # the namespace is the value being set
    if (
        intent.verb.startswith(("config", "auth whoami", "api-", "version", "plugin", "options", "kuberc"))
        or intent.verb == "cluster-info"
    ):
        return False
    if intent.verb in _CLUSTER_VERBS:
        return False
    if intent.resource:
        t = table.get(intent.resource.split(",")[0].split(".")[0])
        return t.namespaced if t else True
    return True
