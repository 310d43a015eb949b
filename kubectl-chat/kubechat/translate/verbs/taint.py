"""taint: add or remove a node taint (key[=value]:Effect)."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import REMOVING, selector
from ..reading import Clarify, Q, Req, V, is_keyword, is_name
from ..text import clean
from .label import removed_key
from .node import node_names

_EFFECT = r"(?:NoSchedule|PreferNoSchedule|NoExecute)"


def _key_before_effect(req: Req) -> str | None:
    """ "the gpu NoSchedule taint": the key is the word before the effect; the effect is no key."""
    m = req.find(rf"(?<![\w./-])([A-Za-z0-9][\w./-]*)\s+{_EFFECT}\s+taints?\b")
    v = m and m.group(1)
    return (
        v
        if v and not re.fullmatch(_EFFECT, v, re.I) and not req.table.get(v.lower()) and not is_keyword(v)
        else None
    )


def h_taint(req: Req) -> Intent:
    it = Intent(verb="taint", resource="nodes")
    it.names = node_names(req)
    effect = None
    m = req.find(r"\b(NoSchedule|PreferNoSchedule|NoExecute)\b")
    if m:
        effect = {
            "noschedule": "NoSchedule",
            "prefernoschedule": "PreferNoSchedule",
            "noexecute": "NoExecute",
        }[m.group(1).lower()]
    key = (
        req.value(rf"\bkey\s+({V})")
        or req.value(rf"\btaint\s+({Q})")
        # kubectl's order: "untaint node n1 gpu" takes gpu off n1
        or req.value(rf"\buntaint\s+(?:the\s+)?(?:nodes?\s+)?{V}\s+({V})\s*$")
    )
    value = req.value(rf"\bvalue\s+({V})")
    literal = req.find(rf"([\w./-]+(?:=[\w./-]*)?:{_EFFECT}-?)")
    if literal:
        arg = literal.group(1)
        if req.has(REMOVING) and not arg.endswith("-"):
            arg += "-"  # "remove the k=v:NoSchedule taint": without the dash kubectl would add it
    elif not key and req.has(REMOVING) and (said := _key_before_effect(req) or removed_key(req, "taint")):
        # "drop the gpu taint (NoExecute) off n1", "remove taint gpu from n1"
        if re.fullmatch(_EFFECT, said, re.I):
            raise Clarify(f"Which taint key should I remove (key:{said})?")
        arg = f"{said}:{effect}-" if effect else f"{said}-"
        if not it.names or said in it.names:  # the node is the one it comes off
            off = req.find(rf"\b(?:from|off|on)\s+(?:the\s+)?(?:node\s+)?({V})")
            it.names = [clean(off.group(1))] if off and is_name(clean(off.group(1))) else []
    elif not key:
        raise Clarify("Which taint (key=value:Effect) should I apply?")
    elif req.has(REMOVING):
        arg = f"{key}:{effect}-" if effect and not req.has(r"\ball the taints") else f"{key}-"
    else:
        arg = (
            f"{key}={value}:{effect or 'NoSchedule'}"
            if value and not req.has(r"no value")
            else f"{key}:{effect or 'NoSchedule'}"
        )
    it.args = [arg]
    if not it.names:
        sel = selector(req)
        if sel:
            it.selector = sel
        else:
            raise Clarify("Which node should I taint?")
    if req.has(r"overwrit"):
        it.set_flag("overwrite")
    return it
