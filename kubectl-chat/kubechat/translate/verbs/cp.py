"""cp: a file into or out of a pod; the side each path is on comes from "into"/"out of"."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, container_name
from ..reading import Clarify, Req, V, is_name

# a file path as people type it: "/var/tmp/x", "./x", "~/x", "../x" (a bare "x.sql" is a local file
# only where the request says which side it is on)
_PATH = r"(?<![\w:/.~-])((?:\.{1,2}/|~/|/)[\w./~@%+-]*|[\w-]+\.[a-z][\w]*)(?![\w/])"


def h_cp(req: Req) -> Intent:
    """Copy a file into or out of a pod: the side each path is on comes from "into"/"out of"."""
    pod = req.value(rf"\bpod\s+(?:named\s+|called\s+)?({V})") or req.value(r"(?<![\w/.-])([\w.-]+):/")
    into = req.has(
        r"\b(?:into|onto|up to|to|inside)\s+(?:the\s+)?pod\b|\bin(?:to)? (?:the )?pod\b[^.]*\bat\b"
    )
    out = req.has(r"\b(?:out of|from|off)\s+(?:the\s+)?pod\b")
    if not pod or not is_name(pod) or into == out:
        raise Clarify(
            'Copy which file, from where to where? e.g. "copy /tmp/x out of pod web-1 to ./x" or '
            '"copy ./x into pod web-1 at /tmp/x".'
        )
    paths = [m.group(1).rstrip(".") for m in req.findall(_PATH)]
    paths = [p for p in paths if p and p != pod and not p.startswith(pod + ":")]
    if len(paths) != 2:
        raise Clarify("Which path inside the pod, and which local path?")
    src, dst = paths
    it = Intent(verb="cp", args=[src, f"{pod}:{dst}"] if into else [f"{pod}:{src}", dst])
    c = container_name(req, exclude=pod)
    if c:
        it.set_flag("container", c)
    common(req, it, allns=False, sel=False, out=False)
    return it
