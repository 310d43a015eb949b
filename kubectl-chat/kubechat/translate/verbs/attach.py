"""attach: to a running container's console."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, container_name, resources, target
from ..reading import Clarify, Req


def h_attach(req: Req) -> Intent:
    rms = resources(req)
    kind, name = target(req, rms)
    if not name:
        raise Clarify("Attach to which pod?")
    it = Intent(verb="attach", names=[name])
    if kind:
        it.resource, it.slash = {"replicaset": "rs"}.get(kind, kind), True
    c = container_name(req, name)
    if c and c != name:
        it.set_flag("container", c)
    if req.has(r"\b(raw terminal|interactive|stdin|tty)\b"):
        it.set_flag("stdin")
        it.set_flag("tty")
    common(req, it, allns=False, sel=False, out=False)
    return it
