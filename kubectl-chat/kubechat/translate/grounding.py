"""The grounding gate: the last check every candidate command passes, whichever path built it.

A command is grounded when
- a write (by `kubechat.safety.risk.classify`) is asked for: some clause of the request is a
  request or an imperative (not a question such as "is node x schedulable?") and names that
  change ("scale", "restart", "remove", …);
- a write that acts on a type names its objects (a name, a selector, or "all"/"every" said out
  loud): "restart everything" is a question, never a command over everything;
- every value in the argv (names, namespace, selector, numbers, image, container) traces back
  to the request's words, the session's earlier commands and output, or a stated default.

`check()` returns None for a grounded command, or the question to ask instead. A question
beats a wrong command.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..intent import Intent
from .deferral import deferred
from .deferral import question as deferral_question
from .resources import ResourceTable
from .text import NUMBER_WORDS, drop_ticket, repair

# A clause that asks something rather than asks for something.
_QUESTION = re.compile(
    r"^(?:(?:so|and|but|ok|okay|hey|hi|quick question|question)[,:]?\s+)*"
    r"(?:is|are|was|were|isn't|aren't|does|do(?!\s+(?:a|an|another|one|some)\b)|did|doesn't|don't|has|have|hasn't|haven't|had|will|won't|"
    r"should|shall|would it|could it|might|may i|can i|could i|am i|are we|can we|could we|(?:can|could)(?!\s+(?:you|u|ya|somebody|someone)\b)|"
    r"why|what|what's|whats|which|who|whose|where|when|whether|how come|how many|how much|how long|"
    r"how is|how are|how's|what if|if)\b",
    re.I,
)
# Lead-ins that turn a question shape into a request ("can you delete …", "how do I scale …").
_REQUEST_LEAD = re.compile(
    r"^(?:(?:so|and|but|ok|okay|hey|hi)[,:]?\s+)*"
    r"(?:please|pls|kindly|can you|could you|would you|will you|would you mind|i want|i'd like|"
    r"i would like|i need|we need|we want|let's|lets|go ahead|time to|help me|"
    r"how (?:do|can|would|should) (?:i|we|you)|how to)\b",
    re.I,
)
# A request for the command text rather than for the change: "how do I restart web?", "show me
# how to …", "give me the command to …", "what would scaling web to 0 do", "what happens if …".
# Read over the whole sentence (whitespace and punctuation normalised), wherever the framing
# stands: a change framed this way is shown, never run.
_HOW_TO = re.compile(
    r"\bhow (?:do|does|did|can|could|would|should|might|may|will|shall|must|is|are) "
    r"(?:i|we|you|u|ya|one|someone|somebody|people|a person|they|a user|an admin)\b"
    r"|\bhow(?:'d|d|'ll|ll) (?:i|we|you|u|one)\b|\bhow (?:i|we|one)\b|\bhow (?:to|2)\b|\bhow$"
    r"|\b(?:show|tell|teach|explain to|remind|walk) (?:me|us)(?: through)? how\b|\bexplain how\b"
    r"|\b(?:command|cmd|syntax|invocation|incantation|one-liner|one liner|way)s? "
    r"(?:to|for|that would|which would|i'd|i would|i should|i need|we need|needed)\b"
    r"|\b(?:what|which|what's|whats) (?:kubectl |is the |would be the |are the )?(?:command|cmd|syntax)s?\b"
    r"|\bwhat\b.*\b(?:would|will|could|might|'d|does) (?:do|happen)\b|\bwhat happens\b"
    r"|\bwhat if\b|\b(?:don't|dont|do not|without) (?:actually )?(?:run|running|execut\w*|apply|applying|do it|doing it)\b"
    # the text asked for, not the change: "print the kubectl to …", "just print it", "howto …"
    r"|\b(?:print|write|type|spell|draft|give|show|paste|generate|output)(?: me| us)?(?: out)? (?:the |a )?"
    r"(?:kubectl|command|cmd|line|syntax|one-liner|invocation)\b"
    r"|\b(?:just|only) (?:print|show|write|display|output|tell)\b|\bhowto\b|\bh o w\b"
    r"|\b(?:what|how) (?:the |a |that )?(?:command|kubectl|cmd)s? (?:looks?|would look|is)\b"
    # a change that is not meant to happen: "hypothetically", "dry run: …", "in theory", "just curious"
    r"|\bhypothetical\w*|\bin theory\b|\btheoretically\b|\bjust curious\b|\bout of curiosity\b"
    r"|\bdry[ -]?run\b|\bpretend\b|\bimagine\b|\bsimulate\w*",
)


def how_to(request: str) -> bool:
    """Whether the request asks how to do something (for the command text), not for the doing."""
    words = " ".join(re.sub(r"[^\w'\s]+", " ", request.replace("\u2019", "'").lower()).split())
    return _HOW_TO.search(words) is not None


_CLAUSE = re.compile(r"[.;!?]+|,\s+|\s+-+\s+|\s+(?:then|and then)\s+")

# The words that ask for each change. A write verb the request does not ask for is never emitted.
WRITE_WORDS: dict[str, str] = {
    "delete": r"delet|remov|\brm\b|kill|destroy|eras|terminat|get rid|evict|wipe|nuke|purg|clean|drop|tear",
    "scale": r"scal|replica|instance|cop(?:y|ies)|resiz|grow|shrink|bump|bring|take|\b(?:up|down) to\b|\bto \d+",
    "rollout restart": r"restart|bounce|redeploy|recycl|reload|roll|kick|cycle|reboot",
    "rollout undo": r"undo|roll ?back|roll \S+ back|revert|go back|previous|restore|back to (?:rev|revision)",
    "rollout pause": r"pause|halt|freeze|hold",
    "rollout resume": r"resum|unpause|continu|unfreeze",
    "uncordon": r"uncordon|schedul|rotation",
    "cordon": r"cordon|schedul|rotation|stop|no more|disable|prevent",
    "drain": r"drain|evacuat|empty",
    "taint": r"taint|remov|drop|take",
    "label": r"label|tag|remov|drop|take",
    "annotate": r"annotat|remov|drop|take|record",
    "set image": r"image|upgrad|bump|switch|updat|chang|set|roll",
    "set env": r"env|variabl|\bvars?\b|\bset\b|updat|chang|add|remov|unset|drop|take|[A-Z_]=",
    "set resources": r"cpu|memory|limit|request",
    "set serviceaccount": r"service ?account",
    "autoscale": r"auto|hpa|between|min|max",
    "expose": r"expos|service|publish",
    "edit": r"edit|modif",
    "create": r"creat|make|add|new|generat|set up|spin|deploy|provision|request|issue|mint|build|start|run|launch|bind|grant|give|kick|trigger|fire"
    # a kind and its name opening the request, with its values after ("generic secret x, k=v")
    r"|^\W*(?:a |new )?(?:generic secret|secret generic|pdb|pod ?disruption ?budget|(?:cluster ?)?role)\s+\S+\s+\S"
    r"|\b(?:i|we) (?:need|want)\b|^(?:need|want)\b|\bfrom[- ](?:the |an? )?(?:env[- ])?file\b|\bquota\b.*[a-z]=\d",
    "run": r"run|start|launch|spin|creat|deploy|make",
    "certificate": r"approv|deny|reject",
    # riskier reads (they show credentials or open a session): still need words that ask for them
    "config view": r"kubeconfig|config|view|show|print|display|raw|dump|see|list",
    "exec": r"exec|run|shell|bash|\bsh\b|ssh|into|command|terminal|console|inside|\bin\b|\benv\b|environment",
    "attach": r"attach|terminal|stdin|output|connect|console",
    "port-forward": r"forward|tunnel|listen|port|expose|access|reach|connect",
    "proxy": r"proxy|api|serve",
    "config": r"switch|use|chang|set|renam|delet|remov|unset|skip|disabl|make|point",
    "patch": r"patch|chang|set|updat|suspend|resum|paus",
    "apply": r"apply",
    "replace": r"replac",
    "cp": r"copy|cp\b|download|upload|transfer|machine|laptop|local|computer|workstation",
}
# Verbs whose command acts on a type: without a name or selector it would act on every object.
_TARGETED = (
    "delete",
    "scale",
    "rollout",
    "label",
    "annotate",
    "set ",
    "edit",
    "autoscale",
    "expose",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "patch",
)
# Flags whose values are derived (a schedule from "every 5 minutes", "48h" from "2 days") or
# fixed words the parser chooses (NoSchedule, Never, client): not checked word by word.
_DERIVED_FLAGS = {
    "schedule",
    "since",
    "timeout",
    "pod-running-timeout",
    "dry-run",
    "restart",
    "for",
    "type",
    "sort-by",
    "types",
    "verb",
    "resource",
    "from",
    "as",
    "group",
    "user",
    "hard",
    "rule",
    "subresource",
    "cpu",
    "memory",
    "limits",
    "requests",
    "tcp",
    "clusterip",
    "api-prefix",
    "www",
    "output-directory",
    "namespaced",
    "verbs",
    "api-group",
    "api-version",
    "label-columns",
    "current-replicas",
    "insecure-skip-tls-verify",
    "overwrite",
    "all-containers",
    "all-pods",
    "ignore-errors",
    "grace-period",
    "cert",
    "key",
    "from-literal",
    "env",
    "labels",
    "containers",
    "value",
    "max-log-requests",
    "limit-bytes",
    "patch",  # only the fixed spec.suspend patch of a cron job is written by the parser
}
_ATOM = re.compile(r"[a-z0-9]+")


def atoms(text: str) -> set[str]:
    return set(_ATOM.findall(text.lower()))


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE.split(drop_ticket(text)) if c and c.strip()]


def is_question(clause: str) -> bool:
    """A clause that asks (is/does/why/what/can I …) rather than requests ("can you …")."""
    c = clause.strip()
    return not _REQUEST_LEAD.match(c) and bool(_QUESTION.match(c))


def asks_for(text: str, verb: str) -> bool:
    """Whether some non-question clause of the request asks for `verb`'s change."""
    words = _write_words(verb)
    if words is None:
        return any(not is_question(c) for c in clauses(text))
    rx = re.compile(words, re.I)
    # as the parser reads it: "delte pod x" asks for the delete its parse found
    return any(not is_question(c) and rx.search(c) for c in clauses(repair(text)))


