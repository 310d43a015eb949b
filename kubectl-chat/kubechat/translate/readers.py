"""Slot readers the verb modules share: resource types in the text, object names, label
selectors, output formats, key=value pairs, the pod or owner a pod command targets, containers,
images and commands of new workloads, and `common` (namespace, selector and format for any verb).
Each reads only what the request says; a missing required value is a `Clarify`, never a guess."""

from __future__ import annotations

import re

from ..intent import Intent
from .coverage import REASON_WORDS
from .reading import (
    ENV_NAMESPACES,
    KEYWORDS,
    KV,
    NOT_RESOURCE_SHORT,
    STOP,
    Clarify,
    Q,
    Req,
    RMatch,
    V,
    all_namespaces,
    is_keyword,
    is_name,
    namespace,
    ns_match,
)
from .slots import NOT_A_PLACE
from .text import clean


def resources(req: Req) -> list[RMatch]:
    """Resource words in order of appearance (longest names first, no overlaps)."""
    names = sorted(
        (n for n in req.table.names() if n not in NOT_RESOURCE_SHORT and not n.endswith(".k8s.io")),
        key=len,
        reverse=True,
    )
    # regex per table is cached on the table object
    rx = getattr(req.table, "_rx", None)
    if rx is None:
        alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        rx = re.compile(rf"(?<![\w/=.-])({alt})(?:'s|s')?(?![\w/=-])", re.I)
        req.table._rx = rx  # type: ignore[attr-defined]
    out: list[RMatch] = []
    ns = ns_match(req)
    for m in rx.finditer(req.low):
        word = m.group(1)
        if ns is not None and m.start() < ns.cue_end and ns.cue_start < m.end():
            continue  # the namespace phrase ("the jobs namespace", "ns x") is not a type acted on
        t = req.table.get(re.sub(r"\s+", " ", word))
        if t is None:
            continue
        # "namespace" inside a namespace phrase is not a resource the user acts on
        if (
            t.plural == "namespaces"
            and re.search(
                r"(?:in|from|within|of|on|for|into|across|all|every|any|current|default|given|specific|same|"
                r"the|that|this|other|another)\s+(?:the\s+|a\s+)?(?:\S+\s+)?$",
                req.low[: m.start()],
            )
            and not re.search(
                r"\b(create|delete|remove|describe|make|new|drop|destroy|label|annotate)\s+(the\s+|a\s+)?([a-z0-9][-a-z0-9]*\s+)?$"
                # "a team label on ns x": the object a label or annotation is on
                r"|\b(?:labels?|annotations?)\s+(?:on|of|for)\s+(?:the\s+)?$",
                req.low[: m.start()],
            )
        ):
            continue
        if (
            t.plural == "deployments"
            and word == "deploy"
            and m.start() == 0
            and not _TYPE_ALONE.match(req.low)
        ):
            continue
        out.append(RMatch(m.start(), m.end(), t, word))
    if not any(r.type.plural == "resourcequotas" for r in out):
        # "describe quota q1", "get quotas in x": the English word is the type after a read verb
        for m in re.finditer(
            r"\b(?:get|list|show|describe|delete|remove|edit|is there|are there)\s+(?:the\s+|all\s+|an?\s+|any\s+)?(quotas?)\b",
            req.low,
        ):
            t = req.table.get("resourcequotas")
            if t is not None:
                out.append(RMatch(m.start(1), m.end(1), t, m.group(1)))
                out.sort(key=lambda r: r.start)
    if not out:
        # "ep in default namespace", "list cs": short names that read as English elsewhere are
        # types where nothing but a place or a read verb stands around them
        m = re.match(
            rf"^(?:(?:get|list|show|describe)\s+(?:the\s+|all\s+)?)?({_SHORT_ALT})\b(?=\s*$|\s+(?:in|from|across|for|-n|-a|--namespace|--all-namespaces)\b)",
            req.low,
        )
        if m:
            t = req.table.get(m.group(1))
            if t is not None:
                out.append(RMatch(m.start(1), m.end(1), t, m.group(1)))
    return out


