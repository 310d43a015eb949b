"""scale: a replica count for a workload."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, first_type, names_for, number_after, require_name, resources
from ..reading import Clarify, Req, V, is_name
from ..text import clean


def h_scale(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural != "pods"]
    it = Intent(verb="scale", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms) if rms else []
    if not it.names:
        m = req.find(rf"\b(?:scale|bump|resize|grow|shrink)\s+(?:up\s+|down\s+)?(?:the\s+)?({V})")
        if m and is_name(clean(m.group(1))) and not req.table.get(clean(m.group(1)).lower()):
            it.names = [clean(m.group(1))]
    m = (
        req.find(r"\bscale\s+(?:\S+\s+){0,6}?(?:to|=)\s*(\d+)\b")
        or req.find(r"\b(\d+)\s+(?:replicas|pods|instances|copies)\b")
        or req.find(r"replicas\s*(?:to|=|of)?\s*(\d+)")
        or req.find(r"\bto\s+(\d+)\b")
    )
    if not m:
        raise Clarify("Scale to how many replicas?")
    n = m.group(1)
    cur = number_after(req, r"current (?:size|replicas|replica count|scale) is")
    if cur:
        it.set_flag("current-replicas", cur)
    it.set_flag("replicas", n)
    if it.names and is_name(it.names[0]) and it.names[0] == n:
        it.names = []
    common(req, it, allns=False, out=False)
    require_name(it, it.resource or "deployment", "scale")
    return it
