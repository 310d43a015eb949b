"""delete: objects by name, label or phase; "all" only when said; a namespace only by its name."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common, names_for, phase_selector, resources, the_one_named, unknown_type
from ..reading import Clarify, Q, Req, RMatch, is_name, namespace
from ..text import clean
from .apply import manifest_source


def h_delete(req: Req) -> Intent:
    m = re.search(
        r"^(.*?)[,;.]\s*(?:then\s+|so\s+|just\s+)?(?:delete|remove|drop)\s+(?:that|this|the)\s+namespace\s*[.!]*$",
        req.low,
    )
    if m:
        # "finished with sandbox-3, delete that namespace": the one name said before it
        said = [
            w
            for w in re.findall(r"(?<![\w./=-])([a-z0-9]+(?:-[a-z0-9]+)+|[a-z]+\d+)(?![\w./=-])", m.group(1))
            if is_name(w) and not req.table.get(w)
        ]
        place = namespace(req)
        typed = [r for r in resources(req) if r.start < m.end(1) and r.type.plural != "namespaces"]
        if len(set(said)) == 1 and not typed and place in (None, said[0]):
            return Intent(verb="delete", resource="namespace", names=said[:1])
        # another object or place said before it ("done with web-1 in shop"): which namespace?
        raise Clarify("Which namespace should I delete? Give its name.")
    source = manifest_source(req) if not resources(req) else None
    if source is not None:
        # "delete whatever is in old.yaml", "everything in it.yaml": the objects the manifest describes
        it = Intent(verb="delete")
        it.set_flag(*source)
        return common(req, it, allns=False, sel=False, out=False)
    if req.has(
        r"\b(everything|all (the )?(resources|objects|things)|the (whole|entire) (cluster|namespace))\b"
    ) and not resources(req):
        raise Clarify("That would delete everything. Which resource type and names should I delete?")
    rms = resources(req)
    if not rms:
        raise Clarify(
            unknown_type(req)
            or 'What should I delete? Name the resource type and its name, e.g. "delete pod web-1".'
        )
    types: list[str] = []
    kept: list[RMatch] = []
    for rm in rms:
        if kept and not re.fullmatch(
            r"\s*(,|and|&|\+|,\s*and|as well as)\s*(all\s+)?(the\s+)?", req.low[kept[-1].end : rm.start]
        ):
            continue  # "pods on a dead node": a later type qualifies the first, it is not deleted
        if (
            rm.type.plural not in types
            and rm.type.plural != "namespaces"
            or (rm.type.plural == "namespaces" and len(rms) == 1)
        ):
            types.append(rm.type.plural)
            kept.append(rm)
    rms = kept or rms
    it = Intent(verb="delete", resource=",".join(types))
    quoted = [clean(m.group(0)) for m in re.finditer(Q, req.text) if clean(m.group(0)) != namespace(req)]
    if len(quoted) > 1 and all(is_name(q) for q in quoted):
        it.names = quoted
    else:
        it.names = names_for(req, rms) or the_one_named(req, rms)
    common(req, it, out=False)
    if it.names:
        it.selector = None
    phase_selector(req, it)
    if not it.names and not it.selector and not it.field_selector:
        if req.has(r"\ball\b|\bevery\b"):
            it.set_flag("all")
        else:
            what = types[0] if types else "object"
            raise Clarify(f"Which {what} should I delete? Give a name or a label selector.")
    if req.has(r"\bconfirm"):
        it.set_flag("interactive")
    if req.has(r"\bforce|immediately|right now|without waiting"):
        it.set_flag("force")
        it.set_flag("grace-period", "0")
    return it
