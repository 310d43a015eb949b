"""rollout: status, restart, undo, history, pause and resume of a workload."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common, first_type, names_for, number_after, resources
from ..reading import EVENT_AS_TIME, Clarify, Req, V, is_keyword, is_name, said
from ..text import clean

ROLLOUT_WORDS = [
    ("undo", r"\b(undo|roll ?back|revert|previous revision|go back)\b|\broll\s+\S+\s+back\b"),
    (
        "history",
        r"\b(history|revisions)\b|\b(details?|info|contents?) (of|for|on|about) (rev|revision) \d+|\brevision \d+ of\b",
    ),
    ("resume", r"\b(resume|unpause)"),  # before pause: "resume the paused deployment"
    ("pause", r"\bpause"),
    ("status", r"\b(status|progress|finished|complete|completion|done|rolled out)\b"),
    ("restart", r"\b(restart|bounce|redeploy|recycle|rolling restart|reload)"),
]


def h_rollout(req: Req) -> Intent:
    # "once we revert, list the revisions": a change named as the time of a read asks for nothing
    low = EVENT_AS_TIME.sub(" ", req.low)
    sub = next((s for s, p in ROLLOUT_WORDS if said(low, p)), None)
    if sub is None:
        raise Clarify("Which rollout action: status, restart, undo, history, pause or resume?")
    rms = [r for r in resources(req) if r.type.plural in ("deployments", "statefulsets", "daemonsets")]
    if not rms and any(r.type.plural == "pods" for r in resources(req)):
        raise Clarify(
            "A pod cannot be restarted in place. Delete it so its controller recreates it "
            '("delete pod NAME"), or restart its deployment ("restart deployment NAME")?'
        )
    it = Intent(verb=f"rollout {sub}", resource=first_type(rms, "deployments"))
    if it.resource == "deployments":
        it.resource = "deployment"
    it.names = names_for(req, rms)
    if not it.names and not rms:
        for pat in (
            rf"\b(?:restart|undo|pause|resume|status (?:of|for)|history (?:of|for)|roll ?back|revert)\s+(?:the\s+)?({V})",
            rf"\broll\s+(?:the\s+)?({V})\s+back\b",
            rf"\brollout\s+(?:of|for)\s+(?:the\s+)?({V})",
            rf"\bthe\s+({V})\s+rollout\b",
        ):
            m = req.find(pat)
            after = m and re.match(r"\s+([a-z][a-z ]*?)(?=\s|$|[,.;!?])", req.text[m.end(1) :], re.I)
            named = m and (
                req.table.get(clean(m.group(1)).lower()) or (after and req.table.get(after.group(1).lower()))
            )
            if named:
                # "resume cronjob x": rollout acts on workloads only; the type is never a name
                raise Clarify(
                    f"kubectl rollout {sub} works on deployments, statefulsets and daemonsets, not "
                    f"{named.plural}. Which workload do you mean, or which other change?"
                )
            if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
                it.names = [clean(m.group(1))]
                break
    if not it.names and req.has(r"\b(its|it)\b"):
        # "api went bad after the upgrade, roll it back": the object of the earlier clause
        m = req.find(
            rf"^(?:[a-z0-9-]+:\s+)?({V})(?:\s+(?:in|from|on)\s+\S+)?\s+(?:broke|is|was|has|keeps|went|started|looks|seems|failed)\b"
        )
        if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
            it.names = [clean(m.group(1))]
    if sub == "undo":
        n = number_after(req, r"\b(?:revision|rev)\.?")
        if n:
            it.set_flag("to-revision", n)
    if sub == "history":
        n = number_after(req, r"revision")
        if n:
            it.set_flag("revision", n)
    if sub == "status" and req.has(r"\bwatch|until"):
        it.set_flag("watch")
    common(req, it, allns=False, out=False)
    if it.names:
        it.slash = True
    if not it.names and not it.selector and not req.has(r"\ball\b|every") and not it.namespace:
        raise Clarify(f"Which {it.resource} should I {sub}?")
    return it
