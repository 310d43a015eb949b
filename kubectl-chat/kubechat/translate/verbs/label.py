"""label and annotate: add, change (--overwrite), remove (key-) or list, by name or selector."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import (
    REMOVING,
    common,
    first_type,
    kv_from_words,
    kv_pairs,
    names_for,
    pair_before_type,
    require_name,
    resources,
)
from ..reading import KV, Clarify, Q, Req, V, is_keyword, is_name
from ..text import clean, mask_quotes


def h_label(req: Req, kind: str = "label") -> Intent:
    verb = "label" if kind == "label" else "annotate"
    rms = [r for r in resources(req)]
    it = Intent(verb=verb, resource=first_type(rms))
    if not it.resource:
        raise Clarify(f"Which resource should I {verb}?")
    sel = None
    m = req.find(
        rf"(?:having|with|matching|that have|selected by)\s+(?:the\s+)?(?:label\s+)?({KV})\s*labels?\b"
    ) or req.find(rf"(?:having|with|matching|that have|selected by)\s+(?:the\s+)?labels?\s+({KV})")
    if re.search(rf"{KV}\s+or\s+{KV}", req.text):
        raise Clarify(f"Which objects should I {verb}? Give one label selector (e.g. -l 'app in (a,b)').")
    m = m or pair_before_type(req)
    if m is None and len(kv_pairs(req)) > 1:
        # "label k=v on all pods with app=x": of two pairs, the one after with/having/matching
        # chooses the objects; it is never a second label to set
        m = req.find(rf"\b(?:having|with|matching|that have|selected by|where)\s+(?:the\s+)?({KV})")
    mark = None
    if m and not req.has(rf"\b(with|having) (the|a|an) {kind}\b"):
        sel = clean(m.group(1)).replace(" ", "")
        mark = m.span(1)
    text_wo_sel = req.text if mark is None else req.text[: mark[0]] + req.text[mark[1] :]
    sub = Req(req.raw, text_wo_sel, mask_quotes(text_wo_sel).lower(), req.table)
    removing = req.has(REMOVING)
    cause = kind == "annotation" and req.find(
        rf"\brecord\s+(?:the\s+|a\s+)?change[- ]cause\s*(?:of\s+|as\s+|:\s*)?({Q})"
    )
    if cause:
        # the change cause kubectl shows in rollout history, kept in its own annotation; one
        # already there is replaced only when asked (without --overwrite kubectl refuses)
        args = [f"kubernetes.io/change-cause={clean(cause.group(1))}"]
    elif removing:
        key = removed_key(req, kind)
        if not key:
            raise Clarify(f"Which {kind} should I remove?")
        args = [key.rstrip("-") + "-"]
    else:
        args = kv_from_words(sub, kind)
    names = []
    for rm in rms:
        after = text_wo_sel[
            rm.end - (len(req.text) - len(text_wo_sel)) if mark and rm.end > mark[1] else rm.end :
        ]
        m2 = re.match(rf"\s+({V}(?:\s*(?:,\s*(?:and\s+)?|\band\b)\s*{V})*)", after)
        if m2:
            for part in re.split(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*", m2.group(1)):
                v = clean(part)
                if not is_name(v) or "=" in part or req.table.get(v) or is_keyword(v):
                    break
                names.append(v)
        if names:
            break
    if not names:
        m = req.find(rf"\b(?:named|called)\s+({V})")
        if m and not removing and is_name(clean(m.group(1))):
            names = [clean(m.group(1))]
    if not names:
        # a lone quoted name that is not part of the key/value
        for m in re.finditer(Q, text_wo_sel):
            v = clean(m.group(0))
            if is_name(v) and not any(v == a.split("=")[0].rstrip("-") or a.endswith("=" + v) for a in args):
                names = [v]
                break
    if not names and not removing:
        # "label the shop namespace with k=v": the object named before its type
        names = [n for n in names_for(req, rms, allow_quoted=False, named=False) if "=" not in n][:1]
    it.names = names
    it.args = args
    if req.has(r"\b(check|list|show|display|what are)\b.*\b(annotations|labels)\b") and not args:
        it.set_flag("list")
        it.args = []
    elif not args:
        raise Clarify(f"Which {kind} (key=value) should I set?")
    if not removing and req.has(r"overwrit|\bchange\b(?![- ]cause)(?!-)|\breplace\b(?!-)"):
        it.set_flag("overwrite")  # a removal has nothing to overwrite; "change-id" is a key
    if sel:
        it.selector = sel
    elif not names and req.has(r"\b(?:all|every)\b"):
        it.set_flag("all")
    common(req, it, allns=False, sel=False, out=False)
    if it.resource == "nodes" and not names:
        raise Clarify(f"Which node should I {verb}?")
    require_name(it, it.resource, verb)
    return it


_NOT_A_KEY = {"from", "off", "on", "of", "for", "in", "to", "key", "value", "named", "called", "it", "them"}


def removed_key(req: Req, kind: str) -> str | None:
    """The key to remove: quoted ('the "x" label'), before the kind word ('the x label'), or
    after it ('label x', 'label named x'); never a function word ('the label from web')."""

    def key_ok(v: str) -> bool:
        k = v.rstrip("-").split("=")[0]
        return (
            bool(re.fullmatch(r"[A-Za-z0-9][\w./-]*", k))
            and k.lower() not in _NOT_A_KEY
            and not re.fullmatch(REMOVING, k, re.I)  # "drop label x": the verb is no key
            and not is_keyword(k)
        )

    for pat in (
        rf"({Q})\s+{kind}s?\b",
        rf"(?<![\w.-])({V})\s+{kind}s?\b",
        rf"\b{kind}s?\s+(?:named\s+|called\s+|with key\s+|key\s+)?({V})",
    ):
        for m in re.finditer(pat, req.text, re.I):
            v = clean(m.group(1))
            if key_ok(v) and not req.table.get(v.lower()):
                return v.rstrip("-").split("=")[0] if "=" in v and kind != "taint" else v
    return None


def h_annotate(req: Req) -> Intent:
    return h_label(req, "annotation")
