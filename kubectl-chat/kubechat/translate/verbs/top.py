"""top: CPU and memory use of pods or nodes."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, names_for, place_after_plural, resources
from ..reading import Req


def h_top(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural in ("pods", "nodes")]
    kind = "node" if rms and rms[0].type.plural == "nodes" else "pod"
    if req.has(r"\b(per|by|of each|each) node\b"):
        kind, rms = "node", []  # "usage per node" names no node
    it = Intent(verb=f"top {kind}")
    it.names = names_for(req, rms) if rms else []
    if req.has(r"containers|per[- ]container"):
        it.set_flag("containers")
    if req.has(r"most (cpu)|by cpu|highest cpu"):
        it.set_flag("sort-by", "cpu")
    elif req.has(r"most (memory|ram)|by memory|highest memory"):
        it.set_flag("sort-by", "memory")
    common(req, it, allns=kind == "pod", out=False)
    if kind == "pod":
        place_after_plural(req, rms, it)
    return it
