"""certificate approve and deny of a signing request."""

from __future__ import annotations

from ...intent import Intent
from ..reading import Clarify, Req, V


def h_certificate(req: Req) -> Intent:
    sub = "deny" if req.has(r"\bdeny|reject") else "approve"
    name = req.value(r"(?<![\w.-])(csr-[\w-]+)") or req.value(
        rf"(?:csr|certificate signing request|certificate)\s+({V})"
    )
    if not name:
        raise Clarify("Which certificate signing request?")
    it = Intent(verb=f"certificate {sub}", names=[name])
    if req.has(r"\bforce"):
        it.set_flag("force")
    return it