# A type word opening the request with only a place after it: "deploy in shop", "ep -n x".
_TYPE_ALONE = re.compile(r"^\S+(?:\s*$|\s+(?:in|from|across|for|-n|-a|--namespace|--all-namespaces)\b)")


_SHORT_ALT = "|".join(sorted(n for n in NOT_RESOURCE_SHORT if len(n) == 2 and n != "no"))


def unknown_type(req: Req) -> str | None:
    """'did you mean deployments?' for a word that looks like a mistyped resource type."""
    import difflib

    for word in re.findall(r"[a-z][a-z.]{3,}", req.low):
        if word in STOP or word in KEYWORDS or req.table.get(word) or word in ENV_NAMESPACES:
            continue
        close = difflib.get_close_matches(word, req.table.names(), n=1, cutoff=0.8)
        if close:
            t = req.table.get(close[0])
            return f"I don't know the resource type {word!r}; did you mean {t.plural}?"
    return None


def selector(req: Req) -> str | None:
    m = req.find(rf"(?:^|\s)(?:-l|--selector)(?:=|\s+)({V})")
    if m:
        return clean(m.group(1))
    sel = _set_selector(req)
    if sel:
        return sel
    m = req.find(
        r"\b(?:where|whose)\s+(?:the\s+)?(?:label\s+)?([A-Za-z][\w./-]*)\s+(?:label\s+)?(?:is|equals|=)\s+"
        r"(?!not\b)([\w.-]+)"
    )
    if m and m.group(1).lower() not in STOP and not _FIELD_KEY.match(m.group(1)):
        return f"{m.group(1)}={clean(m.group(2))}"
    pats = (
        rf"\blabel(?:s|led|ed)?\s+(?:selector\s+)?(?:of\s+)?({KV}(?:\s*(?:,|and)\s*{KV})*)",
        rf"\b(?:selector|matching|having|with|that have|where)\s+(?:the\s+)?(?:label\s+)?({KV}(?:\s*(?:,|and)\s*{KV})*)",
        r"(['\"][\w./-]+\s*!?=\s*[\w./-]*['\"])\s+label",
        rf"\bwith\s+the\s+({KV})\s+label",
    )
    for p in pats:
        m = req.find(p)
        if m:
            parts = re.split(r"\s*(?:,|\band\b)\s*", m.group(1))
            return ",".join(clean(p).replace(" ", "") for p in parts if p.strip())
    m = pair_before_type(req)
    return clean(m.group(1)) if m else None


_LABEL_KEY = r"([A-Za-z][\w./-]*)"


def _set_selector(req: Req) -> str | None:
    """Selectors kubectl writes with sets and existence: 'tier in (web,api)', 'whose stage label is
    blue or green' (either value), 'with no team label' / 'without a team label' (the key absent)."""
    m = req.find(rf"\b{_LABEL_KEY}\s+(not\s+in|notin|in)\s*\(\s*([\w.-]+(?:\s*,\s*[\w.-]+)*)\s*\)")
    if m and m.group(1).lower() not in STOP:
        op = "notin" if m.group(2).startswith("not") else "in"
        values = re.split(r"\s*,\s*", m.group(3))
        return f"{m.group(1)} {op} ({','.join(values)})"
    m = req.find(
        rf"\b(?:where|whose|with)\s+(?:the\s+)?(?:label\s+)?{_LABEL_KEY}\s+(?:label\s+)?(?:is|equals|=)\s+"
        r"([\w.-]+(?:\s*,\s*[\w.-]+)*(?:,?\s+or\s+[\w.-]+)+)\b"
    )
    if m and m.group(1).lower() not in STOP and not _FIELD_KEY.match(m.group(1)):
        values = re.split(r"\s*,\s*(?:or\s+)?|\s+or\s+", m.group(2))
        return f"{m.group(1)} in ({','.join(values)})"
    m = req.find(rf"\b(?:no|without|missing|lacking)\s+(?:an?\s+|the\s+|any\s+)?{_LABEL_KEY}\s+label\b")
    if m and m.group(1).lower() not in STOP:
        return f"!{m.group(1)}"
    return None


