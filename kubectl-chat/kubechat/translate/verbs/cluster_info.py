"""cluster-info and cluster-info dump."""

from __future__ import annotations

from ...intent import Intent
from ..reading import Req, all_namespaces


def h_cluster_info(req: Req) -> Intent:
    if not req.has(r"\bdump|cluster state"):
        return Intent(verb="cluster-info")
    it = Intent(verb="cluster-info dump")
    m = req.find(r"\bto\s+((?:/|\./|~/)[\w./~-]+)")
    if m:
        it.set_flag("output-directory", m.group(1))
    if all_namespaces(req):
        it.all_namespaces = True
    return it
