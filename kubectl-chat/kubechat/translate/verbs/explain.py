"""explain: the documented fields of a resource type."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import resources
from ..reading import Clarify, Req


def h_explain(req: Req) -> Intent:
    rms = resources(req)
    m = req.find(r"\b([a-z]+(?:\.[a-zA-Z]+)+)\b")
    if not rms:
        raise Clarify("Which resource should I explain (e.g. pods, deployments.spec)?")
    # the kind as typed ("PodDisruptionBudget" → poddisruptionbudget): kubectl explain takes any form
    typed = rms[0].word.lower().replace(" ", "")
    res = typed if req.table.get(typed) is rms[0].type else rms[0].type.plural
    if m and req.table.get(m.group(1).split(".")[0]):
        res = m.group(1)
    else:
        part = re.match(r"\s+(spec|status|metadata)\b", req.low[rms[0].end :]) or re.search(
            r"\b(spec|status|metadata)\s+(?:of|for)\s+(?:the\s+|an?\s+)?$", req.low[: rms[0].start]
        )  # "the spec of statefulsets"
        if part:
            res = f"{res}.{part.group(1)}"
    it = Intent(verb="explain", resource=res)
    if req.has(r"\ball (the )?fields|recursive|every field"):
        it.set_flag("recursive")
    v = req.value(r"api[- ]versions?\s+([\w.]+/v\w+)") or req.value(r"\b([\w.]+/v\d\w*)\b")
    if v:
        it.set_flag("api-version", v)
    o = req.value(r"\b(plaintext-openapiv2|plaintext)\b")
    if o:
        it.output = o
    return it
