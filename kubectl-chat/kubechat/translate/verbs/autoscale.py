"""autoscale: a horizontal pod autoscaler with min/max replicas and a CPU/memory target."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, first_type, names_for, number_after, require_name, resources
from ..reading import Clarify, Req, V, is_keyword, is_name
from ..text import clean


def h_autoscale(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural not in ("pods", "horizontalpodautoscalers")]
    it = Intent(verb="autoscale", resource=first_type(rms, "deployment"))
    if it.resource == "replicationcontrollers":
        it.resource = "rc"
    it.names = names_for(req, rms)
    if not it.names:
        # "autoscale web …", "set up autoscaling for web …": the object follows the verb
        m = req.find(rf"\b(?:auto[- ]?scal\w*|hpa)\s+(?:for\s+|of\s+|on\s+)?(?:the\s+)?({V})")
        if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
            it.names = [clean(m.group(1))]
    m = req.find(r"between\s+(\d+)\s+and\s+(\d+)") or req.find(r"\bfrom\s+(\d+)\s+to\s+(\d+)\b")
    lo, hi = (
        (m.group(1), m.group(2))
        if m
        else (number_after(req, r"\bmin(?:imum)?(?: of)?"), number_after(req, r"\bmax(?:imum)?(?: of)?"))
    )
    hi = hi or number_after(req, r"\bup to")  # "up to 20 replicas"
    if lo and lo != "1":
        it.set_flag("min", lo)
    elif lo == "1" and not m:
        it.set_flag("min", lo)
    if hi:
        it.set_flag("max", hi)
    cpu = (
        req.find(r"cpu[\w\s]*?(?:at|of|to)?\s+(\d+%|\d+m)")
        or req.find(r"(\d+%)\s+(?:average\s+)?cpu")
        or req.find(r"\bcpu\s+(?:at\s+|of\s+)?(\d+)\s*(?:percent|per cent|pct)\b")
        or req.find(r"\b(\d+)\s*(?:percent|per cent|pct)\s+(?:average\s+)?cpu\b")
    )
    if cpu and cpu.group(1).isdigit():
        it.set_flag("cpu", cpu.group(1) + "%")
        cpu = None
    if cpu:
        it.set_flag("cpu", cpu.group(1))
    mem = req.find(r"memory[\w\s]*?(?:at|of|to)?\s+(\d+(?:mi|gi|m|g|%)?)\b")
    if mem:
        it.set_flag("memory", mem.group(1))
    common(req, it, allns=False, out=False, sel=False)
    if not hi:
        raise Clarify("What is the maximum number of replicas for the autoscaler?")
    require_name(it, "deployment", "autoscale")
    return it