def _write_words(verb: str) -> str | None:
    for key in sorted(WRITE_WORDS, key=len, reverse=True):
        if verb == key or verb.startswith(key + " "):
            return WRITE_WORDS[key]
    return None


def check(
    request: str,
    intent: Intent,
    table: ResourceTable,
    *,
    known: Iterable[str] = (),
    default_namespace: str | None = None,
    repeated: str | None = None,
) -> str | None:
    """None when `intent` is grounded in `request` (plus `known` words from the session and the
    caller's default namespace), else the question to ask instead. `repeated` is the earlier
    request a follow-up repeats ("now in staging"): it may ground the verb when this one is not
    a question."""
    # imported here: kubechat.safety imports the resource table from this package
    from ..safety.risk import Risk, classify

    argv = intent.to_argv()
    risk = classify(argv)
    if risk is not Risk.READ:
        if how_to(request) and not dropped_place(request, intent, table):
            return (
                f"This would do it: {' '.join(['kubectl', *argv])}\n"
                "It changes the cluster, so I run it only when you ask for the change itself "
                f'(e.g. "{_example(intent).removeprefix("please ")}").'
            )
        # a permission check is asked as a question ("can the robot account list secrets?"); --as
        # makes it a change by class (impersonation), and the question is how it is asked for
        asked = (
            intent.verb == "auth can-i"
            or asks_for(request, intent.verb)
            or (
                repeated is not None
                and not any(is_question(c) for c in clauses(request))
                and asks_for(repeated, intent.verb)
            )
        )
        if not asked:
            return (
                f"That reads as a question, so I will not run {intent.verb!r} (a change). "
                f'Do you want me to {intent.verb.split()[-1]} something? Say it as a request, e.g. "{_example(intent)}".'
            )
        # a cron job's schedule is what it is made of, not a delay of its creation
        when = None if intent.verb == "create cronjob" else deferred(request, _write_words(intent.verb))
        if when is not None:
            return deferral_question(intent, when)
        if _every_namespace(request, intent, table):
            return (
                f"That would {intent.verb.split()[-1]} {intent.resource or 'objects'} in every namespace. "
                "Which namespace do you mean (or which ones, by name)?"
            )
        if _untargeted(request, intent):
            what = intent.resource or "object"
            return f"Which {what} should I {intent.verb.split()[-1]}? Give a name or a label selector."
    dropped = dropped_place(request, intent, table)
    if dropped:
        return (
            f"You named {dropped!r} as the namespace, but the command I read does not use it. "
            f'Could you say it again, e.g. "… -n {dropped}"?'
        )
    missing = ungrounded(request, intent, known=known, default_namespace=default_namespace)
    if missing:
        return (
            f"I am not sure where {missing!r} comes from in your request; could you say it again "
            "with the names spelled out?"
        )
    return None


