"""Commands that take no object: auth whoami, version, api-versions, plugin list, options,
kuberc view."""

from __future__ import annotations

from ...intent import Intent
from ..readers import output
from ..reading import Req


def h_simple(verb: str):
    def handler(req: Req) -> Intent:
        it = Intent(verb=verb)
        if verb in ("auth whoami", "version", "kuberc view"):
            it.output = output(req) if req.has(r"json|yaml") else None
        if verb == "version" and req.has(r"client (version )?only|only the client|just the client"):
            it.set_flag("client")
        if verb == "plugin list" and req.has(r"names? only|only (the )?(binary )?names|without paths"):
            it.set_flag("name-only")
        return it

    return handler
