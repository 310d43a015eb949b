"""get: lists and single objects, with the filters people say in words (phase, node, field,
labels shown, sort order, images, taints), and yes/no questions about a named pod's state."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import (
    common,
    kv_pairs,
    name_like_token,
    names_for,
    phase_selector,
    place_after_plural,
    resources,
    selector,
    unknown_type,
)
from ..reading import Clarify, Q, Req, V, is_name
from ..text import clean

# "is something left running on node n-3?", "what runs on node n-3": the pods placed there
_ON_NODE = re.compile(
    rf"\b(?:anything|something|what(?:'s| is)?|whats|which pods|workloads?|pods?)\s+(?:is\s+|are\s+)?"
    rf"(?:still\s+|currently\s+|left\s+)?(?:running|runs|scheduled|left|placed)\s+(?:on|in)\s+"
    rf"(?:the\s+)?node\s+({V})",
    re.I,
)


def h_get(req: Req) -> Intent:
    m = _ON_NODE.search(req.text)
    if m and is_name(clean(m.group(1))):
        it = Intent(verb="get", resource="pods", field_selector=f"spec.nodeName={clean(m.group(1))}")
        common(req, it, sel=False)
        if not it.namespace and re.match(r"any|some|every", m.group(0), re.I):
            it.all_namespaces = True  # "anything on node x": a node holds pods of every namespace
        return it
    rms = resources(req)
    it = Intent(verb="get")
    if rms:
        types = [rms[0].type.plural]
        last = rms[0]
        for rm in rms[1:]:
            gap = req.low[last.end : rm.start]
            if (
                re.fullmatch(r"\s*(,|and|&|\+|,\s*and|as well as)\s*(all\s+)?(the\s+)?", gap)
                and rm.type.plural not in types
            ):
                types.append(rm.type.plural)
                last = rm
        it.resource = ",".join(types)
        it.names = names_for(req, [r for r in rms if r.type.plural in types])
        eps = [r for r in rms if r.type.plural == "endpoints"]
        svcs = [r for r in rms if r.type.plural == "services"]
        if eps and svcs and not it.names[1:]:
            # "endpoints for svc x", "is the x service getting any endpoints?": a service's
            # endpoints object has the service's name
            named = names_for(req, svcs)
            if named:
                it.resource, it.names = "endpoints", named[:1]
    elif req.has(r"\bnamespaces\b"):
        it.resource = "namespaces"
    elif req.has(r"\bwhat(?:'s|s| is| runs)(?: (?:running|deployed|there))? (?:in|inside)\b"):
        # "what's in shop", "what's running in shop": no type said, so every common type
        it.resource = "all"
    elif req.has(r"\bimages\b|\bwhat('s| is) (running|up)\b|\brunning (in|on)\b"):
        it.resource = "pods"
    elif req.has(r"\b(everything|all (the )?(resources|objects|things|workloads))\b|^(get|list|show) all\b"):
        it.resource = "all"
    else:
        raise Clarify(
            unknown_type(req) or "What kind of resource should I list (pods, deployments, services, …)?"
        )
    if req.has(
        r"\b(show|with|display|include|print|all)( (all|their|the))? labels\b|labels (for|of)\b|\w+ labels\b"
    ) and not (kv_pairs(req)):
        it.set_flag("show-labels")
    m = req.find(rf"\blabel\s+({Q}|\w[\w./-]*)\s+(?:for|of|as)\b") or req.find(r"\blabel columns?\s+(\S+)")
    if m and "=" not in m.group(1):
        it.set_flag("label-columns", clean(m.group(1)))
        it.flags = [f for f in it.flags if f.name != "show-labels"]
        it.names = [n for n in it.names if n != clean(m.group(1))]
    if not it.names and selector(req) is None:
        kvs = [
            kv
            for kv in kv_pairs(req)
            if not kv.startswith(
                ("status.", "metadata.", "spec.", "namespace=", "ns=")
            )  # "[ns=x]" is the place
        ]
        if kvs:
            it.selector = ",".join(kvs)
    zone = _zone(req) if it.resource == "nodes" and not it.names and it.selector is None else None
    if zone:
        it.selector = f"topology.kubernetes.io/zone={zone}"
    if req.has(r"(?<![\w-])watch(?![\w-])|\bkeep watching\b|live updates"):  # not "log-watch-0"
        it.set_flag("watch")
    _get_idioms(req, it)
    sort = sort_by(req)
    if sort:
        it.set_flag("sort-by", sort)
    phase_selector(req, it)
    m = req.find(rf"field[- ]selector\s+({V})")
    if m and "=" in m.group(1):
        it.field_selector = clean(m.group(1))
    field = _field_in_words(req, it)
    if field and not it.field_selector:
        it.field_selector = field
        if it.selector and it.selector.replace("!=", "=").split("=")[0] == field.split("=")[0]:
            it.selector = None
    common(req, it)
    if it.names and it.selector:
        it.selector = None
    if it.resource == "namespaces":
        it.all_namespaces = False
    place_after_plural(req, rms, it)
    if it.resource == "events" and len(it.names) == 1 and not it.namespace and not it.all_namespaces:
        # events are not fetched by name: "shop events" names the place they happened in
        it.namespace, it.names = it.names[0], []
    return it


# Cloud zone names: "us-east-1a" (AWS), "europe-west1-b" (GCP), "eastus-2" (Azure).
_ZONE = r"[a-z]{2,}-[a-z]+-?\d[a-z]?(?:-[a-z])?|[a-z]+-\d"


def _zone(req: Req) -> str | None:
    """'nodes in zone z', 'nodes in us-east-1a': the zone the nodes are in, by its well-known label."""
    m = req.find(
        r"\b(?:in|from)\s+(?:the\s+)?(?:zone|az|availability zone)\s+([a-z0-9][-a-z0-9]*)\b"
    ) or req.find(rf"\b(?:in|from)\s+(?:the\s+)?({_ZONE})(?:\s+(?:zone|az))?(?=\s*(?:$|[,.;:!?)]))")
    return m.group(1) if m else None


def _field_in_words(req: Req, it: Intent) -> str | None:
    """'whose spec.nodeName is n1', 'where type is Normal', 'secrets of type a.io/b': a field of
    the object (not a label) compared in words."""
    m = req.find(
        r"\b(?:where|whose|with)\s+(?:the\s+)?((?:status|spec|metadata)\.[\w.]+|type|reason)\s+(?:is|equals|=)\s+([\w./-]+)"
    )
    if m:
        return f"{m.group(1)}={clean(m.group(2))}"
    m = req.find(r"\bof type\s+([\w.-]+/[\w.-]+|[A-Z]\w+)")
    if m and it.resource in ("secrets", "events", "services"):
        key = "spec.type" if it.resource == "services" else "type"
        return f"{key}={clean(m.group(1))}"
    return None


def _get_idioms(req: Req, it: Intent) -> None:
    """Common questions answered by a jsonpath/custom-columns view of a list."""
    m = req.find(rf"\bthe\s+({V})\s+label\s+(?:of|for|on)\b")
    if m and is_name(clean(m.group(1))) and it.resource:
        it.output = f"jsonpath={{.items[*].metadata.labels.{clean(m.group(1))}}}"
        it.names = []
    m = re.search(r"\b(external|internal)[- ]?ips?\b", req.low)
    if m and it.resource == "nodes":
        kind = "ExternalIP" if m.group(1) == "external" else "InternalIP"
        it.output = f'jsonpath={{.items[*].status.addresses[?(@.type=="{kind}")].address}}'
    if req.has(r"\btaints\b") and it.resource == "nodes" and not it.output:
        it.output = (
            "custom-columns=NAME:.metadata.name,TAINTS:.spec.taints[*].key,EFFECTS:.spec.taints[*].effect"
        )
    if req.has(r"\bimages\b") and it.resource == "pods" and not it.names:
        it.output = "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image"


def sort_by(req: Req) -> str | None:
    m = req.find(r"\b(?:sort(?:ed|ing)?|order(?:ed)?)\b.*?[(\s]['\"]?(\.[A-Za-z][\w.\[\]]*[\w\]])")
    if m:
        return m.group(1)  # a JSONPath said out loud wins over the words around it
    m = req.find(
        r"\b(?:by|order(?:ed)? by)\s+(restart count|number of restarts|restarts|age|creation time)\b"
    ) or req.find(
        r"\bsort(?:ed)?[- ]by\s+(?:the\s+)?(?:a\s+)?([\w.\[\]'\" -]+?)(?:\s+(?:in|and|with|for)\b|$|[,;])"
    )
    if not m:
        return None
    what = clean(m.group(1)).lower()
    if what.startswith("."):
        return clean(m.group(1))
    if re.fullmatch(r"[a-z]+[A-Z][A-Za-z]*", clean(m.group(1))):
        return "." + clean(m.group(1))  # a field by its own name: "sorted by lastTimestamp"
    if re.search(r"\blast (?:timestamp|seen)\b", what):
        return ".lastTimestamp"  # an event's latest occurrence, not when its object was made
    table = {
        "name": ".metadata.name",
        "restart": ".status.containerStatuses[0].restartCount",
        "capacity": ".spec.capacity.storage",
        "timestamp": ".metadata.creationTimestamp",
        "creation": ".metadata.creationTimestamp",
        "age": ".metadata.creationTimestamp",
        "time": ".metadata.creationTimestamp",
        "date": ".metadata.creationTimestamp",
        "newest": ".metadata.creationTimestamp",
        "oldest": ".metadata.creationTimestamp",
    }
    for k, v in table.items():
        if k in what:
            return v
    return None


# A state only a pod has: "is web-7 running?", "has api-2 crashed?" name a pod without the type
POD_STATE = (
    r"\b(?:running|up|ready|healthy|alive|crash\w*|restart\w*|pending|started|dead|ok|okay|"
    r"stuck|failing|failed|terminated|terminating|evicted|oomkilled|scheduled)\b"
)


def h_pod_state(req: Req) -> Intent:
    """A yes/no question about a named object's state is a read of that object."""
    it = Intent(verb="get", resource="pods", names=[name_like_token(req)])
    common(req, it, sel=False, out=False)
    return it


# A state only a node has: "is edge-4 still cordoned?"
NODE_STATE = r"\b(?:cordoned|uncordoned|schedulable|unschedulable|drained|tainted)\b"


# "does namespace x exist", "is there a namespace called x": the namespace object itself
NAMESPACE_EXISTS = (
    r"\bnamespace\b.*\bexist(?:s|ing)?\b|\bexist(?:s)?\b.*\bnamespace\b"
    r"|\bis there (?:a|any) namespace (?:called|named)\b"
)


def h_namespace_exists(req: Req) -> Intent:
    if any(rm.type.plural != "namespaces" for rm in resources(req)):
        return h_get(req)  # "does configmap x exist in namespace y": that object, in its place
    place = Intent(verb="get", resource="pods")
    common(req, place, sel=False, out=False)
    if not place.namespace:
        raise Clarify("Which namespace should I look for?")
    return Intent(verb="get", resource="namespaces", names=[place.namespace])


def h_node_state(req: Req) -> Intent:
    """A yes/no question about a named node's state is a read of that node."""
    return Intent(verb="get", resource="nodes", names=[name_like_token(req)])
