"""wait: for a condition, a field value, creation or deletion, with a timeout."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, first_type, names_for, resources
from ..reading import Clarify, Q, Req


def h_wait(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="wait", resource=first_type(rms, "pods"))
    if it.resource:
        it.resource = req.table.get(it.resource).singular if req.table.get(it.resource) else it.resource
    it.names = names_for(req, rms)
    it.slash = True
    cond = (
        req.value(r"condition of type\s+(\S+)")
        or req.value(rf"({Q})\s+(?:status\s+)?condition")
        or req.value(r"\bto be\s+(ready|available|complete)\b")
        or req.value(r"\b(?:is|are|becomes?|gets?|turns?)\s+(?:fully\s+)?(ready|available|complete)d?\b")
    )
    if (
        not cond
        and it.resource == "job"
        and req.has(r"\b(?:completes|finishes|is (?:done|finished)|to (?:complete|finish))\b")
    ):
        cond = "complete"
    if cond and cond.lower() == "complete":
        cond = "complete"  # the Job condition is spelled in lower case
    if req.has(r"status phase"):
        phase = req.value(r"phase to be\s+(\S+)")
        it.set_flag("for", f"jsonpath={{.status.phase}}={phase}")
    elif req.has(r"to have ingress"):
        it.set_flag("for", "jsonpath={.status.loadBalancer.ingress}")
    elif req.has(r"\bdeleted|to be gone|to disappear"):
        it.set_flag("for", "delete")
    if cond:
        it.set_flag(
            "for", f"condition={cond if cond == 'complete' else cond[0].upper() + cond[1:]}", append=True
        )
    if req.has(r"\bcreated\b"):
        it.set_flag("for", "create", append=True)
    if not it.flags:
        raise Clarify("Wait for what: a condition (e.g. Ready), deletion, or a field value?")
    t = req.find(
        r"(?:timeout|up to|at most|give up after|no (?:more|longer) than|stop after|max(?:imum)?)\s+(?:of\s+)?(\d+)\s*"
        r"(s|sec|seconds?|m|min|minutes?)\b"
    )
    if t:
        it.set_flag("timeout", f"{t.group(1)}{t.group(2)[0]}")
    elif tv := req.value(r"--timeout=(\d+[smh])\b"):
        it.set_flag("timeout", tv)
    common(req, it, allns=False, out=False)
    if not it.names and not it.selector:
        raise Clarify("Wait for which object?")
    return it
