"""describe: one object (or a type) in detail."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, names_for, resources, the_one_named, unknown_type
from ..reading import Clarify, Req


def h_describe(req: Req) -> Intent:
    rms = resources(req)
    if not rms:
        raise Clarify(
            unknown_type(req) or 'What should I describe? Name a resource type, e.g. "describe pod web-1".'
        )
    it = Intent(verb="describe", resource=rms[0].type.plural, names=names_for(req, rms))
    if not it.names:
        it.names = the_one_named(req, rms)
    common(req, it, out=False)
    if it.names and it.selector:
        it.selector = None
    return it
