"""events: a namespace's events, or those of one object, by type."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common, names_for, resources
from ..reading import Req, is_name, namespace
from .get import h_get, sort_by


def h_events(req: Req) -> Intent:
    if sort_by(req) or req.has(r"field[- ]selector"):  # `kubectl events` has neither
        return h_get(req)
    it = Intent(verb="events")
    # errors are what a Warning event reports
    said = re.findall(r"(?<![\w-])(warning|normal|error)s?(?![\w-])", req.text.lower())
    types = ["Warning" if t == "error" else t.capitalize() for t in said]
    if types:
        it.set_flag("types", ",".join(dict.fromkeys(types)))
    rms = [r for r in resources(req) if r.type.plural != "events"]
    if rms:
        ns = names_for(req, rms)
        if ns:
            it.set_flag("for", f"{rms[0].type.singular}/{ns[0]}")
    else:
        # "what happened to web-5d-x2?": a pod-shaped name the events are about
        m = req.find(
            r"\b(?:happened to|happening (?:to|with)|about|involving|regarding|wrong with)\s+([a-z0-9]+(?:-[a-z0-9]+)+)\b",
            0,
        )
        if m and is_name(m.group(1)) and m.group(1) != namespace(req) and not req.table.get(m.group(1)):
            it.set_flag("for", f"pod/{m.group(1)}")
    if req.has(r"\bwatch\b"):
        it.set_flag("watch")
    common(req, it, sel=False)
    return it