def dropped_place(request: str, intent: Intent, table: ResourceTable) -> str | None:
    """A namespace the request names by a cue that the command does not use anywhere: a place
    said out loud is never dropped silently (the command would act where the user is not)."""
    from .rules import namespaced, place_cues  # the rule parser imports this module's callers

    if not namespaced(intent, table):
        return None  # nodes, PVs, config, …: a place said in passing has nothing to act on
    # "default" may be left out: the command then runs in the context's namespace (offline the
    # parser drops "-n default" on purpose), a choice the user made by naming it
    cues = [v for v in place_cues(request, table) if v != "default" and v != intent.namespace]
    if not cues:
        return None
    argv = intent.to_argv()
    used = {p for a in argv for p in re.split(r"[=:/,\s]+", a.lower()) if p}
    for v in cues:
        if v not in used:
            return v
    return None


def _every_namespace(request: str, intent: Intent, table: ResourceTable) -> bool:
    """A change over every namespace is asked about unless its objects are named and the
    command carries that scope: the parser may not drop it, nor act on it unnamed."""
    from .rules import namespaced, says_all_namespaces

    if not namespaced(intent, table) or not says_all_namespaces(request):
        return False
    return not (intent.all_namespaces and (intent.names or intent.selector))


def _example(intent: Intent) -> str:
    return " ".join(["please", *intent.to_argv()[:3]])


