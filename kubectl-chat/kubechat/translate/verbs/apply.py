"""apply: the objects a manifest file or a kustomization directory describes."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common
from ..reading import Clarify, Req

# A manifest: a file named with its YAML/JSON suffix, or a URL to one.
_MANIFEST = r"(?<![\w./-])((?:https?://)?[\w./~-]*[\w-]\.(?:ya?ml|json))(?![\w.-])"
# A kustomization: said by its word or kubectl's -k, with its directory after it.
_KUSTOMIZATION = re.compile(
    r"(?:\bkustomiz\w*|(?:^|\s)-k)\s+(?:(?:at|in|from|under|of|dir(?:ectory)?)\s+)*(?:the\s+)?([\w./~-]*[/.][\w./~-]*|[\w-]+)",
    re.I,
)


def manifest_source(req: Req) -> tuple[str, str] | None:
    """('kustomize', DIR) or ('filename', FILE) when the request names a kustomization or a
    manifest file; None otherwise."""
    m = _KUSTOMIZATION.search(req.text)
    if m:
        return "kustomize", m.group(1).rstrip(".,;")
    m = re.search(r"(?:^|\s)(?:-f|--filename)(?:=|\s+)(\S+)", req.text) or re.search(_MANIFEST, req.text)
    if m:
        return "filename", m.group(1)
    return None


def h_apply(req: Req) -> Intent:
    source = manifest_source(req)
    if source is None:
        raise Clarify("Which manifest file (or kustomization directory) should I apply?")
    it = Intent(verb="apply")
    it.set_flag(*source)
    common(req, it, allns=False, sel=False, out=False)
    return it
