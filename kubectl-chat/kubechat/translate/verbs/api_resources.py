"""api-resources: the types the server offers, by scope, verbs and API group."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import output
from ..reading import Req, V


def h_api_resources(req: Req) -> Intent:
    it = Intent(verb="api-resources")
    if req.has(r"non-namespaced|not namespaced|cluster[- ]scoped|cluster[- ]level"):
        it.set_flag("namespaced", "false")
    elif req.has(r"\bnamespaced\b"):
        it.set_flag("namespaced", "true")
    verbs = re.findall(
        r"""['"](get|list|watch|create|update|patch|delete|deletecollection)['"]""", req.text, re.I
    )
    if verbs and req.has(r"verbs?"):
        it.set_flag("verbs", ",".join(v.lower() for v in verbs))
    g = req.value(rf"(?:in|from|for|of)\s+the\s+({V})\s+(?:api\s*)?group") or req.value(
        rf"api[- ]?group\s+({V})"
    )
    if g:
        it.set_flag("api-group", g)
    if req.has(r"\bsort"):
        it.set_flag("sort-by", "kind" if req.has(r"by kind") else "name")
    it.output = output(req)
    return it
