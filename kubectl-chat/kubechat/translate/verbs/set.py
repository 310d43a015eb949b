"""set image, set env, set resources and set serviceaccount on workloads."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import (
    REMOVING,
    common,
    container_name,
    first_type,
    image_of,
    kv_pairs,
    names_for,
    require_name,
    resources,
)
from ..reading import Clarify, Q, Req, V, is_keyword, is_name
from ..text import clean


def h_set_image(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural not in ("pods",) or len(resources(req)) == 1]
    it = Intent(verb="set image")
    types = []
    for rm in rms:
        if rm.type.plural not in types:
            types.append(rm.type.plural)
    it.resource = ",".join(types) if types else "deployment"
    # "update web container app to …": with no type word, the object follows the verb
    m = not rms and req.find(
        rf"^(?:set|update|change|upgrade|bump|switch|move)\s+(?:the\s+)?({V})\s+container\b"
    )
    owner = (
        clean(m.group(1)) if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))) else None
    )
    pairs: list[str] = []
    for m in req.findall(rf"({V})\s+container(?:'s)?\s+image\s+(?:to|=)\s+({V})"):
        pairs.append(f"{clean(m.group(1))}={clean(m.group(2))}")
    m = req.find(rf"image of all containers\b.*?\bto\s+({V})") or req.find(
        rf"all containers.*?image\s+(?:to\s+)?({V})"
    )
    if m and not pairs:
        pairs.append(f"*={clean(m.group(1))}")
    for p in kv_pairs(req):
        if p not in pairs:
            pairs.append(p)
    if not pairs:
        m = (
            req.find(rf"\bimage\s+(?:to\s+|=\s*)?(?:be\s+)?({V}[:@]\S+)")
            or req.find(rf"\bto\s+({V}[:@]\S+)")
            or req.find(rf"image\s+(?:to\s+)?({Q})")
        )
        if m:
            img = clean(m.group(1))
            early = names_for(req, rms, allow_quoted=False) or [owner]
            c = container_name(req, early[0]) or image_of(img)
            pairs.append(f"{c}={img}")
    if not pairs:
        raise Clarify("Which image should I set, and for which container?")
    it.args = sorted(pairs, key=lambda p: p.split("=")[0])
    ns = [n for n in names_for(req, rms, allow_quoted=False) if "=" not in n and ":" not in n]
    if not rms and not ns and owner:
        ns = [owner]
    if ns and not any(p.endswith("=" + ns[0]) for p in pairs):
        it.names = ns[:1]
    if req.has(r"\ball (deployments|the deployments|rc|replication)|all deployments") or (
        len(types) > 1 and req.has(r"\ball\b")
    ):
        it.set_flag("all")
        it.names = []
    elif not it.names:
        first = pairs[0].split("=")[0]
        if first != "*":
            it.names = [first]
        else:
            raise Clarify("Which deployment should I update?")
    common(req, it, allns=False, out=False)
    return it


def h_set_env(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="set env", resource=first_type(rms, "deployment"))
    if it.resource == "replicationcontrollers":
        it.resource = "rc"
    it.names = [n for n in names_for(req, rms) if "=" not in n]
    on = not it.names and req.find(rf"\b(?:on|for|of)\s+(?:the\s+)?({V})")
    if on and is_name(clean(on.group(1))) and not is_keyword(clean(on.group(1))) and "=" not in on.group(1):
        it.names = [clean(on.group(1))]  # "set env A=b on web in shop": the object after 'on'
    m = req.find(rf"containers?\s+({Q})")
    if m:
        it.set_flag("containers", clean(m.group(1)))
        if it.names == [clean(m.group(1))]:
            it.names = []
    if req.has(r"\b(list|show|print|display|what)\b") and it.resource == "pods" and len(it.names) == 1:
        # a pod's environment is read inside it: `set env --list` shows only its spec, and on a
        # pod kubectl treats `set env` as a change
        ex = Intent(verb="exec", names=it.names, command=["env"])
        c = it.flag("containers")
        if c:
            ex.set_flag("container", c)
        return common(req, ex, allns=False, sel=False, out=False)
    if req.has(r"\b(list|show|print|display|what)\b"):
        it.set_flag("list")
    elif req.has(REMOVING):
        m = req.find(r"variable\s+([A-Z_][A-Z0-9_]*)\b", 0) or req.find(r"\b([A-Z_][A-Z0-9_]{1,})\b", 0)
        if not m:
            raise Clarify("Which environment variable should I remove?")
        it.args = [m.group(1) + "-"]
    else:
        it.args = kv_pairs(req)
        if not it.args:
            raise Clarify("Which environment variables (KEY=value) should I set?")
    if not it.names and req.has(r"\ball\b"):
        it.set_flag("all")
        it.resource = it.resource if it.resource != "deployment" else "deployments"
    common(req, it, allns=False, out=False)
    if it.selector and set(it.selector.split(",")) <= set(it.args):
        it.selector = None  # "with MODE=x": the variable to set, not a selector
    require_name(it, "deployment", "update")
    return it


_RES_KIND = r"\b(limits?|requests?)\b"


_QUANTITY = r"\d+(?:\.\d+)?(?:m|[KMGTPE]i?)?"
# "cpu limit 500m", "memory=1Gi", or the value first: "250m cpu", "512Mi of memory"
_RES_SAID = (
    rf"\b(cpu|mem(?:ory)?)\s*(limits?|requests?)?\s*(?:to|=|of|:|at)?\s*['\"]?({_QUANTITY})(?![\w.])"
    rf"|(?<![\w.])({_QUANTITY})\s+(?:of\s+)?(cpu|mem(?:ory)?)\b"
)


def h_set_resources(req: Req) -> Intent:
    """Limits and requests as said: each kind word takes the cpu/memory values that follow it."""
    rms = [r for r in resources(req) if r.type.plural in _WORKLOADS]
    it = Intent(verb="set resources", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms, allow_quoted=False)
    c = container_name(req)
    if c:
        it.set_flag("container", c)
    if not it.names:
        # "give web (shop) limits …", "web (shop) runs out of memory — give it limits …"
        m = req.find(rf"^(?:give|set|put)\s+(?:the\s+)?({V})\s+(?:\(|limits?\b|requests?\b)") or req.find(
            rf"^({V})\s+\([^)]*\)"
        )
        if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
            it.names = [clean(m.group(1))]
    if not it.names and c:
        it.names = [c]
    kinds = list(re.finditer(_RES_KIND, req.text, re.I))
    found: dict[str, list[str]] = {}
    for m in re.finditer(_RES_SAID, req.text, re.I):
        what, own, value = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), None, m.group(4))
        )
        # the kind said with the value ("cpu limit 2"), else the last said before it, else the first
        said = own or next((k.group(1) for k in reversed(kinds) if k.start() < m.start()), None)
        said = said or (kinds[0].group(1) if kinds else "limits")
        kind = "requests" if said.lower().startswith("request") else "limits"
        what = "cpu" if what.lower() == "cpu" else "memory"
        vals = found.setdefault(kind, [])
        if not any(v.startswith(what + "=") for v in vals):
            vals.append(f"{what}={value}")
    taken = {m.start(3) if m.group(1) else m.start(4) for m in re.finditer(_RES_SAID, req.text, re.I)}
    for m in re.finditer(r"(?<![\w.=:])(\d+(?:\.\d+)?[KMGTPE]i)(?![\w.])", req.text):
        # "1 cpu and 1Gi": a size in bytes said on its own is memory
        if m.start() in taken:
            continue
        said = next((k.group(1) for k in reversed(kinds) if k.start() < m.start()), None)
        said = said or (kinds[0].group(1) if kinds else "limits")
        vals = found.setdefault("requests" if said.lower().startswith("request") else "limits", [])
        if not any(v.startswith("memory=") for v in vals):
            vals.append(f"memory={m.group(1)}")
    m = not found and req.find(
        rf"\b(cpu|mem(?:ory)?)\s+(limits?|requests?)\b[^.,;]*?\bto\s+({_QUANTITY})(?![\w.])"
    )
    if m:  # "change the memory limit of deploy web to 1Gi"
        kind = "requests" if m.group(2).lower().startswith("request") else "limits"
        found[kind] = [f"{'cpu' if m.group(1).lower() == 'cpu' else 'memory'}={m.group(3)}"]
    if not found:
        raise Clarify("Which CPU/memory values should I set?")
    for kind in ("limits", "requests"):
        if found.get(kind):
            it.set_flag(kind, ",".join(found[kind]))
    common(req, it, allns=False, out=False)
    require_name(it, "deployment", "update")
    it.slash = True
    return it


_WORKLOADS = ("deployments", "statefulsets", "daemonsets", "replicasets", "pods", "jobs", "cronjobs")


def h_set_sa(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural != "serviceaccounts"]
    it = Intent(verb="set serviceaccount", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms, allow_quoted=False)
    # the account closes the request, or its clause before the place ("… to robot in shop")
    end = r"(?=\s*$|\s+(?:in|-n|--namespace)\s+\S+\s*$)"
    m = req.find(rf"service ?account\s+(?:to\s+)?({V}){end}") or req.find(rf"\bto\s+({V}){end}")
    if not m:
        raise Clarify("Which service account should it use?")
    it.args = [clean(m.group(1))]
    if it.resource == "deployments":
        it.resource = "deployment"
    common(req, it, allns=False, out=False)
    require_name(it, "deployment", "update")
    return it
