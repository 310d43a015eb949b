"""What a read is restricted to: the objects' state, their order, how many, the node they run
on, when things happened. Each restriction goes into the command where kubectl can select it (a
phase field selector, `--sort-by`, `spec.nodeName`); what kubectl cannot select is named in a
one-line caveat shown before the command runs, with what is shown instead. A restriction is
never dropped silently, and a change whose restriction kubectl cannot select is a question.

`apply(req, intent, left)` reads the request's restrictions on the objects the intent lists and
returns the caveats; it fills the intent where kubectl can express a restriction the verb's
handler left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..intent import Intent
from .readers import resources, said_in_plural
from .reading import Req, RMatch, is_name
from .slots import NODE_SHAPED

_ROLLOUT = "READY, UP-TO-DATE and AVAILABLE"
# Where a listing shows the state kubectl cannot select on, by type.
STATE_COLUMNS = {
    "pods": "STATUS and RESTARTS",
    "deployments": _ROLLOUT,
    "daemonsets": _ROLLOUT,
    "statefulsets": "READY",
    "replicasets": "READY",
    "nodes": "STATUS",
    "jobs": "STATUS and COMPLETIONS",
    "persistentvolumeclaims": "STATUS",
    "persistentvolumes": "STATUS",
}


@dataclass(frozen=True)
class State:
    """A state said of pods: the words that say it, the phase that selects it (None: no field
    selects it), whether that phase is all it means, and why kubectl cannot select it exactly."""

    words: str
    what: str
    phase: str | None = None
    exact: bool = False
    why: str = ""


# Most specific first: the first state whose words match a span claims it.
POD_STATES = (
    State(
        r"crash[- ]?loop\w*|crash(?:ing|ed|es)?|restarting|flapping|bouncing|oom[- ]?killed|out of memory",
        "crash-looping",
        why="their phase is Running",
    ),
    State(
        r"not ready|unready|non-?ready|never ready", "not-ready", why="readiness is a condition, not a field"
    ),
    State(
        r"failing|erroring(?: out)?|in error|errored|broken|unhealthy|not healthy|sick|misbehaving|"
        r"not working|dying|dead|degraded|in a bad state",
        "failing",
        why="a failing container leaves its pod Running",
    ),
    State(r"healthy|ready", "ready", why="readiness is a condition, not a field"),
    State(r"terminating|being deleted", "terminating", why="a pod being deleted keeps its phase"),
    State(
        r"evicted", "evicted", phase="Failed", why="an eviction is a reason, and kubectl selects phases only"
    ),
    State(
        r"pending|unscheduled|not scheduled|waiting to be scheduled", "pending", phase="Pending", exact=True
    ),
    State(r"completed|succeeded|finished|successful", "completed", phase="Succeeded", exact=True),
    State(r"failed", "failed", phase="Failed", exact=True),
    State(
        r"stuck|hung|hanging|wedged|frozen",
        "stuck",
        why="a stuck pod may be Pending, Running or being deleted",
    ),
)
_STATE_WORDS = "|".join(s.words for s in POD_STATES)
# "failing pods", "failing api pods": a state right before the type (a word may come between)
_BEFORE = re.compile(
    rf"(?:^|[\s,(])((?:{_STATE_WORDS})(?:\s+(?:or|and|/)\s+(?:{_STATE_WORDS}))*)\s+(?:[a-z0-9-]+\s+)?$"
)
# "pods that are failing", "pods stuck in pending", "pods in CrashLoopBackOff", "pods with errors"
_AFTER = re.compile(
    # a place may come between: "pods in shop that keep crashing"
    r"^(?:\s+(?:in|from|on|under)\s+(?:the\s+)?[a-z0-9][a-z0-9-]*(?:\s+(?:namespace|ns))?(?=\s+(?:that|which|are|is|keep)))?"
    r"\s+(?:(?:that|which|who)\s+)?(?:(?:are|is|were|have been|has been|keep|keeps|kept|seem|seems|look|looks|"
    r"got|get|went|go)\s+)?(?:(?:currently|still|now|constantly|repeatedly|all|already)\s+)?"
    rf"(?:(?:in|into)\s+(?:the\s+|a\s+)?)?((?:{_STATE_WORDS})(?:\s+(?:or|and|/)\s+(?:{_STATE_WORDS}))*)"
    r"(?:\s+(?:in|into)\s+(?:the\s+)?((?:{0})))?(?![\w-])".format(_STATE_WORDS)
)
_WITH_ERRORS = re.compile(r"^\s+(?:that have|which have|with|having)\s+(?:errors|warnings|problems|issues)\b")

# Orders: "restarted the most", "newest", "oldest"; kubectl sorts in ascending order only.
_RESTART_COUNT = ".status.containerStatuses[0].restartCount"
_CREATED = ".metadata.creationTimestamp"
_MOST_RESTARTS = re.compile(
    r"\brestart(?:ed|s|ing)?\s+(?:the\s+)?most\b|\bmost\s+(?:restarts|restarted|restarting|often restarted)\b|"
    r"\b(?:highest|biggest|largest|top|most)\s+(?:restart\s+counts?|numbers? of restarts)\b|\brestarted\s+most\b"
)
_NEWEST = re.compile(
    r"\b(?:newest|youngest|latest|most recent(?:ly created)?|last created|recently created)\b"
)
_OLDEST = re.compile(r"\b(?:oldest|longest[- ]running|earliest)\b")
_CREATED_RECENTLY = re.compile(r"\bcreated\s+(?:most\s+)?recently\b")
# "top 5", "the 3 newest", "first 10": a count kubectl cannot cut the list to
_COUNT = re.compile(
    r"\b(?:top|first|last)\s+(\d+)\b|\bthe\s+(\d+)\s+(?=\w)|"
    r"\b(\d+)\s+(?:newest|oldest|latest|biggest|heaviest|most|busiest|hungriest)\b"
)
# Times kubectl cannot select events (or objects) by
_TIME = re.compile(
    r"\b(?:recently|lately|today|yesterday|overnight|this morning|last night|tonight|"
    r"(?:in|over|during|within)\s+the\s+(?:last|past)\s+(?:\d+\s*)?(?:few\s+|couple\s+of\s+)?[a-z]+|"
    r"(?:in|over|within)\s+(?:the\s+)?(?:last|past)\s+\d+\s*[a-z]+|"
    r"(?:last|past)\s+(?:\d+\s*)?(?:hour|hours|day|days|minutes?|mins?|h|m|d)|"
    r"since\s+(?:yesterday|this morning|last night|monday|tuesday|wednesday|thursday|friday|\d[\w:]*)|"
    r"\d+\s*(?:minutes?|mins?|hours?|days?|[hmd])\s+ago)\b"
)
# "pods on worker-3", "running on ip-10-0-1-5.internal": the object placed there is a node's
_ON = re.compile(
    r"\b(?:pods?|running|runs|scheduled|placed|sitting|living|located|hosted|deployed|landed)\s+on\s+"
    r"(?:the\s+)?(?:node\s+)?([a-z0-9][a-z0-9.-]*[a-z0-9])(?![\w/=-])"
)
# a name, key=value or type/name (not a time, a ratio, a quantity or a pair of words: "03:12",
# "2/3", "500s", "cpu/mem"): a value the request gave that the command should have used
_NAME_SHAPED = re.compile(
    r"(?=[\w./=-]*[a-z])(?:[a-z0-9]+(?:[-.][a-z0-9]+)+|[\w./-]+=[\w./-]*|[a-z]+/[a-z0-9][\w.]*-[\w.-]+)"
)


def apply(req: Req, intent: Intent, left: list[str]) -> list[str]:
    """The caveats for `intent` as the reading of `req`; fills what kubectl can select."""
    if intent.verb == "events":
        return _leftovers(intent, left, _time(req, intent))
    kind = _KIND_OF_VERB.get(intent.verb, intent.resource)
    rms = [rm for rm in resources(req) if rm.type.plural == kind]
    # "crash-looping pods", "pods restart the most": words that describe the objects name none
    intent.names = [n for n in intent.names if not _describes(req, n, rms)]
    if intent.names or kind is None:
        return _leftovers(intent, left, [])
    out: list[str] = []
    if rms:  # any verb: a change over "the crashing pods" must not act on every pod
        out += _states(req, intent, kind, rms)
    if intent.verb == "get" and kind != "events" and rms:
        out += _order(req, intent, kind, rms)
    if intent.verb in ("get", "describe") and kind == "pods":
        _node(req, intent)
    if intent.verb.startswith("top") or intent.verb == "get" and kind != "events":
        out += _count(req, intent, kind)
    if kind == "events":
        out += _time(req, intent)
    return _leftovers(intent, left, out)


# Verbs whose objects are of one type whatever the words say
_KIND_OF_VERB = {
    "top pod": "pods",
    "top node": "nodes",
    "cordon": "nodes",
    "uncordon": "nodes",
    "drain": "nodes",
    "taint": "nodes",
}
# Verbs that take a phase field selector as said: reads, and a delete (the field selects what goes)
_SELECTS_PHASE = ("get", "describe", "delete")


def _describes(req: Req, name: str, rms: list[RMatch]) -> bool:
    """A word read as a name that says which objects: a state before the type ("crash-looping
    pods"), a word of an order ("pods restart the most"), where they run ("pods living on n-4")."""
    low = name.lower()
    if any(re.fullmatch(s.words, low) for s in POD_STATES) and any(
        re.search(rf"(?<![\w-]){re.escape(low)}\s+$", req.low[: rm.start]) for rm in rms
    ):
        return True
    if any(low in m.group(0).split() for m in _MOST_RESTARTS.finditer(req.low)):
        return True
    # "pods sitting on node n-4": the verb that places them
    return any(low == m.group(0).split()[0] for m in _ON.finditer(req.low) if NODE_SHAPED.search(m.group(1)))


def _states(req: Req, intent: Intent, kind: str, rms: list[RMatch]) -> list[str]:
    said: list[str] = []
    for rm in rms:
        before = _BEFORE.search(req.low[: rm.start])
        after = _AFTER.match(req.low[rm.end :])
        for m in (before, after):
            if m:
                said += [w for w in re.split(r"\s+(?:or|and|/)\s+", m.group(1))]
                if m.lastindex and m.lastindex > 1 and m.group(2):
                    said.append(m.group(2))  # "stuck in pending"
        if _WITH_ERRORS.match(req.low[rm.end :]):
            said.append("failing")
    states = list(dict.fromkeys(s for w in said for s in POD_STATES if re.fullmatch(s.words, w)))
    if not states:
        return []
    if kind != "pods":
        # other types have no phase kubectl selects on (a job's completion is read elsewhere)
        if intent.field_selector:
            return []
        what = " or ".join(s.what for s in states)
        return [_note(f"{what} {kind}", "", intent, kind)]
    if intent.verb not in _SELECTS_PHASE:
        # `top` has no phases to select; a change other than delete does not take one from words
        what = " or ".join(s.what for s in states)
        if intent.verb.startswith("top"):  # its table has no state columns
            return [f"kubectl cannot select {what} pods: showing {_shown(intent, kind)}"]
        return [_note(f"{what} pods", "", intent, kind)]
    phases = {s.phase for s in states if s.exact}
    # "stuck in Pending": the phase says it; "stuck" only says for how long
    loose = [s for s in states if not s.exact and not (phases and s.what == "stuck")]
    if len(phases) == 1 and not loose:
        _select_phase(intent, next(iter(phases)))
        return []
    if len(loose) == 1 and not phases and loose[0].phase and intent.verb != "delete":
        # evicted pods are Failed ones: the phase narrows the list, the caveat says how far
        _select_phase(intent, loose[0].phase)
        return [
            f"kubectl cannot select {loose[0].what} pods ({loose[0].why}): showing "
            f"{_shown(intent, kind)}, {loose[0].what} ones among them; see STATUS"
        ]
    what = " or ".join(s.what for s in [*loose, *(s for s in states if s.exact)])
    why = loose[0].why if len(loose) == 1 and not phases else "a pod's phase is all kubectl selects on"
    if intent.field_selector and "status.phase" in intent.field_selector:
        return []  # the handler read a phase from the same words
    return [_note(f"{what} pods", why, intent, kind)]


def without_states(req: Req) -> str:
    """The request in lower case with the states said of a listed type blanked: "list unhealthy
    pods" asks for a list (their state is a restriction), "describe pod x, it is unhealthy"
    still describes."""
    low = req.low
    for rm in resources(req):
        if not said_in_plural(rm):
            continue
        before = _BEFORE.search(low[: rm.start])
        if before:
            low = low[: before.start(1)] + " " * (before.end(1) - before.start(1)) + low[before.end(1) :]
        after = _AFTER.match(low[rm.end :])
        if after:
            s, e = rm.end + after.start(1), rm.end + after.end(after.lastindex or 1)
            low = low[:s] + " " * (e - s) + low[e:]
    return low


def _select_phase(intent: Intent, phase: str) -> None:
    if intent.field_selector and "status.phase" in intent.field_selector:
        return
    part = f"status.phase={phase}"
    intent.field_selector = f"{intent.field_selector},{part}" if intent.field_selector else part


def _note(what: str, why: str, intent: Intent, kind: str) -> str:
    see = STATE_COLUMNS.get(kind)
    return f"kubectl cannot select {what}{f' ({why})' if why else ''}: showing {_shown(intent, kind)}" + (
        f"; see {see}" if see else ""
    )


def _shown(intent: Intent, kind: str) -> str:
    """What the command lists, in words: 'all pods in prod', 'pods on node n-1 in every namespace'."""
    parts = []
    for sel in (intent.field_selector or "").split(","):
        key, _, value = sel.partition("!=") if "!=" in sel else sel.partition("=")
        if key == "status.phase":
            parts.append(f"{'not ' if '!=' in sel else ''}in the {value} phase")
        elif key == "spec.nodeName":
            parts.append(f"on node {value}")
        elif sel:
            parts.append(f"with {sel}")
    if intent.selector:
        parts.append(f"labelled {intent.selector}")
    return f"{'' if parts else 'all '}{kind}{''.join(' ' + p for p in parts)}{_where(intent)}"


def _where(intent: Intent) -> str:
    if intent.namespace:
        return f" in {intent.namespace}"
    return " in every namespace" if intent.all_namespaces else ""


def _order(req: Req, intent: Intent, kind: str, rms: list[RMatch]) -> list[str]:
    if intent.has_flag("sort-by"):
        return []
    low = req.low
    if kind == "pods" and _MOST_RESTARTS.search(low):
        intent.set_flag("sort-by", _RESTART_COUNT)
        return [
            "kubectl sorts in ascending order (by the first container's restarts): the most restarted pods are last"
        ]
    near = "|".join(re.escape(rm.word.lower()) for rm in rms)
    newest = re.search(rf"{_NEWEST.pattern}\s+(?:[a-z0-9-]+\s+)?(?:{near})\b", low) or re.search(
        rf"\b(?:{near})\s+(?:that\s+were\s+|which\s+were\s+)?{_CREATED_RECENTLY.pattern}", low
    )
    if newest:
        intent.set_flag("sort-by", _CREATED)
        return [f"kubectl sorts in ascending order: the newest {kind} are last"]
    if re.search(rf"{_OLDEST.pattern}\s+(?:[a-z0-9-]+\s+)?(?:{near})\b", low):
        intent.set_flag("sort-by", _CREATED)  # oldest first: kubectl's own order
    return []


def _count(req: Req, intent: Intent, kind: str) -> list[str]:
    m = _COUNT.search(req.low)
    if not m:
        return []
    n = next(g for g in m.groups() if g)
    if int(n) < 1:
        return []
    sort = intent.flag("sort-by")
    if not sort:
        return []  # a number with no order is something else ("the 3 pods web-1, web-2, web-3")
    order = _ORDER_WORDS.get(sort, f"in ascending order of {sort}")
    return [f"kubectl cannot limit the list to {n}: showing all {kind}, {order}"]


_ORDER_WORDS = {
    "cpu": "highest cpu first",
    "memory": "highest memory first",
    _CREATED: "oldest first",
    _RESTART_COUNT: "fewest restarts first",
}


def _time(req: Req, intent: Intent) -> list[str]:
    said = [m.group(0) for m in _TIME.finditer(req.low)]
    if not said:
        return []
    return [
        f"kubectl cannot select events by time ({', '.join(repr(w) for w in dict.fromkeys(said))}): "
        f"showing {_events_shown(intent)} the cluster keeps (the last hour by default), newest last"
    ]


def _events_shown(intent: Intent) -> str:
    types = intent.flag("types")
    return f"every {types + ' ' if types else ''}event{_where(intent)}"


def _node(req: Req, intent: Intent) -> None:
    """'pods on worker-3': a name after 'pods on'/'running on' that looks like a node's."""
    if intent.field_selector and "spec.nodeName" in intent.field_selector:
        return
    for m in _ON.finditer(req.low):
        name = req.text[m.start(1) : m.end(1)]
        if name != m.group(1) or not is_name(name) or not NODE_SHAPED.search(name):
            continue
        if name == intent.namespace or req.table.get(name) is not None:
            continue
        part = f"spec.nodeName={name}"
        intent.field_selector = f"{intent.field_selector},{part}" if intent.field_selector else part
        intent.names = [n for n in intent.names if n != name]
        return


def _leftovers(intent: Intent, left: list[str], out: list[str]) -> list[str]:
    """Value-shaped words ('hpc-7', 'tier=db') the command does not use: a restriction it dropped."""
    used = {a for a in intent.to_argv() for a in re.findall(r"[\w.-]+", a.lower())}
    dropped = [
        w
        for w in left
        if _NAME_SHAPED.fullmatch(w.lower())
        and w.lower() not in used
        and not any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", c) for c in out)  # named already
    ]
    if dropped:
        out.append(f"the command does not use {', '.join(repr(w) for w in dropped)} from the request")
    return out


__all__ = ["POD_STATES", "STATE_COLUMNS", "apply", "without_states"]
