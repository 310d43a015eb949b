"""auth can-i: whether a verb on a type of object is allowed, for you or for another subject."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import common, resources
from ..reading import Clarify, Req, V, is_keyword, is_name, namespace
from ..text import clean, mask_quotes

# a service account, as said ("service account x", "sa x", "the x sa") and where it lives
_SA = r"(?:service ?account|\bsa)"
_CHECKED_VERB = (
    r"get|list|watch|create|update|patch|delete|deletecollection|exec|read|view|see|edit|scale|use"
)
_SA_PLACE = rf"(?:of|in|from)\s+(?:the\s+)?(?:namespace\s+|ns\s+)?({V})"


def h_auth_can_i(req: Req) -> Intent:
    it = Intent(verb="auth can-i")
    if req.has(
        r"\b(all|every|which|what)\b.*\b(allowed )?(actions|permissions|can i do)\b|--list|"
        r"\b(everything|anything|all|what)\b[^.]*\b(i'?m|i am|am i) (allowed|able|permitted) to do\b"
    ):
        it.set_flag("list")
        common(req, it, sel=False, out=False)
        return it
    if req.has(r"do everything|all actions|anything") and req.has(r"everything|all resources|anything"):
        it.args = ["*", "*"]
    else:
        m = re.search(
            r"\bi\s+(?:can\s+|to\s+|allowed to\s+)?(get|list|watch|create|update|patch|delete|approve|"
            r"read|edit|exec|view|see|scale|deletecollection|impersonate|escalate|bind|use)\b",
            req.low,
        )
        if not m:
            m = re.search(
                r"\bcan-i\s+(\w+)|\b(?:to|can)\s+(get|list|watch|create|update|patch|delete|read|view)\b",
                req.low,
            )
        if not m:
            # "can user kim delete nodes?", "can the robot service account … patch deployments": the
            # action after the subject
            m = re.search(
                rf"\b(?:user|group|{_SA})\b.*?\b(get|list|watch|create|update|patch|delete|exec|read|"
                r"view|see|edit|scale|impersonate|escalate|bind)\b",
                req.low,
            )
        if not m:
            raise Clarify("Which action should I check (get, list, create, delete, …) and on what?")
        verb = next(g for g in m.groups() if g)
        said = verb
        after_verb = m.end()
        verb = {"read": "get", "view": "get", "see": "get", "edit": "update", "exec": "create"}.get(
            verb, verb
        )
        # the object of the action, not the service account asking ("can the robot service account
        # … patch deployments")
        rms = [r for r in resources(req) if r.start >= after_verb] or resources(req)
        if rms:
            res = rms[0].type.plural
            if req.has(r"\blogs?\b") and res == "pods":
                it.set_flag("subresource", "log")
            elif said == "exec" and res == "pods":
                res = "pods/exec"  # exec is create on the pods/exec subresource
        else:
            m2 = req.find(r"\b([a-z]+(?:\.[a-z0-9-]+)+\.(?:io|com|org))\b")
            if not m2:
                raise Clarify("On which resource should I check that permission?")
            res = m2.group(1)
        it.args = [verb, res]
    sa = req.find(rf"{_SA}\s+({V})\s+{_SA_PLACE}") or req.find(rf"\b(?P<b>{V})\s+{_SA}\s+{_SA_PLACE}")
    if sa:
        sa_name, sa_ns = (
            (clean(sa.group("b")), clean(sa.group(2)))
            if "b" in sa.re.groupindex
            else (
                clean(sa.group(1)),
                clean(sa.group(2)),
            )
        )
        if not is_name(sa_name) or not is_name(sa_ns):
            raise Clarify("Which service account, in which namespace?")
        it.set_flag("as", f"system:serviceaccount:{sa_ns}:{sa_name}")
        rest = req.text[sa.end() :]
        sub = Req(req.raw, rest, mask_quotes(rest).lower(), req.table)
        # the check runs where the account lives unless another place is named after it
        it.namespace = sa_ns
        if not re.search(r"\b(?:same|that|its own|its|their) namespace\b|\bthere\b", sub.low):
            it.namespace = namespace(sub) or sa_ns
        return it
    named = [
        clean(m.group(1))
        for m in (req.find(rf"\b({V})\s+{_SA}\b"), req.find(rf"{_SA}\s+(?:named\s+|called\s+)?({V})"))
        if m
    ]
    named = [n for n in named if is_name(n) and not is_keyword(n) and not re.fullmatch(_CHECKED_VERB, n)]
    if named:
        # an account named without its own place lives in the one the request names
        ns = namespace(req)
        if not ns:
            raise Clarify("Which namespace is that service account in?")
        it.set_flag("as", f"system:serviceaccount:{ns}:{named[0]}")
        it.namespace = ns
        return it
    who = req.value(rf"\b(?:as|can)\s+(?:the\s+)?user\s+({V})") or req.value(rf"\buser\s+({V})\s+can\b")
    if who:
        it.set_flag("as", who)
    common(req, it, sel=False, out=False)
    if it.args and (t := req.table.get(it.args[1].split("/")[0])) is not None and not t.namespaced:
        # "may I read nodes across the cluster": a cluster-scoped type has no namespace to check in
        it.namespace, it.all_namespaces = None, False
    return it
