"""logs: a pod's (or an owner's) output, with container, previous run, follow, tail, since."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common, container_name, number_after, resources, selector, target
from ..reading import Clarify, Req, is_keyword, is_name, namespace


def h_logs(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="logs")
    kind, name = target(req, rms)
    sel = selector(req)
    if sel and name is not None and name == namespace(req):
        name = None  # "pods with app=x in shop": the pods are chosen by label; shop is the place
    if name and not (sel and name == sel):
        it.names = [name]
        if kind:
            it.resource, it.slash = kind, True
    elif sel:
        it.selector = sel
    else:
        raise Clarify('Logs of which pod? Give its name, e.g. "logs of pod web-1".')
    c = container_name(req, name) or _container_before_logs(req, name)
    if c and c != name:
        it.set_flag("container", c)
    if req.has(r"\b(previous|prior|terminated|crashed|last run|before (it|the) (restart|crash|died))"):
        it.set_flag("previous")
    if req.has(r"\b(stream|streaming|follow|following|tail -f|live|continuously|keep watching|watch)\b"):
        it.set_flag("follow")
    n = number_after(req, r"\b(?:last|most recent|latest|recent|tail|final)(?: of)?")
    if n and req.find(rf"\b{n}\s*(?:s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b"):
        n = None  # "the last 15m" is a time window (--since), not a line count
    if not n:
        m = req.find(r"\b(\d+)\s+(?:most recent |last |latest )?lines\b")
        n = m.group(1) if m else None
    if n:
        it.set_flag("tail", n)
    m = req.find(
        r"\b(?:since|in the last|from the last|over the last|for the last|in the past|from the past|"
        r"over the past|for the past|last|past)\s+(\d+)?\s*(s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b"
    )
    if m:
        unit = m.group(2)[0].lower()
        num = int(m.group(1) or 1)
        if unit == "d":
            num, unit = num * 24, "h"
        it.set_flag("since", f"{num}{unit}")
    if req.has(r"\bprefix"):
        it.set_flag("prefix")
    if req.has(r"\btimestamps?\b"):
        it.set_flag("timestamps")
    m = req.find(r"(\d+)\s*bytes")
    if m:
        it.set_flag("limit-bytes", m.group(1))
    m = req.find(r"(?:wait|waiting)\s+(?:up to\s+)?(\d+)\s*(s|sec|secs|seconds?|m|min|minutes?)\b")
    if m:
        it.set_flag("pod-running-timeout", f"{m.group(1)}{m.group(2)[0]}")
    if req.has(r"\ball (the )?containers|multi(ple|-)? ?containers|every container|each container"):
        it.set_flag("all-containers", "true")
    if it.resource and req.has(r"\ball (the )?pods\b"):
        it.set_flag("all-pods", "true")
    m = req.find(r"concurrent[\w\s]*?(?:to|of)\s+(\d+)")
    if m:
        it.set_flag("max-log-requests", m.group(1))
    if req.has(r"ignor\w* errors"):
        it.set_flag("ignore-errors", "true")
    common(req, it, sel=False, out=False)
    if it.all_namespaces:
        it.all_namespaces = False
    if not it.namespace and it.names:
        # "logs web-1 shop last 30m": a bare lower-case word right after the pod, before the time
        m = req.find(
            rf"\blogs?\s+(?:of\s+|for\s+)?{re.escape(it.names[0])}\s+([a-z0-9][-a-z0-9]*)\s+"
            r"(?:last|since|past|for the|from the)\b",
            0,
        )
        if m and not is_keyword(m.group(1)) and not req.table.get(m.group(1)) and not m.group(1).isdigit():
            it.namespace = m.group(1)
    return it


# Words before "logs" that say which logs without naming a container.
_NOT_A_CONTAINER = {
    "error",
    "errors",
    "app",
    "application",
    "recent",
    "full",
    "raw",
    "old",
    "new",
    "latest",
    "current",
}


def _container_before_logs(req: Req, pod: str | None) -> str | None:
    """'istio-proxy logs of web-1': a name said before "logs of POD" is the container's."""
    m = req.find(
        r"^(?:(?:show|get|give|print)\s+(?:me\s+)?)?(?:the\s+)?([a-z0-9][-a-z0-9]*)\s+logs?\s+(?:of|for|from)\s",
        0,
    )
    if m is None or not pod:
        return None
    v = m.group(1)
    if v == pod or not is_name(v) or is_keyword(v) or req.table.get(v) or v in _NOT_A_CONTAINER:
        return None
    return None if re.search(r"(?:ed|ing|ly)$", v) else v
