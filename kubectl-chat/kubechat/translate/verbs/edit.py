"""edit: an object in the editor."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, names_for, resources
from ..reading import Clarify, Req


def h_edit(req: Req) -> Intent:
    rms = resources(req)
    if not rms:
        raise Clarify('What should I edit? e.g. "edit deployment web".')
    it = Intent(verb="edit", resource=rms[0].type.plural, names=names_for(req, rms))
    if req.has(r"\bsave-config\b|\bsave\b.*\bconfig"):
        it.set_flag("save-config")
    m = req.find(r"['\"]?(status|scale)['\"]?\s+subresource")
    if m:
        it.set_flag("subresource", m.group(1))
    common(req, it, allns=False, sel=False)
    if it.output not in ("yaml", "json"):
        it.output = None
    return it
