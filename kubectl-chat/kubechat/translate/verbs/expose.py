"""expose: a service for a deployment, pod, replica set or service."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, first_type, names_for, number_after, resources
from ..reading import Clarify, Req, V, is_name
from ..text import clean


def h_expose(req: Req) -> Intent:
    rms = [
        r for r in resources(req) if r.type.plural != "services" or req.has(r"expose (the )?(service|svc)")
    ]
    kind = first_type(rms)
    if req.has(r"\breplicated\b") and not req.has(r"replica ?set|\brs\b"):
        kind = "rc"
    if not kind:
        raise Clarify("What should I expose (deployment, pod, replica set, service) and which one?")
    short = {"replicationcontrollers": "rc", "replicasets": "rs", "deployments": "deployment", "pods": "pod"}
    it = Intent(verb="expose", resource=short.get(kind, kind))
    m = req.find(
        rf"\b(?:a|an|the)\s+(?:replicated\s+)?({V})\s+(?:deployment|pod|replica ?set|service|rc)\b"
    ) or req.find(rf"replicated\s+({V})")
    spoken = clean(m.group(1)) if m else None
    if spoken and (not is_name(spoken) or spoken.lower() in ("nodeport", "loadbalancer", "clusterip")):
        spoken = None
    adjacent = names_for(req, rms, allow_quoted=True, named=False)
    name = spoken if spoken and req.has(r"\breplicated\b") else (adjacent[0] if adjacent else spoken)
    svc_name = req.value(rf"with the name\s+({V})") or req.value(rf"(?:service|svc) (?:named|called)\s+({V})")
    if name == svc_name:
        name = None
    if not name:
        raise Clarify(f"Which {it.resource} should I expose?")
    it.names = [name]
    p = number_after(req, r"(?:serves on|on|listens on|expose|service)\s+port")
    if not p:
        p = number_after(req, r"\bport") or number_after(req, r"\bport\s+on")  # "a node port on 8080"
    if p:
        it.set_flag("port", p)
    t = number_after(req, r"(?:containers on|target) port") or number_after(req, r"to port")
    if not t and p:
        # "port 80 -> container 8080", "port 80 to 8080": the port the traffic goes on to
        t = number_after(
            req,
            rf"\bport\s+{p}\s*(?:->|→|=>|\bto\b|\bonto\b)\s*(?:the\s+)?(?:container(?:'s)?\s+)?(?:port\s+)?",
        )
    if t and t != p:
        it.set_flag("target-port", t)
    if svc_name:
        it.set_flag("name", svc_name)
    if req.has(r"node ?port"):
        it.set_flag("type", "NodePort")
    elif req.has(r"load ?balancer"):
        it.set_flag("type", "LoadBalancer")
    common(req, it, allns=False, sel=False)
    return it
