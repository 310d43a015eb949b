"""proxy: a local proxy to the API server."""

from __future__ import annotations

from ...intent import Intent
from ..readers import number_after
from ..reading import Req
from ..text import clean


def h_proxy(req: Req) -> Intent:
    it = Intent(verb="proxy")
    p = number_after(req, r"\bport")
    if p:
        it.set_flag("port", p)
    m = req.find(r"static (?:content|files) from\s+(\S+)")
    if m:
        it.set_flag("www", clean(m.group(1)))
    m = req.find(r"api prefix to\s+(\S+)")
    if m:
        v = clean(m.group(1))
        it.set_flag("api-prefix", v if v.startswith("/") else "/" + v)
    return it
