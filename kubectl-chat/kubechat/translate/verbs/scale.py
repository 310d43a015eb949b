"""scale: a replica count for a workload."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, first_type, names_for, number_after, require_name, resources
from ..reading import Clarify, Req, V, is_keyword, is_name
from ..text import clean

_KINDS = r"deploy\S*|sts|statefulsets?|rs|replicasets?"


def h_scale(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural != "pods"]
    it = Intent(verb="scale", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms) if rms else []
    if not it.names:
        m = req.find(rf"\b(?:scale|bump|resize|grow|shrink|bring|take)\s+(?:up\s+|down\s+)?(?:the\s+)?({V})")
        if m and is_name(clean(m.group(1))) and not req.table.get(clean(m.group(1)).lower()):
            it.names = [clean(m.group(1))]
    m = (
        req.find(r"\bscale\s+(?:\S+\s+){0,6}?(?:to|=)\s*(\d+)\b")
        or req.find(r"\b(\d+)\s+(?:replicas|pods|instances|copies)\b")
        or req.find(r"replicas\s*(?:to|=|of)?\s*(\d+)")
        or req.find(r"\bto\s+(\d+)\b")
        # kubectl's own order, terse: "scale web 0", "scale deploy web 3 shop"
        or req.find(rf"\bscale\s+(?:(?:{_KINDS})\s+)?{V}\s+(\d+)(?:\s+([a-z][-a-z0-9]*))?\s*$")
    )
    if not m:
        raise Clarify("Scale to how many replicas?")
    n = m.group(1)
    cur = number_after(req, r"current (?:size|replicas|replica count|scale) is")
    was = req.find(r"\bfrom\s+(\d+)\s+(?:replicas?\s+|pods?\s+)?(?:to|down to|up to)\s+(\d+)\b")
    if not cur and was and was.group(2) == n and _only_if(req, was.group(1)):
        cur = was.group(1)  # "from 2 to 3, only if it is 2": kubectl checks the count it changes from
    if cur:
        it.set_flag("current-replicas", cur)
    it.set_flag("replicas", n)
    if it.names and is_name(it.names[0]) and it.names[0] == n:
        it.names = []
    common(req, it, allns=False, out=False)
    place = m.group(2) if m.re.groups > 1 else None
    if place and not it.namespace and is_name(place) and not is_keyword(place) and not req.table.get(place):
        it.namespace = place  # the word after the count in kubectl's order is the namespace
    require_name(it, it.resource or "deployment", "scale")
    return it


def _only_if(req: Req, count: str) -> bool:
    """'only if it has 5 now', 'provided it is at 5': the change is meant
    to happen only at that count."""
    return req.has(
        rf"\b(?:only\s+if|if|provided|as\s+long\s+as|when)\b[^.]*?\b(?:is|it's|its|are|at|still|currently|has)\b[^.]*?\b{count}\b"
    )
