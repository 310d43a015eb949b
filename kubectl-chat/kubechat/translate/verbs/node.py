"""cordon, uncordon and drain: node maintenance."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import name_like_token, names_for, resources, selector
from ..reading import Clarify, Q, Req, V, is_keyword, is_name
from ..text import clean


def node_names(req: Req) -> list[str]:
    rms = [r for r in resources(req) if r.type.plural == "nodes"]
    names = names_for(req, rms) if rms else []
    if names:
        return names
    m = req.find(rf"\b(?:cordon|uncordon|drain|taint|mark|untaint)\s+(?:the\s+)?({V})")
    if (
        m
        and is_name(clean(m.group(1)))
        and not is_keyword(clean(m.group(1)))
        and clean(m.group(1)) not in ("it", "off", "out")  # "take the taint off n1"
    ):
        return [clean(m.group(1))]
    for m in re.finditer(Q, req.text):
        v = clean(m.group(0))
        if is_name(v):
            return [v]
    name = name_like_token(req)
    return [name] if name else []


def h_node(verb: str):
    def handler(req: Req) -> Intent:
        it = Intent(verb=verb, names=node_names(req))
        if not it.names:
            sel = selector(req)
            if not sel:
                raise Clarify(f"Which node should I {verb}?")
            it.selector = sel
        if verb == "drain":
            if req.has(r"\bforce|even if"):
                it.set_flag("force")
            if req.has(r"ignor\w*[- ](the )?daemon ?sets?"):
                it.set_flag("ignore-daemonsets")
            if req.has(r"emptydir|local data"):
                it.set_flag("delete-emptydir-data")
            wait = req.find(
                r"\b(?:timeout|time out|give up after|time ?limit)\s*(?:of|=|:|after)?\s*(\d+[smh])\b"
            )
            if wait:
                it.set_flag("timeout", wait.group(1))
        return it

    return handler