def pair_before_type(req: Req) -> re.Match | None:
    """ "all app=x pods", "the tier=db deployments": a pair said right before a type chooses the
    objects, it is never a value to set."""
    for rm in resources(req):
        m = re.search(rf"(?<!\S)({KV})\s+$", req.text[: rm.start])
        if m:
            return m
    return None


# Keys that are the object's own fields, compared with --field-selector, never labels.
_FIELD_KEY = re.compile(r"^(?:(?:status|spec|metadata)\.|type$|reason$|phase$)", re.I)


def output(req: Req) -> str | None:
    m = req.find(r"(?:^|\s)(?:-o|--output)\s*(?:=|\s)?\s*(\S+)")
    if m:
        v = re.sub(r"""^([\w-]+=)(['"])(.*)\2$""", r"\1\3", m.group(1))
        return clean(v)
    m = req.find(r"(jsonpath=?\s*['\"]?\{[^}]*\}[^'\"\s]*['\"]?)")
    if m:
        return clean(m.group(1)).replace("jsonpath ", "jsonpath=")
    m = req.find(r"(custom-columns=\S+)")
    if m:
        return clean(m.group(1))
    if req.has(r"\byaml\b"):
        return "yaml"
    if req.has(r"\bjson\b"):
        return "json"
    if req.has(
        r"(?<!cluster-)(?<!cluster )\bwide\b|more (info|information|detail|details)\b|additional (info|information|details)|"
        r"extra (info|details|columns)|with (the )?node names?|expanded|(with|and) (their |the )?(ip|ips|nodes?)\b|"
        r"\bip (columns?|addresses)\b"
    ):
        return "wide"
    if req.has(
        r"\b(only|just)( need| want)?( the)?( resource| [a-z]+)? names?\b|\bnames? only\b|simple output|"
        r"\bnothing (else )?but the names?\b"
    ):
        return "name"
    return None


def kv_pairs(req: Req, text: str | None = None) -> list[str]:
    """key=value tokens in the text (quoted or not)."""
    src = text if text is not None else req.text
    out = []
    for m in re.finditer(r"""(?<![\w-])(['"]?)([A-Za-z_][\w./-]*)=('[^']*'|"[^"]*"|[^\s,'"]*)\1""", src):
        out.append(f"{m.group(2)}={clean(m.group(3))}")
    return out