def _untargeted(request: str, intent: Intent) -> bool:
    root = intent.verb
    if not root.startswith(_TARGETED) and root not in _TARGETED:
        return False
    if intent.names or intent.selector or intent.field_selector:
        return False
    if intent.has_flag("filename") or intent.has_flag("kustomize"):
        return False  # the objects a manifest names
    if root in ("cordon", "uncordon", "drain", "taint"):
        return True
    # "all"/"every" said out loud, and a type named, may act on every object of that type
    return not re.search(r"\b(all|every|each)\b", request, re.I) or not intent.resource


# Label and annotation keys Kubernetes itself reads, written by the parser for the words that name
# them ("nodes in zone x", "record the change cause …"): the key is the command's wording, its
# value still comes from the request.
_WELL_KNOWN_KEYS = {"topology.kubernetes.io/zone", "kubernetes.io/change-cause"}


def values(intent: Intent) -> list[tuple[str, str]]:
    """(slot, value) pairs in the argv that must come from the request or the session."""
    out: list[tuple[str, str]] = [("name", n) for n in intent.names]
    if intent.namespace:
        out.append(("namespace", intent.namespace))
    if intent.selector:
        parts = re.split(r"[,=!()]+|\s+in\s+|\s+notin\s+", intent.selector)
        out += [("selector", v) for v in parts if v and v not in _WELL_KNOWN_KEYS]
    if intent.field_selector:
        for part in intent.field_selector.split(","):
            key, _, v = part.partition("=")
            if key.startswith("spec.") and v:
                out.append(("field", v.lstrip("=")))
    for f in intent.flags:
        if f.value and f.name not in _DERIVED_FLAGS and f.value not in ("true", "false"):
            out.append((f.name, f.value))
    if intent.verb in ("label", "annotate", "set env", "scale"):
        for a in intent.args:
            out += [("arg", p) for p in re.split(r"[=:]", a.rstrip("-")) if p and p not in _WELL_KNOWN_KEYS]
    return out


def ungrounded(
    request: str,
    intent: Intent,
    *,
    known: Iterable[str] = (),
    default_namespace: str | None = None,
) -> str | None:
    """The first argv value with no source in the request, the session or a default."""
    low = request.lower()
    have = atoms(request) | {a for k in known for a in atoms(k)}
    have |= {NUMBER_WORDS[a] for a in have if a in NUMBER_WORDS}  # "zero replicas" said 0
    squashed = re.sub(r"[^a-z0-9]", "", low)
    for slot, v in values(intent):
        if slot == "namespace" and default_namespace and v == default_namespace:
            continue
        vl = v.lower()
        if vl in low or re.sub(r"[^a-z0-9]", "", vl) in squashed:
            continue
        if all(a in have for a in atoms(vl)):
            continue
        return v
    return None


__all__ = ["asks_for", "check", "clauses", "how_to", "is_question", "ungrounded", "WRITE_WORDS"]
