"""config: contexts, clusters, users and the current namespace in the kubeconfig."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import resources
from ..reading import Clarify, Req, RMatch, V, is_name
from ..text import clean


def h_config(req: Req) -> Intent:
    low = req.low
    name = None
    m = req.find(rf"\brename (?:the )?context\s+({V})\s+to\s+({V})")
    if m:
        return Intent(verb="config rename-context", names=[clean(m.group(1))], args=[clean(m.group(2))])
    if req.has(r"unset (the )?current[- ]context"):
        return Intent(verb="config unset", args=["current-context"])
    if req.has(r"\bkubeconfig\b|\bconfig\b") and req.has(
        r"\b(only|just)\b[^.]*\b(current|active)[- ]context\b|\bminif|(current|active) context only"
    ):
        # the kubeconfig cut down to what the current context uses
        return Intent(verb="config view", flags=[{"name": "minify"}])
    if req.has(r"current[- ]context|(which|what) context\b(?!s)|context am i|active context") and not req.has(
        r"\b(switch|use|change|set)\b.*\bto\b"
    ):
        return Intent(verb="config current-context")
    if re.search(r"\b(set|change|switch|make)\b.*\b(default )?namespace\b", low) and not resources_non_ns(
        req
    ):
        ns = next(
            (
                v
                for v in (
                    req.value(rf"\bnamespace\s+(?:to\s+)?(?:be\s+)?({V})"),
                    req.value(rf"\bto\s+({V})\s*$"),
                )
                if v and v.lower() not in ("of", "the", "to", "for", "in")
            ),
            None,
        )
        if ns:
            return Intent(verb="config set-context", flags=[{"name": "current"}], namespace=ns)
    if re.search(r"\bdelete\b.*\bcontext\b", low):
        name = req.value(rf"context (?:for|of) the\s+({V})\s+cluster") or req.value(rf"context\s+({V})")
        return Intent(verb="config delete-context", names=[name] if name else [])
    if re.search(r"\bdelete\b.*\bcluster\b", low):
        name = req.value(rf"\bthe\s+({V})\s+cluster") or req.value(rf"cluster\s+({V})")
        return Intent(verb="config delete-cluster", names=[name] if name else [])
    if re.search(r"\bdelete\b.*\buser\b", low):
        name = req.value(rf"\bthe\s+({V})\s+user") or req.value(rf"user\s+({V})")
        return Intent(verb="config delete-user", names=[name] if name else [])
    if re.search(r"(cert|tls)\w* check", low):
        name = req.value(rf"\b(?:for )?the\s+({V})\s+cluster")
        return Intent(
            verb="config set-cluster",
            names=[name] if name else [],
            flags=[{"name": "insecure-skip-tls-verify", "value": "true"}],
        )
    if re.search(r"\b(field|entry|property|attribute|setting)\b", low):
        raise Clarify("Which kubeconfig field should change, in which entry, and to what value?")
    if re.search(r"\b(switch|use|change|set)\b.*\bcontext|\bswitch to\b|use-context", low):
        name = (
            req.value(rf"context\s+(?:to\s+)?({V})\s*$")
            or req.value(rf"\bto\s+({V})\s*$")
            or req.value(rf"context (?:for|of) the\s+({V})\s+cluster")
            or req.value(rf"context\s+({V})")
        )
        if not name or not is_name(name):
            raise Clarify("Which context should I switch to?")
        return Intent(verb="config use-context", names=[name])
    if re.search(r"\bcontexts?\b", low):
        it = Intent(verb="config get-contexts")
        if re.search(r"context names|names of|only (the )?names", low):
            it.output = "name"
        return it
    if re.search(r"\bclusters\b", low):
        return Intent(verb="config get-clusters")
    if re.search(r"\busers\b", low):
        return Intent(verb="config get-users")
    if not re.search(r"\b(show|view|display|print|see|dump|list|get|what|read|cat|look)\b", low):
        raise Clarify("Which kubeconfig change do you mean (context, cluster, user, namespace), and to what?")
    it = Intent(verb="config view")
    if re.search(r"\braw\b|certificate data|secrets", low):
        it.set_flag("raw")
    if re.search(r"\bminif|current context only", low):
        it.set_flag("minify")
    return it


def resources_non_ns(req: Req) -> list[RMatch]:
    return [r for r in resources(req) if r.type.plural != "namespaces"]
