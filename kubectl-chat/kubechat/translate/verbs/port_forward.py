"""port-forward: local and remote ports to a pod, service or owner."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common, resources, target
from ..reading import Clarify, Req, V
from ..text import clean


def h_port_forward(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="port-forward")
    kind, name = None, None
    m = req.find(r"(?<!name )(?<!named )<([\w-]+)>")  # "port with name <x>" names a port
    for rm in rms:
        if rm.type.plural in ("services", "deployments", "statefulsets", "replicasets"):
            kind = {"services": "svc", "deployments": "deploy"}.get(rm.type.plural, rm.type.singular)
            if m:
                name = m.group(1)
            break
    owner = req.find(
        rf"\bpod\s+(?:created|managed|owned|run)\s+by\s+(?:the\s+|a\s+)?(?:(deployment|statefulset|replica ?set)\s+)?({V})"
    )
    if owner and not name:
        kind = {"statefulset": "sts", "replicaset": "rs", "replica set": "rs"}.get(
            (owner.group(1) or "").lower(), "deploy"
        )
        name = clean(owner.group(2))
    if not name:
        k2, name = target(req, rms)
        kind = kind or k2
    port_name = req.value(r"\bport (?:with (?:the )?)?name(?:d)?\s+<?([\w-]+)>?")
    if name and name == port_name:
        name = None  # "to the port named http": a port of the target, not the target
    if not name:
        raise Clarify("Forward to which pod or service?")
    it.names = [name]
    if kind:
        it.resource, it.slash = kind, True
    ports = re.findall(
        r"\bport\s+(?:number\s+)?(\d+)|\b(\d+):(\d+)\b|port with name\s+<?([\w-]+)>?", req.text, re.I
    )
    flat: list[str] = []
    pair = req.find(
        r"\blocal(?:ly)?\s+(?:port\s+)?(\d+)\s+to\s+(?:the\s+)?(?:remote\s+)?(?:port\s+)?(\d+)\b"
    ) or req.find(
        r"\blocal(?:ly)?\s+(?:port\s+)?(\d+)\s+to\s+(?:\S+\s+){1,3}?port\s+(\d+)\b"
    )  # "local 15432 to pod db-0 port 5432"
    if pair:  # "local 8000 to port 80 of …": local first, whatever order the words take
        ports = [("", pair.group(1), pair.group(2), "")]
    for a, b, c, d in ports:
        if b:
            flat += [b, c]
        elif a:
            flat.append(a)
        elif d:
            flat.append(d)
    if not flat:
        flat = re.findall(r"(?<![\w.-])(\d{2,5})(?![\w.-])", req.text)[:2]
    if not flat:
        raise Clarify("Which local and remote ports should I forward?")
    it.args = [f"{flat[0]}:{flat[1]}" if len(flat) > 1 else flat[0]]
    common(req, it, allns=False, sel=False, out=False)
    return it