def names_for(req: Req, rms: list[RMatch], *, allow_quoted: bool = True, named: bool = True) -> list[str]:
    """Object names: 'named x', '<type> x[, y and z]', 'the x <type>', or a quoted value."""
    names: list[str] = []
    m = named and req.find(
        rf"\b(?:named|called|name(?:d)?|with (?:the )?name)\s+({V}(?:\s*(?:,|and)\s*{V})*)"
    )
    if m:
        for part in re.split(r"\s*(?:,|\band\b)\s*", m.group(1)):
            if is_name(clean(part)):
                names.append(clean(part))
        if names:
            return names
    for rm in rms:
        before_name = None
        m = re.search(rf"({V})\s*$", req.text[: rm.start])
        if m:
            v = clean(m.group(1))
            nm = ns_match(req)
            place = nm is not None and nm.start == m.start(1)  # "shop: secrets …" opens with a place
            if (
                is_name(v)
                and not place
                and not req.table.get(v)
                and not is_keyword(v)
                and not _participle(v, m.group(1))
                and not (plain_word(v, m.group(1)) and said_in_plural(rm))
            ):
                before_name = v
        after = req.text[rm.end :]
        asked_which = re.search(r"\b(?:what|which)\s+(?:of\s+the\s+|the\s+|all\s+)?$", req.low[: rm.start])
        m = re.match(rf"\s+({V}(?:\s*(?:,|\band\b)\s*{V})*)", after, re.I)
        if m:
            parts = re.split(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*", m.group(1))
            if len(parts) > 1 and _opens_clause(parts[-1], after[m.end() :]):
                parts.pop()  # "sandbox-3, student left": the words after the comma say something else
            for part in parts:
                v = clean(part)
                if (
                    "=" in v
                    or not is_name(v)
                    or req.table.get(v)
                    or _describes(v, part, after, rm, asked_which is not None)
                ):
                    break
                if re.search(r"[a-z][A-Z]", v) and not part.lstrip().startswith(("'", '"')):
                    break  # "NotReady", "CrashLoopBackOff": a state; names are lower case
                if is_keyword(v) and plain_word(v, part):
                    break  # "the api deployment rollout": a command word after the type is no name
                if names and (place := ns_match(req)) is not None and place.strong and v == place.value:
                    break  # "ds log-agent, shop ns": the list ends where the place is named
                names.append(v)
            # "billing-api deployment needs …": a plain word after the type loses to a name before it
            nm = ns_match(req)
            slashed = nm is not None and nm.slash and req.text[nm.end : rm.start].strip() == before_name
            if (
                names
                and before_name
                and len(names) == 1
                and plain_word(names[0], m.group(1))
                and (not before_name.isalpha() or slashed or _participle(names[0], m.group(1)))
            ):
                return [before_name]
            if names:
                return names
        if before_name:
            return [before_name]
    if allow_quoted:
        ns = namespace(req)
        for m in re.finditer(Q, req.text):
            v = clean(m.group(0))
            if is_name(v) and v != ns:
                return [v]
    return names


def _opens_clause(part: str, rest: str) -> bool:
    """The last item of a list of names that is a plain word with more words after it ("node n1,
    ignore daemonsets", "namespace x, student graduated") opens a new clause; a last name is
    followed by the end, a place, or a function word ("pods a, b in shop", "a, b please")."""
    if re.fullmatch(r"[a-z][-a-z]*", clean(part)) and re.match(r"\s+[-–—]+\s", rest):
        return True  # "sts db, shop - show the ready count": a dash goes on to something else
    word = re.match(r"\s+([A-Za-z][\w-]*)", rest)
    return plain_word(clean(part), part) and word is not None and word.group(1).lower() not in _AFTER_A_NAME


# Words that may follow the last name of a list: a place, a flag, politeness, a joined clause.
_AFTER_A_NAME = {
    *("in", "from", "on", "under", "within", "inside", "at", "of", "for", "to", "into", "across"),
    *("namespace", "ns", "please", "pls", "now", "too", "also", "as", "with", "and", "then", "right"),
    *("quickly", "immediately", "asap", "together", "both", "all", "if", "but", "so", "using", "sorted"),
}


def said_in_plural(rm: RMatch) -> bool:
    """The type was said in the plural ("the stuck pods"): a plain word beside it describes
    the objects ("crashlooping", "whatever"); one object's name goes with one object."""
    w = re.sub(r"\s+", " ", rm.word.lower())
    if w == rm.type.singular.lower():
        return False  # "endpoints", "ingress": the singular itself
    return w == rm.type.plural.lower() or (w.endswith("s") and not w.endswith("ss"))


# Words after a type that place or qualify the objects rather than name one: "secrets lying
# around", "crds installed in the cluster", "statefulsets wise", "nodes available".
_QUALIFIER = re.compile(
    r"(?:wise|around|about|available|present|left|remaining|total|overall|exist|exists|existing|"
    r"lying|sitting|floating|hanging|living|kicking|whatsoever|altogether|anymore|right)$"
)


def _describes(v: str, typed: str, after: str, rm: RMatch, asked_which: bool = False) -> bool:
    """A plain word right after a plural type that describes the objects: a participle
    ("installed", "registered", "defined") or a qualifier ("wise", "lying around")."""
    if not plain_word(v, typed) or not said_in_plural(rm):
        return False
    low = v.lower()
    if _QUALIFIER.match(low) or (low.endswith("ed") and not low.endswith("eed") and len(low) > 5):
        return True
    # "-ing" followed by where or how it is ("lying around", "sitting in x"): a description
    rest = after.strip()[len(typed.strip()) :].strip().lower()
    if low.endswith("ing") and re.match(r"(?:around|about|there|here|idle|unused)\b", rest):
        return True
    # "what configmaps live in x", "which secrets sit in y": asked which objects, the plain word
    # between them and their place is a verb
    return asked_which and re.match(r"(?:in|inside|within|under)\b", rest) is not None


def _participle(v: str, typed: str) -> bool:
    """'paused', 'stuck'-like adjectives in -ed before a type describe it; they do not name it."""
    return plain_word(v, typed) and v.endswith("ed") and len(v) > 4


def plain_word(v: str, typed: str) -> bool:
    """An unquoted all-letters word (more likely English than an object name)."""
    return v.isalpha() and v.islower() and not typed.lstrip().startswith(("'", '"'))


def first_type(rms: list[RMatch], default: str | None = None) -> str | None:
    return rms[0].type.plural if rms else default


def number_after(req: Req, pattern: str) -> str | None:
    m = req.find(pattern + r"\s*(\d+)")
    return m.group(1) if m else None


def common(req: Req, it: Intent, *, allns: bool = True, sel: bool = True, out: bool = True) -> Intent:
    nm = ns_match(req)
    ns = nm.value if nm else None
    claimed = {*it.names, *it.args, *(f.value for f in it.flags if f.value)}
    if nm is not None and not nm.strong and ns in claimed:
        ns = None  # "a shell in web-1", "output from app-ctr": the weak cue named a part, not a place
    if not ns and not (allns and all_namespaces(req)):
        ns = _word_after_the_name(req, it, claimed)
    if ns:
        it.namespace = ns
    if allns and not ns and all_namespaces(req):
        it.all_namespaces = True
    if sel and it.selector is None:
        it.selector = selector(req)
    if out and it.output is None:
        it.output = output(req)
    return it


def _word_after_the_name(req: Req, it: Intent, claimed: set) -> str | None:
    """'pause rollout deploy web shop', 'describe hpa web shop', 'pods with app=x shop': one
    lower-case word right after the one object's name (or the selector that chooses the objects),
    closing the request or its clause, is where they live."""
    said = it.names[0] if len(it.names) == 1 else None if it.names else it.selector or selector(req)
    if not said:
        return None
    m = re.search(
        rf"(?<![\w./-]){re.escape(said)}\s*,?\s+([a-z0-9][-a-z0-9]*)\s*(?:$|[,.;:!?)]|\s[-–—]+\s)", req.text
    )
    if m is None:
        return None
    v = m.group(1)
    if (
        v in claimed
        or not is_name(v)
        or is_keyword(v)
        or req.table.get(v)
        or v in NOT_A_PLACE
        or v in REASON_WORDS
        or re.search(r"(?:ly|ed|ing)$", v)
        or re.fullmatch(r"\d+[a-z]{0,3}", v)
    ):
        return None
    return v


def place_after_plural(req: Req, rms: list[RMatch], it: Intent) -> None:
    """'svcs shop', 'top pods shop with containers': in a listing, one plain word (no digits, as
    object names of one kind usually have) right after a type said in the plural is the place
    the objects are listed in, not the name of one of them."""
    if len(it.names) != 1 or it.namespace or it.all_namespaces or req.has(r"\b(?:named|called)\b"):
        return
    name = it.names[0]
    if re.search(r"\d", name) or not re.fullmatch(r"[a-z][-a-z]*", name):
        return
    for rm in rms:
        if not (said_in_plural(rm) and rm.type.namespaced):
            continue
        after = re.match(
            rf"\s+{re.escape(name)}\s*(?:$|[,.;:!?()]|(?:with|sorted|ordered|by|as|and|pls|please)\b)",
            req.low[rm.end :],
        )
        # "shop services", "list shop pods": the place opening a terse listing, before the type
        before = re.fullmatch(
            rf"\s*(?:(?:get|list|show|display)\s+(?:me\s+)?(?:the\s+|all\s+)?)?{re.escape(name)}\s+",
            req.low[: rm.start],
        ) and re.match(r"\s*(?:$|[,.;:!?()]|(?:with|sorted|ordered|by|as|pls|please)\b)", req.low[rm.end :])
        if after or before:
            it.namespace, it.names = name, []
            return


def require_name(it: Intent, what: str, action: str) -> None:
    if not it.names and not it.selector and not it.has_flag("all"):
        raise Clarify(f'Which {what} should I {action}? Give its name, e.g. "{action} {what} web".')


def phase_selector(req: Req, it: Intent) -> None:
    """'failed pods', 'pods that are not running', 'pods on node x' → a field selector."""
    if it.resource == "jobs" and not it.names and req.has(r"\b(completed|finished|succeeded|successful)\b"):
        it.field_selector = "status.successful=1"
        return
    if it.resource != "pods" or it.names:
        return
    phase = re.search(
        r"\b(not )?(running|pending|failed|succeeded|completed)\s+(?:pods|ones)\b|pods\s+(?:that are|which are|are|in)\s+"
        r"(not )?(running|pending|failed|succeeded|completed)\b(?!\s+on\s+(?:the\s+)?node)",
        req.low,
    )
    # "not in the Pending phase", "whose phase is Failed", "phase != Pending"
    named = re.search(
        r"\b(not\s+(?:in\s+)?(?:the\s+)?)?(running|pending|failed|succeeded|completed|unknown)\s+phase\b|"
        r"\bphase\s+(?:is\s+|=\s*|of\s+)?(not\s+|!=\s*)?(?:in\s+)?(running|pending|failed|succeeded|completed|unknown)\b",
        req.low,
    )
    phase = named or phase
    parts = []
    if phase:
        neg = phase.group(1) or phase.group(3)
        word = (phase.group(2) or phase.group(4)).replace("completed", "succeeded").capitalize()
        parts.append(f"status.phase{'!=' if neg else '='}{word}")
    node = req.find(rf"\b(?:on|running on|scheduled on|scheduled to)\s+(?:the\s+)?node\s+({V})")
    if node and is_name(clean(node.group(1))):
        parts.append(f"spec.nodeName={clean(node.group(1))}")
    if parts:
        it.field_selector = ",".join(parts)


def the_one_named(req: Req, rms: list[RMatch]) -> list[str]:
    """ "web-5d-x2 (shop) is wedged, delete the pod": "the pod" (one type, singular, after
    the/that/this) is the one object-shaped name said elsewhere, where only one is said."""
    if len(rms) != 1 or rms[0].word.lower() != rms[0].type.singular:
        return []
    if not re.search(r"\b(?:the|that|this)\s+$", req.low[: rms[0].start]):
        return []
    if re.search(
        r"\b(?:not|keep|kept|except|but|other|next|besides|leave|spare|don'?t|never|instead|another)\b",
        req.low,
    ):
        return []  # "keep web-1, delete the pod next to it": the name said is the one to spare
    place = namespace(req)
    said = {
        m.group(1)
        # the subject said before "the pod": "web-5d-x2 (shop) is wedged, delete the pod"
        for m in re.finditer(
            r"(?<![\w./=-])([a-z0-9]+(?:-[a-z0-9]+)+|[a-z]+\d+)(?![\w/=-])", req.text[: rms[0].start]
        )
        if m.group(1) != place and is_name(m.group(1)) and not req.table.get(m.group(1))
    }
    return list(said) if len(said) == 1 else []


def target(req: Req, rms: list[RMatch]) -> tuple[str | None, str | None]:
    """(type or None for a pod, name) for logs/exec/attach/port-forward."""
    m = req.find(r"(?<![\w.-])pod=([a-z0-9][-a-z0-9.]*)\b", 0)
    if m:
        return None, m.group(1)  # an alert's labels: "pod=web-1 namespace=shop"
    m = req.find(
        r"(?<![\w/])(svc|service|deploy|deployment|sts|statefulset|rs|replicaset|job|pod|po|ds|daemonset)/([\w.-]+)"
    )
    if m:
        t = req.table.get(m.group(1))
        kind = {"services": "svc", "deployments": "deploy"}.get(t.plural, t.singular) if t else m.group(1)
        return (None if kind == "pod" else kind), m.group(2)
    for rm in rms:
        if rm.type.plural in ("pods",):
            continue
        if rm.type.plural in (
            "deployments",
            "jobs",
            "services",
            "statefulsets",
            "daemonsets",
            "replicasets",
            "replicationcontrollers",
        ):
            ns = names_for(req, [rm], allow_quoted=True)
            if ns:
                return rm.type.singular if rm.type.plural != "deployments" else "deployment", ns[0]
    pods = [rm for rm in rms if rm.type.plural == "pods"]
    ns = names_for(req, pods) if pods else []
    if ns:
        return None, ns[0]
    m = req.find(rf"\b(?:from|of|in|on|into|to|for)\s+({V})")
    place = namespace(req)
    for m in req.findall(rf"\b(?:from|of|in|on|into|to|for)\s+({V})"):
        v = clean(m.group(1))
        if v.lower() in NOT_A_PLACE:
            continue  # "in real time", "in the background"
        if v == place and name_like_token(req) not in (None, v):
            continue  # "web-7c-x2 keeps crashing in shop, show its logs": the place is not the pod
        if is_name(v) and not req.table.get(v) and not is_keyword(v) and not v.isdigit():
            return None, v
    return None, name_like_token(req)


def name_like_token(req: Req) -> str | None:
    """The first word shaped like an object name (web-1, api.v2, worker3) that is not a type."""
    for m in re.finditer(r"(?<![\w./=-])([a-z0-9]+(?:[-.][a-z0-9]+)+|[a-z]+\d+)(?![\w/=-])", req.text):
        if is_name(m.group(1)) and not req.table.get(m.group(1)):
            return m.group(1)
    return None


_CONTAINER_KINDS = r"sidecar|init|main|app|application|ephemeral|debug|helper|primary|proxy|agent"


def container_name(req: Req, exclude: str | None = None) -> str | None:
    for i, pat in enumerate(
        (
            rf"(?:^|\s)(?:-c|--container)(?:=|\s+)({V})",
            # "the sidecar container x-1", "an init container boot": the kind of container, then
            # its name
            rf"\b(?:{_CONTAINER_KINDS})\s+container\s+(?:named\s+|called\s+)?({V})",
            rf"({V})\s+container\b",
            rf"\bcontainer\s+(?:named\s+|called\s+)?({V})",
            r"(?<![\w/.-])([\w-]+-container)\b",
        )
    ):
        for m in req.findall(pat):
            v = clean(m.group(1))
            # "-c tail", "into the tail container of …": a word of the request language is the
            # name where the cue leaves no doubt, never a container silently left out
            named_outright = i == 0 or (
                i == 2 and re.search(r"\bthe\s+$", req.text[: m.start(1)], re.I) is not None
            )
            if (
                is_name(v)
                and (not is_keyword(v) or (named_outright and not re.fullmatch(_CONTAINER_KINDS, v, re.I)))
                # "the previous/prior container" is the last run of one, not a container's name
                and v.lower()
                not in (
                    "first",
                    "each",
                    "every",
                    "specific",
                    "previous",
                    "prior",
                    "last",
                    "earlier",
                    "old",
                    "other",
                    "same",
                    "plus",
                )
                and v != exclude
            ):
                return v
    return None


def image_of(v: str) -> str:
    base = v.split("@")[0].rsplit("/", 1)[-1]
    return base.split(":")[0]


def kv_from_words(req: Req, kind: str) -> list[str]:
    """'the label 'k' and the value 'v'', 'an annotation 'owner: marketing'', k=v tokens."""
    out: list[str] = []
    m = req.find(rf"{kind}\s+(?:named\s+|key\s+)?({V})\s+(?:and|with)\s+(?:the\s+)?value\s+({V})")
    if m:
        out.append(f"{clean(m.group(1))}={clean(m.group(2))}")
        return out
    m = req.find(rf"{kind}\s+({Q})")
    if m and ":" in m.group(1) and "=" not in m.group(1):
        k, _, v = clean(m.group(1)).partition(":")
        return [f"{k.strip()}={v.strip()}"]
    for m in req.findall(r"""(?<![\w-])['"]?([A-Za-z_][\w./-]*)=('[^']*'|"[^"]*"|[^\s,'"]*)['"]?"""):
        value = m.group(2)
        # a literal's '!' or '?' is part of what was typed ("pin=0000!"): only a sentence's
        # period or comma after it is dropped; labels and annotations can hold neither
        kept = re.search(r"[!?]+[.,;:)]*$", value) if kind == "key" and value[:1] not in "'\"" else None
        v = clean(value[: kept.start()]) + kept.group(0).rstrip(".,;:)") if kept else clean(value)
        out.append(f"{m.group(1)}={v}")
    if not out:
        # "change the tier label on namespace x to gold": the key before the kind, the value after "to"
        m = req.find(rf"\bthe\s+({V})\s+{kind}\b(?:[^.]|\.(?=\S))*?\bto\s+({V})")
        if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
            out.append(f"{clean(m.group(1))}={clean(m.group(2))}")
    return out


# Words that ask to take something off an object. kubectl removes a label, annotation, taint or
# variable with a trailing dash: without it the same words would ADD what was to be removed.
REMOVING = (
    r"\b(?:remov\w*|delet\w*|drop\w*|unset\w*|strip\w*|untaint\w*|clear\w*|get rid of)\b|"
    r"\btak(?:e|ing)\b.*\boff\b"
)


def dry_run(req: Req, it: Intent) -> None:
    if req.has(
        r"without creating|dry[- ]run|don'?t create|do not create|just the yaml|(the|a) yaml for|generate (the )?yaml|"
        r"(the|create|print|show) (the )?(yaml|manifest)"
    ):
        it.set_flag("dry-run", "client")
        if it.output is None:
            it.output = "yaml"


def images(req: Req) -> list[str]:
    imgs: list[str] = []
    for pat in (
        rf"\bimages?\s+(?:of\s+)?(?!named\b|called\b|to\b)({V}(?:\s*(?:,|and)\s*{V})*)",
        rf"(?:runs?|running|using|with|from)\s+(?:the\s+|an?\s+)?({V})\s+image\b",
        rf"\b({V})\s+image\b",
        # an image reference with its tag needs no "image" word: "running busybox:1.36"
        r"\b(?:runs?|running|using|with|from)\s+(?:the\s+|an?\s+)?([a-z0-9][\w./-]*:[\w][\w.-]*)(?![\w:/])",
    ):
        for m in req.findall(pat):
            for part in re.split(r"\s*(?:,|\band\b)\s*", m.group(1)):
                v = clean(part)
                if v.isdigit():
                    break
                if (
                    re.match(r"^[\w][\w./:@-]*$", v)
                    and v.lower() not in STOP
                    and v not in imgs
                    and not is_keyword(v)
                ):
                    imgs.append(v)
        if imgs:
            return imgs
    return imgs


def split_words(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def command_after(req: Req) -> list[str] | None:
    """The command a new pod/job should run: 'runs the command "x y"', 'that echoes 'hi'',
    'that sleeps 3600', 'that runs 'date'', or literal words after `--`."""
    m = req.find(rf"(?:runs?|execute|with)\s+(?:the\s+)?command(?:\s+with arguments)?\s+({Q})")
    if m:
        return split_words(clean(m.group(1)))
    m = req.find(rf"\bthat\s+(echo(?:es)?|prints?|sleeps?)\s+({Q}|\S+)")
    if m:
        verb = "sleep" if m.group(1).lower().startswith("sleep") else "echo"
        return [verb, clean(m.group(2))]
    m = (
        req.find(rf"\bthat\s+runs?\s+({Q})")
        or req.find(rf"\b(?:running|executing|that executes)\s+({Q})")
        or req.find(r"(?:^|\s)--\s+(.+)$")
    )
    if m:
        return split_words(clean(m.group(1)))
    return None
