"""The rule path: a deterministic parser for everyday requests.

`parse(request)` finds the action (a verb handler chosen by ordered keyword patterns), then
fills the Intent from the slots it can read in the text: resource types (aliases, plurals,
spoken forms, CRDs from discovery), names ("named x", "pod x", "the x deployment", quoted
values), namespace phrases, label selectors, output formats and per-verb flags. It never
guesses a missing required value: it returns a clarifying question instead. Every result
carries a confidence so the caller knows when to ask the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..intent import Intent
from .coverage import FILLER, unexplained
from .resources import BUILTIN_TABLE, ResourceTable, ResourceType, close_type
from .slots import NOT_A_PLACE, NsMatch, find_namespace, namespace_cues
from .text import NUMBER_WORDS, clean, mask_quotes, repair

Q = r"""(?:(?<!\w)'[^']*'(?!\w)|"[^"]*"|“[^”]*”|‘[^’]*’|<[^<>\s]+>)"""
W = r"""(?:[A-Za-z0-9*/.~_][\w.:/@=*%+~-]*)"""
V = f"(?:{Q}|{W})"
KV = r"""(?:['"]?[\w./-]+\s*(?:!=|==|=)\s*[\w./:-]*['"]?)"""
NAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
ENV_NAMESPACES = {
    "prod",
    "production",
    "staging",
    "stage",
    "dev",
    "development",
    "test",
    "qa",
    "uat",
    "kube-system",
    "kube-public",
    "default",
    "monitoring",
    "sandbox",
}
STOP = {
    "along",
    "anywhere",
    "a",
    "an",
    "the",
    "all",
    "any",
    "every",
    "each",
    "my",
    "our",
    "your",
    "its",
    "it",
    "this",
    "that",
    "these",
    "those",
    "to",
    "in",
    "on",
    "of",
    "for",
    "from",
    "with",
    "without",
    "and",
    "or",
    "by",
    "at",
    "as",
    "is",
    "are",
    "be",
    "was",
    "named",
    "called",
    "name",
    "new",
    "only",
    "current",
    "given",
    "specific",
    "some",
    "one",
    "first",
    "please",
    "me",
    "us",
    "them",
    "there",
    "everywhere",
    "cluster-wide",
    "clusterwide",
    "completed",
    "succeeded",
    "finished",
    "successful",
    "here",
    "now",
    "then",
    "if",
    "which",
    "what",
    "running",
    "existing",
    "recent",
    "default",
    "namespace",
    "namespaces",
    "label",
    "labels",
    "image",
    "container",
    "containers",
    "port",
    "replicas",
    "replica",
    "same",
    "names",
    "more",
    "most",
    "using",
    "into",
    "inside",
    "up",
    "down",
    "out",
    "over",
    "so",
    "too",
    "also",
    "just",
    "set",
    "type",
    "cluster",
    "resources",
    "resource",
    "objects",
    "object",
    "everything",
    "status",
    "information",
    "info",
    "details",
    "logs",
    "log",
    "output",
    "yaml",
    "json",
    "wide",
    "format",
    "together",
    "show",
    "list",
    "get",
    "describe",
    "delete",
    "create",
    "mode",
    "node",
    "nodes",
    "pod",
    "pods",
    "value",
    "key",
    "both",
    "annotation",
    "annotations",
    "effect",
    "taint",
    "taints",
    "entry",
    "file",
    "use",
    "where",
    "when",
    "how",
    "who",
    "why",
    "not",
    "no",
    "do",
    "does",
    "can",
    "should",
    "will",
    "would",
    "could",
    "want",
    "need",
    "like",
    "have",
    "has",
    "having",
    "defined",
    "managed",
    "selected",
    "matching",
    "match",
    "sorted",
    "sort",
    "until",
    "even",
    "between",
    "sends",
    "configs",
    "created",
    "whose",
    "than",
    "via",
    "across",
    "within",
    "under",
    "about",
    "after",
    "before",
    "again",
    "currently",
    "instead",
    "including",
    "except",
    "excluding",
    "such",
    "whom",
    "whether",
    "while",
    "ready",
    "available",
    "healthy",
    "failing",
    "broken",
    "stuck",
    "pending",
    "failed",
    "crashing",
    "older",
    "newer",
    "previous",
    "last",
    "latest",
    "next",
    "snapshot",
    "stream",
    "streaming",
    "different",
    "other",
    "another",
    "specified",
    "many",
    "much",
    "we",
    "you",
    "they",
    "exist",
    "exists",
    "cpu",
    "memory",
    "limits",
    "requests",
    "limit",
    "request",
    "metrics",
    "usage",
    "labelled",
    "labeled",
    "tagged",
    "scheduled",
    "deployed",
    "revision",
    "revisions",
    "version",
    "ports",
    "localhost",
    "locally",
}
NOT_RESOURCE_SHORT = {"no", "cs", "pc", "ev", "limits", "quota", "ep"}


@dataclass
class RuleResult:
    intent: Intent | None
    confidence: float
    clarification: str | None = None
    notes: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)  # content words the command does not use


class Clarify(Exception):
    def __init__(self, question: str):
        super().__init__(question)
        self.question = question


@dataclass
class Req:
    raw: str
    text: str  # typo-repaired, original case
    low: str  # masked (quoted spans neutralised) and lower-cased: for keyword tests
    table: ResourceTable
    used: list[tuple[int, int]] = field(default_factory=list)
    ns: NsMatch | None | bool = False  # False: not read yet
    cues: str | None = None  # the pattern that chose the verb: its words are accounted for

    def has(self, pattern: str) -> bool:
        return re.search(pattern, self.low) is not None

    def find(self, pattern: str, flags: int = re.I) -> re.Match | None:
        return re.search(pattern, self.text, flags)

    def findall(self, pattern: str) -> list[re.Match]:
        return list(re.finditer(pattern, self.text, re.I))

    def value(self, pattern: str) -> str | None:
        m = self.find(pattern)
        return clean(m.group(1)) if m else None


@dataclass
class RMatch:
    start: int
    end: int
    type: ResourceType
    word: str


# ---------------------------------------------------------------------------------------------
def _read_text(request: str, table: ResourceTable) -> str:
    """The request as the parser reads it: typos repaired, lead-ins dropped, corrections applied."""
    text = repair(" ".join(request.split()))
    text = re.sub(
        r"^(?:please|pls|can you|could you|would you|i want to|i'd like to|i need to|help me)\s+",
        "",
        text,
        flags=re.I,
    )
    text = re.sub(r"^kubectl\s+", "", text, flags=re.I)
    text = re.sub(r"(?<=\s)w/?(?=\s+[a-z])", "with", text)  # "nodes w their labels": chat shorthand
    # "show what scale web to 0 would do": the framing is the gate's business, not a place's tail
    text = re.sub(
        r"(?:\s+(?:would|will|could|might)\s+(?:do|happen)|\s*[-,:]+\s*how)\s*[?.!]*$", "", text, flags=re.I
    )
    text = re.sub(r"^(?:explain|show me|tell me)\s+how\s+(?=to\b)", "how ", text, flags=re.I)
    text = _repair_types(text, table)
    return apply_corrections(_number_words(text))


def place_cues(request: str, table: ResourceTable = BUILTIN_TABLE) -> list[str]:
    """Every namespace the request names by a cue ("-n x", "x ns", "in x", "(x)" after a name…),
    read as the parser reads it (a corrected value replaces the one before it)."""
    req = Req(raw=request, text="", low="", table=table)
    text = _read_text(request, table)
    req.text, req.low = text, mask_quotes(text).lower()
    return [m.value for m in namespace_cues(text, *_ns_predicates(req))]


def _ns_predicates(req: Req):
    return (
        lambda w: w not in NOT_RESOURCE_SHORT and req.table.get(w) is not None,
        _is_keyword,
        lambda w: w.lower() in FILLER,
    )


def parse(request: str, table: ResourceTable = BUILTIN_TABLE) -> RuleResult:
    """Translate one request with rules only."""
    text = _read_text(request, table)
    req = Req(raw=request, text=text, low=mask_quotes(text).lower(), table=table)
    ns = ns_match(req)
    if ns is not None and ns.slash:
        # "shop/api-1": blank the "shop/" so the name reads as a name (spans stay where they were)
        blank = " " * (ns.end - ns.start)
        text = text[: ns.start] + blank + text[ns.end :]
        req.text, req.low = text, req.low[: ns.start] + blank + req.low[ns.end :]
    elif ns is not None and ns.tail:
        # "scale db to 3, shop": the closing place is no name, value or word of any other slot
        blank = " " * (ns.cue_end - ns.cue_start)
        text = text[: ns.cue_start] + blank + text[ns.cue_end :]
        req.text, req.low = text, req.low[: ns.cue_start] + blank + req.low[ns.cue_end :]
    if not text.strip():
        return RuleResult(None, 0.0, 'What would you like to do? For example: "list pods in staging".')
    verb, handler, conf = _choose(req)
    blank = re.search(
        r"\b(?:a|an|the|some)\s+(?:specific|particular|certain|given|specified)\s+(\w+)", req.low
    )
    if blank and handler is not None:
        return RuleResult(None, conf, f"Which {blank.group(1)} do you mean? Give its name.", [verb])
    if handler is None:
        return RuleResult(None, 0.0, None, ["no rule matched"])
    try:
        intent = handler(req)
    except Clarify as c:
        return RuleResult(None, conf, c.question, [verb])
    if intent is None:
        return RuleResult(None, 0.0, None, [verb])
    if not namespaced(intent, table):
        # nodes, namespaces, PVs, cluster roles, CRDs …: a place said in passing is not a flag
        intent.namespace, intent.all_namespaces = None, False
    left = unexplained(req.text, intent, table, req.cues)
    place = _unclaimed_place(req, intent, left)
    if place:
        intent.namespace = place
        left = unexplained(req.text, intent, table, req.cues)
    # each word the command leaves unused makes the reading less certain
    conf = max(0.0, conf - 0.1 * len(left))
    return RuleResult(intent, conf, None, [verb], left)


def _describing(word: str) -> bool:
    """An adjective or participle before a type ("old", "evicted", "failing"): not a place."""
    from .coverage import REASON_WORDS

    return (
        word in REASON_WORDS
        or word in _ADJECTIVES
        or (len(word) > 4 and word.endswith("ed") and word.isalpha() and not word.endswith("eed"))
        or re.fullmatch(_STATE_ING, word) is not None
    )


_ADJECTIVES = {"old", "new", "stale", "idle", "unused", "orphan", "zombie", "extra", "spare", "big", "small"}
# States in -ing ("failing pods"); other -ing words ("billing", "shipping") are often names.
_STATE_ING = (
    r"(?:fail|crash|crashloop|run|pend|terminat|restart|hang|error|flapp|wait|creat|start|stopp|"
    r"work|exist|remain|miss|match|loop|leak|die|dy|thrash|misbehav|lagg|stall|block|evict)ing"
)


def _unclaimed_place(req: Req, intent: Intent, left: list[str]) -> str | None:
    """'quotas for team-x', 'events from web-tier': a name after for/from/in that the command
    left unused is the place, so a namespace the user gave is never dropped silently."""
    if intent.namespace or intent.all_namespaces or not left or not namespaced(intent, req.table):
        return None
    # "billing events sorted by …": a plain word opening the request before a plural type
    opening = [
        m
        for m in re.finditer(
            r"^(?:(?:get|list|show|display)\s+(?:me\s+)?)?([a-z][-a-z0-9]*)\s+(?=\S)", req.low
        )
        if any(rm.start == m.end() and _plural(rm) for rm in resources(req)) and not _describing(m.group(1))
    ]
    for m in [
        *opening,
        *re.finditer(
            r"\b(?:for|from|in|of)\s+(?:the\s+)?([a-z0-9][-a-z0-9]*)(?=\s*$|\s*[,.;:!?)]|\s+(?:namespace|ns)\b)",
            req.low,
        ),
    ]:
        v = m.group(1)
        typed = req.text[m.start(1) : m.end(1)]
        if (
            v in left
            and typed == v
            and v not in NOT_A_PLACE
            and is_name(v)
            and not req.table.get(v)
            and not _is_keyword(v)
        ):
            return v  # namespaces are lower case: "CrashLoopBackOff" is a state
    return None


# Verbs whose command never takes a namespace, whatever type it names.
_CLUSTER_VERBS = (
    "cordon",
    "uncordon",
    "drain",
    "top node",
    "taint",
    "certificate approve",
    "certificate deny",
    "create namespace",
    "create clusterrole",
    "create clusterrolebinding",
    "create priorityclass",
    "explain",
)


def namespaced(intent: Intent, table: ResourceTable) -> bool:
    """Whether `-n`/`-A` mean anything for this command."""
    if intent.verb == "config set-context":
        return bool(intent.namespace)  # the namespace is the value being set
    if (
        intent.verb.startswith(("config", "auth whoami", "api-", "version", "plugin", "options", "kuberc"))
        or intent.verb == "cluster-info"
    ):
        return False
    if intent.verb in _CLUSTER_VERBS:
        return False
    if intent.resource:
        t = table.get(intent.resource.split(",")[0].split(".")[0])
        return t.namespaced if t else True
    return True


# "make it 5" corrects a value; "make it schedulable again" asks for a state
_STRONG_FIX = (
    r"no,? wait|wait,? no|no sorry|i mean|make (?:that|it)(?!\s+(?:un)?\w+able\b|\s+(?:so|work|ready))|"
    r"or rather|correction"
)
_WEAK_FIX = r"actually|sorry|rather"  # "has it actually been scheduled?" corrects nothing
_CORRECTION = re.compile(
    rf"(?:[,;:.!?]+\s*(?:\b(?:{_STRONG_FIX}|{_WEAK_FIX})\b[,:]?\s*)+"
    rf"|\s*(?:\b(?:{_STRONG_FIX})\b[,:]?\s*|\b(?:{_WEAK_FIX}),\s*)(?:\b(?:{_STRONG_FIX}|{_WEAK_FIX})\b[,:]?\s*)*)",
    re.I,
)
# What a corrected value looks like: a number, key=value, or a name/image/version.
_VALUE_WORD = re.compile(r"^(?:\d+|[A-Za-z_][\w./-]*=\S*|[A-Za-z0-9][-\w.:/]*[\d:./-][-\w.:/]*)$")


_NUMBER_WORD = re.compile(
    rf"\b(?:(?<=to )|(?<=min )|(?<=max )|(?<=between )|(?<=and ))?({'|'.join(NUMBER_WORDS)})\b"
    r"(?=\s+(?:replicas?|pods?|instances?|copies|revisions?)\b|\s*(?:$|[,.;:!?)]))",
    re.I,
)


def _number_words(text: str) -> str:
    """'down to zero replicas', 'scale web to three' → digits, where a count stands: before a
    counted noun, or closing a phrase after 'to'/'min'/'max' ('the first one' stays a word)."""

    def sub(m: re.Match) -> str:
        pre = text[: m.start()].lower()
        counted = re.match(r"\s+(?:replicas?|pods?|instances?|copies|revisions?)\b", text[m.end() :], re.I)
        if counted or re.search(r"\b(?:to|min|max|between|and)\s+$", pre):
            return NUMBER_WORDS[m.group(1).lower()]
        return m.group(0)

    return _NUMBER_WORD.sub(sub, text)


def apply_corrections(text: str) -> str:
    """'scale web to 6, no wait, 7' → 'scale web to 7': the last value said wins, and what
    follows it ("…, no wait, 4 (ns x)") is kept. A whole new request after the marker replaces
    what came before it."""
    for _ in range(3):
        m = _CORRECTION.search(text)
        if m is None:
            return text
        before, after = text[: m.start()].rstrip(" ,;.-"), text[m.end() :].strip()
        words = after.split()
        if not before.strip() or not words:
            text = (before + " " + after).strip()
            continue
        new = words[0].rstrip(".!,;")
        if len(words) > 1 and not _VALUE_WORD.match(new):
            text = after  # a new request
            continue
        rest = after[len(words[0]) :].strip(" -,")
        if "=" in new:
            shape = re.escape(new.split("=")[0]) + r"=[^\s,]*"
        elif new.isdigit():
            shape = r"\d+"
        else:
            shape = r"[A-Za-z0-9][-\w.:/]*"
        olds = list(re.finditer(rf"(?<![\w-])({shape})(?![\w-])", before))
        if not olds:
            text = (before + " " + rest).strip() if len(words) > 1 else before
            continue
        last = olds[-1]
        text = (before[: last.start()] + new + before[last.end() :] + (" " + rest if rest else "")).strip()
    return text


def _repair_types(text: str, table: ResourceTable) -> str:
    """'statefulsts' → 'statefulsets': a plain word one or two slips from a type name."""

    def fix(m: re.Match) -> str:
        w = m.group(0)
        low = w.lower()
        if table.get(low) or low in STOP or low in KEYWORDS or low in _spaced_words(table):
            return w  # "endpoint" of "endpoint slices" is a word of a longer type name
        stems = (low[:-1], low[:-2]) if low.endswith("ed") else (low[:-3],) if low.endswith("ing") else ()
        if any(table.get(stem) for stem in stems):
            return w  # "namespaced", "labelled": a participle of a type name, not a slip
        return close_type(low, table.names()) or w

    return re.sub(r"(?<![\w./=:@'\"-])[A-Za-z]{5,}(?![\w./=:@'\"-])", fix, text)


def _spaced_words(table: ResourceTable) -> set[str]:
    words = getattr(table, "_spaced", None)
    if words is None:
        words = {w for n in table.names() if " " in n for w in n.split()}
        table._spaced = words  # type: ignore[attr-defined]
    return words


# ---------------------------------------------------------------------------------------------
# shared slot readers


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
                r"\b(create|delete|remove|describe|make|new|drop|destroy|label|annotate)\s+(the\s+|a\s+)?([a-z0-9][-a-z0-9]*\s+)?$",
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
            r"\b(?:get|list|show|describe|delete|remove|edit)\s+(?:the\s+|all\s+)?(quotas?)\b", req.low
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


def _unknown_type(req: Req) -> str | None:
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


def is_name(v: str | None) -> bool:
    return bool(v) and NAME_RE.match(v) is not None and v.lower() not in STOP and not v.isdigit()


def ns_match(req: Req) -> NsMatch | None:
    """The namespace phrase (value and span), read once per request."""
    if req.ns is False:
        req.ns = find_namespace(req.text, *_ns_predicates(req))
    return req.ns  # type: ignore[return-value]


def namespace(req: Req) -> str | None:
    m = ns_match(req)
    return m.value if m else None


def says_all_namespaces(request: str) -> bool:
    """Whether the request asks for every namespace ("across all namespaces", "everywhere")."""
    return re.search(_ALL_NS, mask_quotes(request).lower()) is not None


def all_namespaces(req: Req) -> bool:
    return req.has(_ALL_NS)


_ALL_NS = (
    r"(all|every|any|across)( the)? (namespaces?|ns)\b|all-namespaces|(?:^|\s)-a\b|cluster[- ]wide|"
    r"(across|in|throughout) (a|the|my) (whole |entire )?cluster\b|everywhere|in all ns|\banywhere\b"
)


def selector(req: Req) -> str | None:
    m = req.find(rf"(?:^|\s)(?:-l|--selector)(?:=|\s+)({V})")
    if m:
        return clean(m.group(1))
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
        r"extra (info|details|columns)|with (the )?node names?|expanded|(with|and) (their )?(ip|ips|nodes)\b"
    ):
        return "wide"
    if req.has(
        r"\b(only|just)( need| want)?( the)?( resource)? names?\b|\bnames? only\b|simple output|"
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
                and not _is_keyword(v)
                and not _participle(v, m.group(1))
                and not (_plain_word(v, m.group(1)) and _plural(rm))
            ):
                before_name = v
        after = req.text[rm.end :]
        m = re.match(rf"\s+({V}(?:\s*(?:,|\band\b)\s*{V})*)", after, re.I)
        if m:
            for part in re.split(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*", m.group(1)):
                v = clean(part)
                if "=" in v or not is_name(v) or req.table.get(v) or _describes(v, part, after, rm):
                    break
                names.append(v)
            # "billing-api deployment needs …": a plain word after the type loses to a name before it
            nm = ns_match(req)
            slashed = nm is not None and nm.slash and req.text[nm.end : rm.start].strip() == before_name
            if (
                names
                and before_name
                and len(names) == 1
                and _plain_word(names[0], m.group(1))
                and (not before_name.isalpha() or slashed)
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


def _plural(rm: RMatch) -> bool:
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
    r"lying|sitting|floating|hanging|living|kicking|whatsoever|altogether|anymore)$"
)


def _describes(v: str, typed: str, after: str, rm: RMatch) -> bool:
    """A plain word right after a plural type that describes the objects: a participle
    ("installed", "registered", "defined") or a qualifier ("wise", "lying around")."""
    if not _plain_word(v, typed) or not _plural(rm):
        return False
    low = v.lower()
    if _QUALIFIER.match(low) or (low.endswith("ed") and not low.endswith("eed") and len(low) > 5):
        return True
    # "-ing" followed by where or how it is ("lying around", "sitting in x"): a description
    rest = after.strip()[len(typed.strip()) :].strip().lower()
    return low.endswith("ing") and re.match(r"(?:around|about|there|here|idle|unused)\b", rest) is not None


def _participle(v: str, typed: str) -> bool:
    """'paused', 'stuck'-like adjectives in -ed before a type describe it; they do not name it."""
    return _plain_word(v, typed) and v.endswith("ed") and len(v) > 4


def _plain_word(v: str, typed: str) -> bool:
    """An unquoted all-letters word (more likely English than an object name)."""
    return v.isalpha() and v.islower() and not typed.lstrip().startswith(("'", '"'))


KEYWORDS = {
    "tls",
    "generic",
    "docker-registry",
    "scale",
    "restart",
    "rollout",
    "delete",
    "remove",
    "describe",
    "show",
    "list",
    "get",
    "display",
    "create",
    "update",
    "edit",
    "expose",
    "label",
    "annotate",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "logs",
    "exec",
    "run",
    "start",
    "stop",
    "pause",
    "resume",
    "undo",
    "history",
    "print",
    "view",
    "watch",
    "check",
    "mark",
    "set",
    "change",
    "add",
    "make",
    "deploy",
    "kill",
    "replicated",
    "wait",
    "approve",
    "deny",
    "top",
    "dump",
    "stream",
    "return",
    "begin",
    "fetch",
    "find",
    "tail",
    "open",
    "follow",
    "explain",
    "rolling",
    "single",
    "instance",
    "multi",
    "first",
    "last",
    "snapshot",
    "auto",
    "autoscale",
    "bounce",
    "roll",
    # kubectl's own command words
    "port-forward",
    "cluster-info",
    "api-resources",
    "api-versions",
    "can-i",
    "set-context",
    "use-context",
    "current-context",
    "get-contexts",
}


def _is_keyword(v: str) -> bool:
    return v.lower() in KEYWORDS or v.lower() in STOP


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
    if ns:
        it.namespace = ns
    if allns and not ns and all_namespaces(req):
        it.all_namespaces = True
    if sel and it.selector is None:
        it.selector = selector(req)
    if out and it.output is None:
        it.output = output(req)
    return it


def require_name(it: Intent, what: str, action: str) -> None:
    if not it.names and not it.selector and not it.has_flag("all"):
        raise Clarify(f'Which {what} should I {action}? Give its name, e.g. "{action} {what} web".')


# ---------------------------------------------------------------------------------------------
# verb handlers


# "is something left running on node n-3?", "what runs on node n-3": the pods placed there
_ON_NODE = re.compile(
    rf"\b(?:anything|something|what(?:'s| is)?|whats|which pods|workloads?|pods?)\s+(?:is\s+|are\s+)?"
    rf"(?:still\s+|currently\s+|left\s+)?(?:running|runs|scheduled|left|placed)\s+(?:on|in)\s+"
    rf"(?:the\s+)?node\s+({V})",
    re.I,
)


def h_get(req: Req) -> Intent:
    m = _ON_NODE.search(req.text)
    if m and is_name(clean(m.group(1))):
        it = Intent(verb="get", resource="pods", field_selector=f"spec.nodeName={clean(m.group(1))}")
        common(req, it, sel=False)
        if not it.namespace and re.match(r"any|some|every", m.group(0), re.I):
            it.all_namespaces = True  # "anything on node x": a node holds pods of every namespace
        return it
    rms = resources(req)
    it = Intent(verb="get")
    if rms:
        types = [rms[0].type.plural]
        last = rms[0]
        for rm in rms[1:]:
            gap = req.low[last.end : rm.start]
            if (
                re.fullmatch(r"\s*(,|and|&|\+|,\s*and|as well as)\s*(all\s+)?(the\s+)?", gap)
                and rm.type.plural not in types
            ):
                types.append(rm.type.plural)
                last = rm
        it.resource = ",".join(types)
        it.names = names_for(req, [r for r in rms if r.type.plural in types])
        eps = [r for r in rms if r.type.plural == "endpoints"]
        svcs = [r for r in rms if r.type.plural == "services"]
        if eps and svcs and not it.names[1:]:
            # "endpoints for svc x", "is the x service getting any endpoints?": a service's
            # endpoints object has the service's name
            named = names_for(req, svcs)
            if named:
                it.resource, it.names = "endpoints", named[:1]
    elif req.has(r"\bnamespaces\b"):
        it.resource = "namespaces"
    elif req.has(r"\bimages\b|\bwhat('s| is) (running|up)\b|\brunning (in|on)\b"):
        it.resource = "pods"
    elif req.has(r"\b(everything|all (the )?(resources|objects|things|workloads))\b|^(get|list|show) all\b"):
        it.resource = "all"
    else:
        raise Clarify(
            _unknown_type(req) or "What kind of resource should I list (pods, deployments, services, …)?"
        )
    if req.has(
        r"\b(show|with|display|include|print|all)( (all|their|the))? labels\b|labels (for|of)\b|\w+ labels\b"
    ) and not (kv_pairs(req)):
        it.set_flag("show-labels")
    m = req.find(rf"\blabel\s+({Q}|\w[\w./-]*)\s+(?:for|of|as)\b") or req.find(r"\blabel columns?\s+(\S+)")
    if m and "=" not in m.group(1):
        it.set_flag("label-columns", clean(m.group(1)))
        it.flags = [f for f in it.flags if f.name != "show-labels"]
        it.names = [n for n in it.names if n != clean(m.group(1))]
    if not it.names and selector(req) is None:
        kvs = [kv for kv in kv_pairs(req) if not kv.startswith(("status.", "metadata.", "spec."))]
        if kvs:
            it.selector = ",".join(kvs)
    if req.has(r"\bwatch\b|\bkeep watching\b|live updates"):
        it.set_flag("watch")
    _get_idioms(req, it)
    sort = sort_by(req)
    if sort:
        it.set_flag("sort-by", sort)
    _phase(req, it)
    m = req.find(rf"field[- ]selector\s+({V})")
    if m and "=" in m.group(1):
        it.field_selector = clean(m.group(1))
    field = _field_in_words(req, it)
    if field and not it.field_selector:
        it.field_selector = field
        if it.selector and it.selector.replace("!=", "=").split("=")[0] == field.split("=")[0]:
            it.selector = None
    common(req, it)
    if it.names and it.selector:
        it.selector = None
    if it.resource == "namespaces":
        it.all_namespaces = False
    if it.resource == "events" and len(it.names) == 1 and not it.namespace and not it.all_namespaces:
        # events are not fetched by name: "shop events" names the place they happened in
        it.namespace, it.names = it.names[0], []
    return it


def _phase(req: Req, it: Intent) -> None:
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


def _field_in_words(req: Req, it: Intent) -> str | None:
    """'whose spec.nodeName is n1', 'where type is Normal', 'secrets of type a.io/b': a field of
    the object (not a label) compared in words."""
    m = req.find(
        r"\b(?:where|whose|with)\s+(?:the\s+)?((?:status|spec|metadata)\.[\w.]+|type|reason)\s+(?:is|equals|=)\s+([\w./-]+)"
    )
    if m:
        return f"{m.group(1)}={clean(m.group(2))}"
    m = req.find(r"\bof type\s+([\w.-]+/[\w.-]+|[A-Z]\w+)")
    if m and it.resource in ("secrets", "events", "services"):
        key = "spec.type" if it.resource == "services" else "type"
        return f"{key}={clean(m.group(1))}"
    return None


def _get_idioms(req: Req, it: Intent) -> None:
    """Common questions answered by a jsonpath/custom-columns view of a list."""
    m = req.find(rf"\bthe\s+({V})\s+label\s+(?:of|for|on)\b")
    if m and is_name(clean(m.group(1))) and it.resource:
        it.output = f"jsonpath={{.items[*].metadata.labels.{clean(m.group(1))}}}"
        it.names = []
    m = re.search(r"\b(external|internal)[- ]?ips?\b", req.low)
    if m and it.resource == "nodes":
        kind = "ExternalIP" if m.group(1) == "external" else "InternalIP"
        it.output = f'jsonpath={{.items[*].status.addresses[?(@.type=="{kind}")].address}}'
    if req.has(r"\btaints\b") and it.resource == "nodes" and not it.output:
        it.output = (
            "custom-columns=NAME:.metadata.name,TAINTS:.spec.taints[*].key,EFFECTS:.spec.taints[*].effect"
        )
    if req.has(r"\bimages\b") and it.resource == "pods" and not it.names:
        it.output = "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image"


def sort_by(req: Req) -> str | None:
    m = req.find(r"\b(?:sort(?:ed|ing)?|order(?:ed)?)\b.*?[(\s]['\"]?(\.[A-Za-z][\w.\[\]]*[\w\]])")
    if m:
        return m.group(1)  # a JSONPath said out loud wins over the words around it
    m = req.find(
        r"\b(?:by|order(?:ed)? by)\s+(restart count|number of restarts|restarts|age|creation time)\b"
    ) or req.find(
        r"\bsort(?:ed)?[- ]by\s+(?:the\s+)?(?:a\s+)?([\w.\[\]'\" -]+?)(?:\s+(?:in|and|with|for)\b|$|[,;])"
    )
    if not m:
        return None
    what = clean(m.group(1)).lower()
    if what.startswith("."):
        return clean(m.group(1))
    if re.fullmatch(r"[a-z]+[A-Z][A-Za-z]*", clean(m.group(1))):
        return "." + clean(m.group(1))  # a field by its own name: "sorted by lastTimestamp"
    table = {
        "name": ".metadata.name",
        "restart": ".status.containerStatuses[0].restartCount",
        "capacity": ".spec.capacity.storage",
        "timestamp": ".metadata.creationTimestamp",
        "creation": ".metadata.creationTimestamp",
        "age": ".metadata.creationTimestamp",
        "time": ".metadata.creationTimestamp",
        "date": ".metadata.creationTimestamp",
        "newest": ".metadata.creationTimestamp",
        "oldest": ".metadata.creationTimestamp",
    }
    for k, v in table.items():
        if k in what:
            return v
    return None


def h_describe(req: Req) -> Intent:
    rms = resources(req)
    if not rms:
        raise Clarify(
            _unknown_type(req) or 'What should I describe? Name a resource type, e.g. "describe pod web-1".'
        )
    it = Intent(verb="describe", resource=rms[0].type.plural, names=names_for(req, rms))
    if not it.names:
        it.names = _the_one_named(req, rms)
    common(req, it, out=False)
    if it.names and it.selector:
        it.selector = None
    return it


def h_delete(req: Req) -> Intent:
    m = re.search(
        r"^(.*?)[,;.]\s*(?:then\s+|so\s+|just\s+)?(?:delete|remove|drop)\s+(?:that|this|the)\s+namespace\s*[.!]*$",
        req.low,
    )
    if m:
        # "finished with sandbox-3, delete that namespace": the one name said before it
        said = [
            w
            for w in re.findall(r"(?<![\w./=-])([a-z0-9]+(?:-[a-z0-9]+)+|[a-z]+\d+)(?![\w./=-])", m.group(1))
            if is_name(w) and not req.table.get(w)
        ]
        place = namespace(req)
        typed = [r for r in resources(req) if r.start < m.end(1) and r.type.plural != "namespaces"]
        if len(set(said)) == 1 and not typed and place in (None, said[0]):
            return Intent(verb="delete", resource="namespace", names=said[:1])
        # another object or place said before it ("done with web-1 in shop"): which namespace?
        raise Clarify("Which namespace should I delete? Give its name.")
    if req.has(
        r"\b(everything|all (the )?(resources|objects|things)|the (whole|entire) (cluster|namespace))\b"
    ) and not resources(req):
        raise Clarify("That would delete everything. Which resource type and names should I delete?")
    rms = resources(req)
    if not rms:
        raise Clarify(
            _unknown_type(req)
            or 'What should I delete? Name the resource type and its name, e.g. "delete pod web-1".'
        )
    types: list[str] = []
    kept: list[RMatch] = []
    for rm in rms:
        if kept and not re.fullmatch(
            r"\s*(,|and|&|\+|,\s*and|as well as)\s*(all\s+)?(the\s+)?", req.low[kept[-1].end : rm.start]
        ):
            continue  # "pods on a dead node": a later type qualifies the first, it is not deleted
        if (
            rm.type.plural not in types
            and rm.type.plural != "namespaces"
            or (rm.type.plural == "namespaces" and len(rms) == 1)
        ):
            types.append(rm.type.plural)
            kept.append(rm)
    rms = kept or rms
    it = Intent(verb="delete", resource=",".join(types))
    quoted = [clean(m.group(0)) for m in re.finditer(Q, req.text) if clean(m.group(0)) != namespace(req)]
    if len(quoted) > 1 and all(is_name(q) for q in quoted):
        it.names = quoted
    else:
        it.names = names_for(req, rms) or _the_one_named(req, rms)
    common(req, it, out=False)
    if it.names:
        it.selector = None
    _phase(req, it)
    if not it.names and not it.selector and not it.field_selector:
        if req.has(r"\ball\b|\bevery\b"):
            it.set_flag("all")
        else:
            what = types[0] if types else "object"
            raise Clarify(f"Which {what} should I delete? Give a name or a label selector.")
    if req.has(r"\bconfirm"):
        it.set_flag("interactive")
    if req.has(r"\bforce|immediately|right now|without waiting"):
        it.set_flag("force")
        it.set_flag("grace-period", "0")
    return it


def _the_one_named(req: Req, rms: list[RMatch]) -> list[str]:
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


def _target(req: Req, rms: list[RMatch]) -> tuple[str | None, str | None]:
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
        if v == place and _name_like_token(req) not in (None, v):
            continue  # "web-7c-x2 keeps crashing in shop, show its logs": the place is not the pod
        if is_name(v) and not req.table.get(v) and not _is_keyword(v) and not v.isdigit():
            return None, v
    return None, _name_like_token(req)


def _name_like_token(req: Req) -> str | None:
    """The first word shaped like an object name (web-1, api.v2, worker3) that is not a type."""
    for m in re.finditer(r"(?<![\w./=-])([a-z0-9]+(?:[-.][a-z0-9]+)+|[a-z]+\d+)(?![\w/=-])", req.text):
        if is_name(m.group(1)) and not req.table.get(m.group(1)):
            return m.group(1)
    return None


def _container(req: Req, exclude: str | None = None) -> str | None:
    for pat in (
        rf"(?:^|\s)(?:-c|--container)(?:=|\s+)({V})",
        rf"({V})\s+container\b",
        rf"\bcontainer\s+(?:named\s+|called\s+)?({V})",
        r"(?<![\w/.-])([\w-]+-container)\b",
    ):
        for m in req.findall(pat):
            v = clean(m.group(1))
            if (
                is_name(v)
                and not _is_keyword(v)
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
                )
                and v != exclude
            ):
                return v
    return None


def h_logs(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="logs")
    kind, name = _target(req, rms)
    sel = selector(req)
    if name and not (sel and name == sel):
        it.names = [name]
        if kind:
            it.resource, it.slash = kind, True
    elif sel:
        it.selector = sel
    else:
        raise Clarify('Logs of which pod? Give its name, e.g. "logs of pod web-1".')
    c = _container(req, name)
    if c and c != name:
        it.set_flag("container", c)
    if req.has(r"\b(previous|prior|terminated|crashed|last run|before (it|the) (restart|crash|died))"):
        it.set_flag("previous")
    if req.has(r"\b(stream|streaming|follow|following|tail -f|live|continuously|keep watching|watch)\b"):
        it.set_flag("follow")
    n = number_after(req, r"\b(?:last|most recent|latest|recent|tail|final)(?: of)?")
    if n and req.find(rf"\b{n}\s*(?:s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b"):
        n = None  # "the last 15m" is a time window (--since), not a line count
    if not n:
        m = req.find(r"\b(\d+)\s+(?:most recent |last |latest )?lines\b")
        n = m.group(1) if m else None
    if n:
        it.set_flag("tail", n)
    m = req.find(
        r"\b(?:since|in the last|from the last|over the last|for the last|in the past|from the past|"
        r"over the past|for the past|last|past)\s+(\d+)?\s*(s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b"
    )
    if m:
        unit = m.group(2)[0].lower()
        num = int(m.group(1) or 1)
        if unit == "d":
            num, unit = num * 24, "h"
        it.set_flag("since", f"{num}{unit}")
    if req.has(r"\bprefix"):
        it.set_flag("prefix")
    if req.has(r"\btimestamps?\b"):
        it.set_flag("timestamps")
    m = req.find(r"(\d+)\s*bytes")
    if m:
        it.set_flag("limit-bytes", m.group(1))
    m = req.find(r"(?:wait|waiting)\s+(?:up to\s+)?(\d+)\s*(s|sec|secs|seconds?|m|min|minutes?)\b")
    if m:
        it.set_flag("pod-running-timeout", f"{m.group(1)}{m.group(2)[0]}")
    if req.has(r"\ball (the )?containers|multi(ple|-)? ?containers|every container|each container"):
        it.set_flag("all-containers", "true")
    if it.resource and req.has(r"\ball (the )?pods\b"):
        it.set_flag("all-pods", "true")
    m = req.find(r"concurrent[\w\s]*?(?:to|of)\s+(\d+)")
    if m:
        it.set_flag("max-log-requests", m.group(1))
    if req.has(r"ignor\w* errors"):
        it.set_flag("ignore-errors", "true")
    common(req, it, sel=False, out=False)
    if it.all_namespaces:
        it.all_namespaces = False
    if not it.namespace and it.names:
        # "logs web-1 shop last 30m": a bare lower-case word right after the pod, before the time
        m = req.find(
            rf"\blogs?\s+(?:of\s+|for\s+)?{re.escape(it.names[0])}\s+([a-z0-9][-a-z0-9]*)\s+"
            r"(?:last|since|past|for the|from the)\b",
            0,
        )
        if m and not _is_keyword(m.group(1)) and not req.table.get(m.group(1)) and not m.group(1).isdigit():
            it.namespace = m.group(1)
    return it


def _command_words(req: Req) -> list[str] | None:
    m = (
        req.find(rf"(?:running|run|execute|exec|executing)\s+(?:the\s+)?({Q})\s+command")
        or req.find(rf"command\s+({Q})")
        or req.find(rf"(?:run|running|execute|exec)\s+({Q})")
        or req.find(r"(?:^|\s)--\s+(.+)$")
        or req.find(r"\b(?:and|then)\s+(?:run|execute)\s+(.+)$")
        or req.find(r"\bthe\s+([\w./-]+)\s+command\b")
        or req.find(r"^(?:run|execute)\s+(.+?)\s+(?:in|inside)\s+(?:the\s+)?(?:container|pod)\s")
    )
    if m:
        import shlex

        try:
            return shlex.split(clean(m.group(1)))
        except ValueError:
            return clean(m.group(1)).split()
    return None


def h_exec(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="exec")
    kind, name = _target(req, rms)
    if not name:
        raise Clarify("Run it in which pod? Give the pod's name.")
    it.names = [name]
    if kind:
        it.resource, it.slash = {"service": "svc", "deployment": "deploy"}.get(kind, kind), True
    c = _container(req, name)
    if c and c != name:
        it.set_flag("container", c)
    cmd = _command_words(req)
    shell = req.has(r"\b(shell|bash|sh|terminal|interactive|ssh)\b")
    if shell:
        it.set_flag("stdin")
        it.set_flag("tty")
    if not cmd:
        if not shell:
            raise Clarify("Which command should I run in the pod?")
        cmd = ["/bin/bash"] if req.has(r"\bbash\b") else ["sh"]
    it.command = cmd
    common(req, it, allns=False, sel=False, out=False)
    return it


def h_attach(req: Req) -> Intent:
    rms = resources(req)
    kind, name = _target(req, rms)
    if not name:
        raise Clarify("Attach to which pod?")
    it = Intent(verb="attach", names=[name])
    if kind:
        it.resource, it.slash = {"replicaset": "rs"}.get(kind, kind), True
    c = _container(req, name)
    if c and c != name:
        it.set_flag("container", c)
    if req.has(r"\b(raw terminal|interactive|stdin|tty)\b"):
        it.set_flag("stdin")
        it.set_flag("tty")
    common(req, it, allns=False, sel=False, out=False)
    return it


def h_port_forward(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="port-forward")
    kind, name = None, None
    m = req.find(r"(?<!name )(?<!named )<([\w-]+)>")  # "port with name <x>" names a port
    for rm in rms:
        if rm.type.plural in ("services", "deployments", "statefulsets", "replicasets"):
            kind = {"services": "svc", "deployments": "deploy"}.get(rm.type.plural, rm.type.singular)
            if m:
                name = m.group(1)
            break
    owner = req.find(
        rf"\bpod\s+(?:created|managed|owned|run)\s+by\s+(?:the\s+|a\s+)?(?:(deployment|statefulset|replica ?set)\s+)?({V})"
    )
    if owner and not name:
        kind = {"statefulset": "sts", "replicaset": "rs", "replica set": "rs"}.get(
            (owner.group(1) or "").lower(), "deploy"
        )
        name = clean(owner.group(2))
    if not name:
        k2, name = _target(req, rms)
        kind = kind or k2
    port_name = req.value(r"\bport (?:with (?:the )?)?name(?:d)?\s+<?([\w-]+)>?")
    if name and name == port_name:
        name = None  # "to the port named http": a port of the target, not the target
    if not name:
        raise Clarify("Forward to which pod or service?")
    it.names = [name]
    if kind:
        it.resource, it.slash = kind, True
    ports = re.findall(
        r"\bport\s+(?:number\s+)?(\d+)|\b(\d+):(\d+)\b|port with name\s+<?([\w-]+)>?", req.text, re.I
    )
    flat: list[str] = []
    pair = req.find(r"\blocal(?:ly)?\s+(?:port\s+)?(\d+)\s+to\s+(?:the\s+)?(?:remote\s+)?(?:port\s+)?(\d+)\b")
    if pair:  # "local 8000 to port 80 of …": local first, whatever order the words take
        ports = [("", pair.group(1), pair.group(2), "")]
    for a, b, c, d in ports:
        if b:
            flat += [b, c]
        elif a:
            flat.append(a)
        elif d:
            flat.append(d)
    if not flat:
        flat = re.findall(r"(?<![\w.-])(\d{2,5})(?![\w.-])", req.text)[:2]
    if not flat:
        raise Clarify("Which local and remote ports should I forward?")
    it.args = [f"{flat[0]}:{flat[1]}" if len(flat) > 1 else flat[0]]
    common(req, it, allns=False, sel=False, out=False)
    return it


def h_scale(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural != "pods"]
    it = Intent(verb="scale", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms) if rms else []
    if not it.names:
        m = req.find(rf"\b(?:scale|bump|resize|grow|shrink)\s+(?:up\s+|down\s+)?(?:the\s+)?({V})")
        if m and is_name(clean(m.group(1))) and not req.table.get(clean(m.group(1)).lower()):
            it.names = [clean(m.group(1))]
    m = (
        req.find(r"\bscale\s+(?:\S+\s+){0,6}?(?:to|=)\s*(\d+)\b")
        or req.find(r"\b(\d+)\s+(?:replicas|pods|instances|copies)\b")
        or req.find(r"replicas\s*(?:to|=|of)?\s*(\d+)")
        or req.find(r"\bto\s+(\d+)\b")
    )
    if not m:
        raise Clarify("Scale to how many replicas?")
    n = m.group(1)
    cur = number_after(req, r"current (?:size|replicas|replica count|scale) is")
    if cur:
        it.set_flag("current-replicas", cur)
    it.set_flag("replicas", n)
    if it.names and is_name(it.names[0]) and it.names[0] == n:
        it.names = []
    common(req, it, allns=False, out=False)
    require_name(it, it.resource or "deployment", "scale")
    return it


def h_autoscale(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural not in ("pods", "horizontalpodautoscalers")]
    it = Intent(verb="autoscale", resource=first_type(rms, "deployment"))
    if it.resource == "replicationcontrollers":
        it.resource = "rc"
    it.names = names_for(req, rms)
    if not it.names:
        # "autoscale web …", "set up autoscaling for web …": the object follows the verb
        m = req.find(rf"\b(?:auto[- ]?scal\w*|hpa)\s+(?:for\s+|of\s+|on\s+)?(?:the\s+)?({V})")
        if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))):
            it.names = [clean(m.group(1))]
    m = req.find(r"between\s+(\d+)\s+and\s+(\d+)")
    lo, hi = (
        (m.group(1), m.group(2))
        if m
        else (number_after(req, r"\bmin(?:imum)?(?: of)?"), number_after(req, r"\bmax(?:imum)?(?: of)?"))
    )
    if lo and lo != "1":
        it.set_flag("min", lo)
    elif lo == "1" and not m:
        it.set_flag("min", lo)
    if hi:
        it.set_flag("max", hi)
    cpu = (
        req.find(r"cpu[\w\s]*?(?:at|of|to)?\s+(\d+%|\d+m)")
        or req.find(r"(\d+%)\s+(?:average\s+)?cpu")
        or req.find(r"\bcpu\s+(?:at\s+|of\s+)?(\d+)\s*(?:percent|per cent|pct)\b")
        or req.find(r"\b(\d+)\s*(?:percent|per cent|pct)\s+(?:average\s+)?cpu\b")
    )
    if cpu and cpu.group(1).isdigit():
        it.set_flag("cpu", cpu.group(1) + "%")
        cpu = None
    if cpu:
        it.set_flag("cpu", cpu.group(1))
    mem = req.find(r"memory[\w\s]*?(?:at|of|to)?\s+(\d+(?:mi|gi|m|g|%)?)\b")
    if mem:
        it.set_flag("memory", mem.group(1))
    common(req, it, allns=False, out=False, sel=False)
    if not hi:
        raise Clarify("What is the maximum number of replicas for the autoscaler?")
    require_name(it, "deployment", "autoscale")
    return it


ROLLOUT_WORDS = [
    ("undo", r"\b(undo|roll ?back|revert|previous revision|go back)\b|\broll\s+\S+\s+back\b"),
    (
        "history",
        r"\b(history|revisions)\b|\b(details?|info|contents?) (of|for|on|about) (rev|revision) \d+|\brevision \d+ of\b",
    ),
    ("resume", r"\b(resume|unpause)"),  # before pause: "resume the paused deployment"
    ("pause", r"\bpause"),
    ("status", r"\b(status|progress|finished|complete|completion|done|rolled out)\b"),
    ("restart", r"\b(restart|bounce|redeploy|recycle|rolling restart|reload)"),
]


def h_rollout(req: Req) -> Intent:
    sub = next((s for s, p in ROLLOUT_WORDS if req.has(p)), None)
    if sub is None:
        raise Clarify("Which rollout action: status, restart, undo, history, pause or resume?")
    rms = [r for r in resources(req) if r.type.plural in ("deployments", "statefulsets", "daemonsets")]
    if not rms and any(r.type.plural == "pods" for r in resources(req)):
        raise Clarify(
            "A pod cannot be restarted in place. Delete it so its controller recreates it "
            '("delete pod NAME"), or restart its deployment ("restart deployment NAME")?'
        )
    it = Intent(verb=f"rollout {sub}", resource=first_type(rms, "deployments"))
    if it.resource == "deployments":
        it.resource = "deployment"
    it.names = names_for(req, rms)
    if not it.names and not rms:
        for pat in (
            rf"\b(?:restart|undo|pause|resume|status of|history of|roll ?back|revert)\s+(?:the\s+)?({V})",
            rf"\broll\s+(?:the\s+)?({V})\s+back\b",
            rf"\brollout\s+(?:of|for)\s+(?:the\s+)?({V})",
            rf"\bthe\s+({V})\s+rollout\b",
        ):
            m = req.find(pat)
            if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))):
                it.names = [clean(m.group(1))]
                break
    if not it.names and req.has(r"\b(its|it)\b"):
        # "api went bad after the upgrade, roll it back": the object of the earlier clause
        m = req.find(
            rf"^(?:[a-z0-9-]+:\s+)?({V})\s+(?:broke|is|was|has|keeps|went|started|looks|seems|failed)\b"
        )
        if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))):
            it.names = [clean(m.group(1))]
    if sub == "undo":
        n = number_after(req, r"\b(?:revision|rev)\.?")
        if n:
            it.set_flag("to-revision", n)
    if sub == "history":
        n = number_after(req, r"revision")
        if n:
            it.set_flag("revision", n)
    if sub == "status" and req.has(r"\bwatch|until"):
        it.set_flag("watch")
    common(req, it, allns=False, out=False)
    if it.names:
        it.slash = True
    if not it.names and not it.selector and not req.has(r"\ball\b|every") and not it.namespace:
        raise Clarify(f"Which {it.resource} should I {sub}?")
    return it


def _image_of(v: str) -> str:
    base = v.split("@")[0].rsplit("/", 1)[-1]
    return base.split(":")[0]


def h_set_image(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural not in ("pods",) or len(resources(req)) == 1]
    it = Intent(verb="set image")
    types = []
    for rm in rms:
        if rm.type.plural not in types:
            types.append(rm.type.plural)
    it.resource = ",".join(types) if types else "deployment"
    # "update web container app to …": with no type word, the object follows the verb
    m = not rms and req.find(
        rf"^(?:set|update|change|upgrade|bump|switch|move)\s+(?:the\s+)?({V})\s+container\b"
    )
    owner = (
        clean(m.group(1)) if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))) else None
    )
    pairs: list[str] = []
    for m in req.findall(rf"({V})\s+container(?:'s)?\s+image\s+(?:to|=)\s+({V})"):
        pairs.append(f"{clean(m.group(1))}={clean(m.group(2))}")
    m = req.find(rf"image of all containers\b.*?\bto\s+({V})") or req.find(
        rf"all containers.*?image\s+(?:to\s+)?({V})"
    )
    if m and not pairs:
        pairs.append(f"*={clean(m.group(1))}")
    for p in kv_pairs(req):
        if p not in pairs:
            pairs.append(p)
    if not pairs:
        m = (
            req.find(rf"\bimage\s+(?:to\s+|=\s*)?(?:be\s+)?({V}[:@]\S+)")
            or req.find(rf"\bto\s+({V}[:@]\S+)")
            or req.find(rf"image\s+(?:to\s+)?({Q})")
        )
        if m:
            img = clean(m.group(1))
            early = names_for(req, rms, allow_quoted=False) or [owner]
            c = _container(req, early[0]) or _image_of(img)
            pairs.append(f"{c}={img}")
    if not pairs:
        raise Clarify("Which image should I set, and for which container?")
    it.args = sorted(pairs, key=lambda p: p.split("=")[0])
    ns = [n for n in names_for(req, rms, allow_quoted=False) if "=" not in n and ":" not in n]
    if not rms and not ns and owner:
        ns = [owner]
    if ns and not any(p.endswith("=" + ns[0]) for p in pairs):
        it.names = ns[:1]
    if req.has(r"\ball (deployments|the deployments|rc|replication)|all deployments") or (
        len(types) > 1 and req.has(r"\ball\b")
    ):
        it.set_flag("all")
        it.names = []
    elif not it.names:
        first = pairs[0].split("=")[0]
        if first != "*":
            it.names = [first]
        else:
            raise Clarify("Which deployment should I update?")
    common(req, it, allns=False, out=False)
    return it


def h_set_env(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="set env", resource=first_type(rms, "deployment"))
    if it.resource == "replicationcontrollers":
        it.resource = "rc"
    it.names = [n for n in names_for(req, rms) if "=" not in n]
    m = req.find(rf"containers?\s+({Q})")
    if m:
        it.set_flag("containers", clean(m.group(1)))
        if it.names == [clean(m.group(1))]:
            it.names = []
    if req.has(r"\b(list|show|print|display|what)\b") and it.resource == "pods" and len(it.names) == 1:
        # a pod's environment is read inside it: `set env --list` shows only its spec, and on a
        # pod kubectl treats `set env` as a change
        ex = Intent(verb="exec", names=it.names, command=["env"])
        c = it.flag("containers")
        if c:
            ex.set_flag("container", c)
        return common(req, ex, allns=False, sel=False, out=False)
    if req.has(r"\b(list|show|print|display|what)\b"):
        it.set_flag("list")
    elif req.has(REMOVING):
        m = req.find(r"variable\s+([A-Z_][A-Z0-9_]*)\b", 0) or req.find(r"\b([A-Z_][A-Z0-9_]{1,})\b", 0)
        if not m:
            raise Clarify("Which environment variable should I remove?")
        it.args = [m.group(1) + "-"]
    else:
        it.args = kv_pairs(req)
        if not it.args:
            raise Clarify("Which environment variables (KEY=value) should I set?")
    if not it.names and req.has(r"\ball\b"):
        it.set_flag("all")
        it.resource = it.resource if it.resource != "deployment" else "deployments"
    common(req, it, allns=False, out=False)
    if it.selector and set(it.selector.split(",")) <= set(it.args):
        it.selector = None  # "with MODE=x": the variable to set, not a selector
    require_name(it, "deployment", "update")
    return it


_RES_KIND = r"\b(limits?|requests?)\b"
_RES_VALUE = r"\b(cpu|mem(?:ory)?)\s*(?:limits?|requests?)?\s*(?:to|=|of|:|at)?\s*['\"]?(\d+(?:\.\d+)?(?:m|[KMGTPE]i?)?)(?![\w.])"


def h_set_resources(req: Req) -> Intent:
    """Limits and requests as said: each kind word takes the cpu/memory values that follow it."""
    rms = [r for r in resources(req) if r.type.plural in _WORKLOADS]
    it = Intent(verb="set resources", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms, allow_quoted=False)
    c = _container(req)
    if c:
        it.set_flag("container", c)
    if not it.names:
        # "give web (shop) limits …", "web (shop) runs out of memory — give it limits …"
        m = req.find(rf"^(?:give|set|put)\s+(?:the\s+)?({V})\s+(?:\(|limits?\b|requests?\b)") or req.find(
            rf"^({V})\s+\([^)]*\)"
        )
        if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))):
            it.names = [clean(m.group(1))]
    if not it.names and c:
        it.names = [c]
    kinds = list(re.finditer(_RES_KIND, req.text, re.I))
    found: dict[str, list[str]] = {}
    for k, km in enumerate(kinds or [None]):
        start = 0 if km is None or k == 0 else km.start()
        end = kinds[k + 1].start() if km is not None and k + 1 < len(kinds) else len(req.text)
        kind = "requests" if km is not None and km.group(1).lower().startswith("request") else "limits"
        for m in re.finditer(_RES_VALUE, req.text[start:end], re.I):
            what = "cpu" if m.group(1).lower() == "cpu" else "memory"
            vals = found.setdefault(kind, [])
            if not any(v.startswith(what + "=") for v in vals):
                vals.append(f"{what}={m.group(2)}")
    if not found:
        raise Clarify("Which CPU/memory values should I set?")
    for kind in ("limits", "requests"):
        if found.get(kind):
            it.set_flag(kind, ",".join(found[kind]))
    common(req, it, allns=False, out=False)
    require_name(it, "deployment", "update")
    it.slash = True
    return it


_WORKLOADS = ("deployments", "statefulsets", "daemonsets", "replicasets", "pods", "jobs", "cronjobs")


def h_set_sa(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural != "serviceaccounts"]
    it = Intent(verb="set serviceaccount", resource=first_type(rms, "deployment"))
    it.names = names_for(req, rms, allow_quoted=False)
    m = req.find(rf"service ?account\s+(?:to\s+)?({V})\s*$") or req.find(rf"\bto\s+({V})\s*$")
    if not m:
        raise Clarify("Which service account should it use?")
    it.args = [clean(m.group(1))]
    if it.resource == "deployments":
        it.resource = "deployment"
    common(req, it, allns=False, out=False)
    require_name(it, "deployment", "update")
    return it


def _kv_from_words(req: Req, kind: str) -> list[str]:
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
        out.append(f"{m.group(1)}={clean(m.group(2))}")
    return out


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
    if removing:
        key = _removed_key(req, kind)
        if not key:
            raise Clarify(f"Which {kind} should I remove?")
        args = [key.rstrip("-") + "-"]
    else:
        args = _kv_from_words(sub, kind)
    names = []
    for rm in rms:
        after = text_wo_sel[
            rm.end - (len(req.text) - len(text_wo_sel)) if mark and rm.end > mark[1] else rm.end :
        ]
        m2 = re.match(rf"\s+({V}(?:\s*(?:,\s*(?:and\s+)?|\band\b)\s*{V})*)", after)
        if m2:
            for part in re.split(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*", m2.group(1)):
                v = clean(part)
                if not is_name(v) or "=" in part or req.table.get(v) or _is_keyword(v):
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
    it.names = names
    it.args = args
    if req.has(r"\b(check|list|show|display|what are)\b.*\b(annotations|labels)\b") and not args:
        it.set_flag("list")
        it.args = []
    elif not args:
        raise Clarify(f"Which {kind} (key=value) should I set?")
    if not removing and req.has(r"overwrit|\bchange\b(?!-)|\breplace\b(?!-)"):
        it.set_flag("overwrite")  # a removal has nothing to overwrite; "change-id" is a key
    if sel:
        it.selector = sel
    elif not names and req.has(r"\ball\b"):
        it.set_flag("all")
    common(req, it, allns=False, sel=False, out=False)
    if it.resource == "nodes" and not names:
        raise Clarify(f"Which node should I {verb}?")
    require_name(it, it.resource, verb)
    return it


# Words that ask to take something off an object. kubectl removes a label, annotation, taint or
# variable with a trailing dash: without it the same words would ADD what was to be removed.
REMOVING = (
    r"\b(?:remov\w*|delet\w*|drop\w*|unset\w*|strip\w*|untaint\w*|clear\w*|get rid of)\b|"
    r"\btak(?:e|ing)\b.*\boff\b"
)
_NOT_A_KEY = {"from", "off", "on", "of", "for", "in", "to", "key", "value", "named", "called", "it", "them"}


def _removed_key(req: Req, kind: str) -> str | None:
    """The key to remove: quoted ('the "x" label'), before the kind word ('the x label'), or
    after it ('label x', 'label named x'); never a function word ('the label from web')."""

    def key_ok(v: str) -> bool:
        k = v.rstrip("-").split("=")[0]
        return (
            bool(re.fullmatch(r"[A-Za-z0-9][\w./-]*", k))
            and k.lower() not in _NOT_A_KEY
            and not re.fullmatch(REMOVING, k, re.I)  # "drop label x": the verb is no key
            and not _is_keyword(k)
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


def h_taint(req: Req) -> Intent:
    it = Intent(verb="taint", resource="nodes")
    it.names = _node_names(req)
    effect = None
    m = req.find(r"\b(NoSchedule|PreferNoSchedule|NoExecute)\b")
    if m:
        effect = {
            "noschedule": "NoSchedule",
            "prefernoschedule": "PreferNoSchedule",
            "noexecute": "NoExecute",
        }[m.group(1).lower()]
    key = req.value(rf"\bkey\s+({V})") or req.value(rf"\btaint\s+({Q})")
    value = req.value(rf"\bvalue\s+({V})")
    literal = req.find(r"([\w./-]+=[\w./-]*:(?:NoSchedule|PreferNoSchedule|NoExecute)-?)")
    if literal:
        arg = literal.group(1)
        if req.has(REMOVING) and not arg.endswith("-"):
            arg += "-"  # "remove the k=v:NoSchedule taint": without the dash kubectl would add it
    elif not key:
        raise Clarify("Which taint (key=value:Effect) should I apply?")
    elif req.has(REMOVING):
        arg = f"{key}:{effect}-" if effect and not req.has(r"\ball the taints") else f"{key}-"
    else:
        arg = (
            f"{key}={value}:{effect or 'NoSchedule'}"
            if value and not req.has(r"no value")
            else f"{key}:{effect or 'NoSchedule'}"
        )
    it.args = [arg]
    if not it.names:
        sel = selector(req)
        if sel:
            it.selector = sel
        else:
            raise Clarify("Which node should I taint?")
    if req.has(r"overwrit"):
        it.set_flag("overwrite")
    return it


def _node_names(req: Req) -> list[str]:
    rms = [r for r in resources(req) if r.type.plural == "nodes"]
    names = names_for(req, rms) if rms else []
    if names:
        return names
    m = req.find(rf"\b(?:cordon|uncordon|drain|taint|mark|untaint)\s+(?:the\s+)?({V})")
    if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))) and clean(m.group(1)) != "it":
        return [clean(m.group(1))]
    for m in re.finditer(Q, req.text):
        v = clean(m.group(0))
        if is_name(v):
            return [v]
    name = _name_like_token(req)
    return [name] if name else []


def h_node(verb: str):
    def handler(req: Req) -> Intent:
        it = Intent(verb=verb, names=_node_names(req))
        if not it.names:
            sel = selector(req)
            if not sel:
                raise Clarify(f"Which node should I {verb}?")
            it.selector = sel
        if verb == "drain":
            if req.has(r"\bforce|even if"):
                it.set_flag("force")
            if req.has(r"ignor\w*[- ](the )?daemon ?sets?"):
                it.set_flag("ignore-daemonsets")
            if req.has(r"emptydir|local data"):
                it.set_flag("delete-emptydir-data")
        return it

    return handler


def _dry_run(req: Req, it: Intent) -> None:
    if req.has(
        r"without creating|dry[- ]run|don'?t create|do not create|just the yaml|(the|a) yaml for|generate (the )?yaml|"
        r"(the|create|print|show) (the )?(yaml|manifest)"
    ):
        it.set_flag("dry-run", "client")
        if it.output is None:
            it.output = "yaml"


def _images(req: Req) -> list[str]:
    imgs: list[str] = []
    for pat in (
        rf"\bimages?\s+(?:of\s+)?(?!named\b|called\b|to\b)({V}(?:\s*(?:,|and)\s*{V})*)",
        rf"(?:runs?|running|using|with|from)\s+(?:the\s+|an?\s+)?({V})\s+image\b",
        rf"\b({V})\s+image\b",
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
                    and not _is_keyword(v)
                ):
                    imgs.append(v)
        if imgs:
            return imgs
    return imgs


def _split_words(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _command_after(req: Req) -> list[str] | None:
    """The command a new pod/job should run: 'runs the command "x y"', 'that echoes 'hi'',
    'that sleeps 3600', 'that runs 'date'', or literal words after `--`."""
    m = req.find(rf"(?:runs?|execute|with)\s+(?:the\s+)?command(?:\s+with arguments)?\s+({Q})")
    if m:
        return _split_words(clean(m.group(1)))
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
        return _split_words(clean(m.group(1)))
    return None


CREATE_KINDS = [
    ("ingress", r"\bingress\b"),
    ("token", r"\btoken\b"),
    ("secret generic", r"\bsecret\b"),
    ("serviceaccount", r"\bservice ?accounts?\b"),
    ("clusterrolebinding", r"cluster ?role ?binding"),
    ("rolebinding", r"\brole ?binding"),
    ("clusterrole", r"cluster ?role"),
    ("role", r"\brole\b"),
    ("configmap", r"config ?maps?\b|\bcm\b"),
    ("cronjob", r"cron ?jobs?\b"),
    ("job", r"\bjobs?\b"),
    ("quota", r"\b(resource ?quota|quota)\b"),
    ("poddisruptionbudget", r"disruption budget|\bpdb\b"),
    ("priorityclass", r"priority ?class"),
    ("service", r"\bservice\b|\bsvc\b"),
    ("namespace", r"\bnamespace\b|\bns\b"),
    ("deployment", r"\bdeployments?\b|\bdeploy\b|single instance|instances? of"),
]


def _create_kind(req: Req) -> str | None:
    """The kind named first after the verb ('create a deployment … in namespace x' is a deployment);
    the kind right after "create"/"need" wins over a source named before it ("… cronjob x, create a
    job from it")."""
    if req.has(r"^bind\b|\bbind (?:the )?(?:cluster ?)?role\b"):
        return "clusterrolebinding" if req.has(r"cluster ?role ?binding|cluster[- ]wide") else "rolebinding"
    after = re.search(r"\b(?:create|make|need|add|generate)\s+(?:(?:a|an|the|new|one)\s+)*(.*)", req.low)
    if after:
        for k, p in CREATE_KINDS:
            if re.match(rf"(?:generic\s+)?(?:{p})", after.group(1)):
                return k
    best = None
    for k, p in CREATE_KINDS:
        m = re.search(p, req.low)
        if m and (best is None or (m.start(), -(m.end() - m.start())) < (best[0], -best[1])):
            best = (m.start(), m.end() - m.start(), k)
    return best[2] if best else None


def _create_name(req: Req, words: str) -> str | None:
    m = req.find(rf"\b(?:named|called|name)\s+({V})")
    if m and is_name(clean(m.group(1))):
        return clean(m.group(1))
    m = req.find(rf"(?:{words})s?:?\s+(?:tls\s+|generic\s+|docker-registry\s+)?({V})")
    if m and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))):
        return clean(m.group(1))
    m = req.find(rf"(?:for|as)\s+(?:the\s+)?(?:service account\s+)?({Q})")
    if m and is_name(clean(m.group(1))):
        return clean(m.group(1))
    for m in re.finditer(Q, req.text):
        v = clean(m.group(0))
        if is_name(v):
            return v
    return None


def _binding_subjects(req: Req, it: Intent, name: str | None) -> str | None:
    """Who a binding is for ("to user ann", "to service account robot in tools", --user=…) and its
    own name ("call the binding x"); a missing one is asked for, never taken from the role."""
    sa = req.find(rf"\bservice ?account\s+({V})") or req.find(rf"\b({V})\s+service ?account\b")
    user = req.find(rf"\b(?:to|for)\s+(?:the\s+)?user\s+({V})") or req.find(r"--user=(\S+)")
    group = req.find(rf"\b(?:to|for)\s+(?:the\s+)?group\s+({V})") or req.find(r"--group=(\S+)")
    flag_sa = req.value(r"--serviceaccount=(\S+:\S+)")
    if flag_sa:
        it.set_flag("serviceaccount", flag_sa)
    elif sa and ":" in clean(sa.group(1)):
        # "service account tools:robot" already says the account's namespace
        it.set_flag("serviceaccount", clean(sa.group(1)))
    elif sa:
        sa_ns = req.value(rf"service ?account\s+{V}\s+(?:in|from|of)\s+(?:the\s+)?(?:namespace\s+)?({V})")
        sa_ns = sa_ns or namespace(req)
        if not sa_ns:
            raise Clarify("Which namespace is that service account in?")
        it.set_flag("serviceaccount", f"{sa_ns}:{clean(sa.group(1))}")
    if user:
        it.set_flag("user", clean(user.group(1)))
    if group:
        it.set_flag("group", clean(group.group(1)))
    if not (sa or user or group or flag_sa):
        return name  # a binding without subjects yet: kubectl takes it, named after its role
    m = req.find(rf"\bcall(?:ed)?\s+(?:the\s+)?(?:(?:cluster ?)?role ?binding\s+|binding\s+|it\s+)?({V})")
    if not name and m and is_name(clean(m.group(1))):
        name = clean(m.group(1))
    if not name:
        raise Clarify("What should the new role binding be called?")
    return name


def h_create(req: Req) -> Intent:
    kind = _create_kind(req)
    if kind is None:
        if req.has(r"\bpods?\b"):
            return h_run(req)
        rms = resources(req)
        raise Clarify(
            f"Creating {rms[0].type.plural} needs a manifest; which kind should I create (deployment, "
            "namespace, configmap, secret, job, cronjob, service account)?"
            if rms
            else "What should I create (deployment, namespace, configmap, secret, job, cronjob, service account)?"
        )
    if (
        kind == "service"
        and req.has(r"\b(for|expose)\b")
        and not req.has(r"clusterip|nodeport|loadbalancer|headless")
    ):
        return h_expose(req)
    words = CREATE_KINDS[[k for k, _ in CREATE_KINDS].index(kind)][1]
    words = words.replace(r"\b", "").replace("(?:", "(").replace("(", "(?:")  # no groups of its own
    it = Intent(verb=f"create {kind}")
    name = _create_name(req, words)
    if kind == "deployment":
        imgs = _images(req)
        m = req.find(rf"(?:instance|instances) of\s+({V})") or req.find(
            r"\b(?:image\s+(?:is|=|:)|using|from)\s+([\w./-]+:[\w.-]+)"  # "using redis:7", "image is x:1.2"
        )
        if not imgs and m:
            imgs = [clean(m.group(1))]
        if not imgs:
            raise Clarify("Which container image should the deployment run?")
        name = name if name and name not in imgs else (name or _image_of(imgs[0]))
        for img in imgs:
            it.set_flag("image", img, append=True)
        n = number_after(req, r"") if False else None
        m = req.find(r"(\d+)\s+replicas") or req.find(r"replicas\s*(?:=|of|to)?\s*(\d+)")
        if m:
            it.set_flag("replicas", m.group(1))
        p = number_after(req, r"\bport")
        if p:
            it.set_flag("port", p)
        cmd = _command_after(req)
        if cmd:
            it.command = cmd
        del n
    elif kind == "secret generic" and req.has(r"\btls\b"):
        it.verb = "create secret tls"
        cert = req.value(rf"(?:--)?cert(?:ificate)?(?:=|\s+)(?:file\s+)?({V})")
        key = req.value(rf"(?:--)?key(?:=|\s+)(?:file\s+)?({V})")
        if not cert or not key:
            raise Clarify("Which certificate and key files should the TLS secret use?")
        it.set_flag("cert", cert)
        it.set_flag("key", key)
    elif kind in ("configmap", "secret generic") and req.has(r"from[- ](?:the |an? )?(?:env[- ])?file\b"):
        for m in req.findall(rf"from[- ](?:the |an? )?(env[- ])?file(?:=|\s+)(?:named\s+|called\s+)?({V})"):
            it.set_flag("from-env-file" if m.group(1) else "from-file", clean(m.group(2)), append=True)
        if not it.flags:
            raise Clarify("Which file should it be made from?")
    elif kind in ("configmap", "secret generic"):
        lits = _kv_from_words(req, "key")
        if not lits:
            raise Clarify("Which key=value pairs should it hold?")
        for kv in lits:
            it.set_flag("from-literal", kv, append=True)
        if name and any(kv.startswith(name + "=") for kv in lits):
            name = None
        if kind == "secret generic" and req.has(r"\btls\b"):
            it.verb = "create secret tls"
    elif kind in ("job", "cronjob"):
        m = (
            req.find(rf"from (?:a |the )?cron ?job (?:named |called )?({V})")
            or req.find(r"--from=cron ?job/([\w.-]+)")
            or req.find(rf"from (?:the )?({V}) cron ?job\b")
            or (
                req.find(rf"\b(?:the\s+)?({V})\s+cron ?job\b")
                if req.has(r"\bfrom (?:it|that|this)\b|\bby hand\b|\bmanually\b")
                else None
            )
        )
        if m and kind == "job" and is_name(clean(m.group(1))) and not _is_keyword(clean(m.group(1))):
            it.set_flag("from", f"cronjob/{clean(m.group(1))}")
            if name == clean(m.group(1)):
                name = None  # that names the cron job; the new job needs its own name
        else:
            imgs = [clean(m.group(1)) for m in req.findall(r"--image=(\S+)")] or _images(req)
            if not imgs:
                raise Clarify(f"Which image should the {kind} run?")
            it.set_flag("image", imgs[0])
            if name in imgs:
                name = None
            if kind == "cronjob":
                it.set_flag("schedule", _schedule(req))
            cmd = _command_after(req)
            if cmd:
                it.command = cmd
    elif kind in ("role", "clusterrole"):
        m = re.search(
            r"\b(perform|allow(?:s|ing)?|verbs?|permit(?:s|ting)?|grant(?:s|ing)?|can|able to)\b(.*)",
            req.text.lower(),
        )
        # the verbs of the clause that grants them: a later sentence ("then create it in x") is no right
        # nor what it must not do ("get pods but not delete them")
        seg = (
            re.split(r"[.;!?](?:\s|$)|\bthen\b|\b(?:but|except|not|never|without|no)\b|n't\b", m.group(2))[0]
            if m
            else ""
        )
        verbs = re.findall(r"\b(get|list|watch|create|update|patch|delete|deletecollection)\b", seg)
        rms = [r for r in resources(req) if r.type.plural not in ("roles", "clusterroles")]
        if m:
            # the resources of that same clause ("get pods but not delete secrets" grants pods only)
            end = m.start(2) + len(seg)
            rms = [r for r in rms if r.start < end]
        flag_res = req.value(r"--resources?=(\S+)")
        if flag_res:
            it.set_flag("verb", ",".join(dict.fromkeys(verbs)))
            it.set_flag("resource", flag_res)
            verbs, rms = [], []
        elif not verbs or not rms:
            raise Clarify("Which verbs on which resources should the role allow?")
        if verbs:
            it.set_flag("verb", ",".join(dict.fromkeys(verbs)))
            it.set_flag("resource", ",".join(r.type.plural for r in rms))
    elif kind in ("rolebinding", "clusterrolebinding"):
        m = req.find(rf"(?:using|with|to|bind)\s+(?:the\s+)?({V})\s+(cluster ?role|role)\b(?!\s*binding)")
        role, rkind = (clean(m.group(1)), m.group(2)) if m else (None, "")
        m = req.find(
            rf"\b(?:binds?|grants?|using|with|to)\s+(?:the\s+)?(cluster ?role|role)\s+({V})"
        ) or req.find(r"--(cluster ?role|role)=(\S+)")
        if m and not role:
            role, rkind = clean(m.group(2)), m.group(1)
        if not role or not is_name(role) or role.lower() in ("binding", "that", "to", "the"):
            raise Clarify("Which role should the binding grant?")
        it.set_flag("clusterrole" if "cluster" in rkind.lower() else "role", role)
        m = req.find(r"\bfor\s+(.*?)\s+using")
        subjects = re.split(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*", m.group(1)) if m else []
        if subjects:
            # "… for ann, bob and group ops using role x": the old, listed form
            name = name if name and name != role else role
            for s in subjects:
                s = clean(s)
                it.set_flag("group" if s.startswith("group") else "user", s, append=True)
        else:
            name = _binding_subjects(req, it, name if name != role else None) or role
    elif kind == "quota":
        hard = [h for m in req.findall(r"--hard=(\S+)") for h in clean(m.group(1)).split(",") if h]
        quota_key = r"(?:(?:requests|limits)\.)?(?:cpu|memory|storage|ephemeral-storage)|pods|services|secrets|configmaps|persistentvolumeclaims|replicationcontrollers|resourcequotas|count/[\w.]+|services\.\w+|requests\.storage"
        if not hard:
            hard = [
                f"{k}={v}"
                for k, v in re.findall(rf"(?<![\w.=-])({quota_key})\s*=\s*(\d[\w.]*)", req.text, re.I)
            ]
        for num, what in (
            []
            if hard
            else re.findall(r"(\d+\w*)\s+(cpus?|memory|pods|services|secrets|configmaps)\b", req.text, re.I)
        ):
            w = what.lower().rstrip("s") if what.lower().startswith("cpu") else what.lower()
            hard.append(f"{w}={num}")
        if not hard:
            raise Clarify("Which limits should the quota set (e.g. pods=10, cpu=4, memory=8Gi)?")
        it.set_flag("hard", ",".join(hard))
        if req.has(r"without creating|dry"):
            _dry_run(req, it)
    elif kind == "service":
        stype = (
            "nodeport"
            if req.has(r"node ?port")
            else "loadbalancer"
            if req.has(r"load ?balancer")
            else "clusterip"
        )
        if req.has(r"external ?name"):
            raise Clarify("Which external DNS name should the ExternalName service point to?")
        it.verb = f"create service {stype}"
        if req.has(r"headless"):
            it.set_flag("clusterip", "None")
        m = req.find(r"(\d+):(\d+)") or req.find(r"port\s+(\d+)")
        if m and not req.has(r"headless"):
            it.set_flag("tcp", m.group(0) if ":" in m.group(0) else f"{m.group(1)}:{m.group(1)}")
        elif not req.has(r"headless"):
            raise Clarify("Which port should the service expose (e.g. 80:8080)?")  # kubectl needs one
    elif kind == "ingress":
        m = req.find(r"(?:requests to|from)\s+(\S+?)\s+to\s+(?:svc|service)\s+(\S+)")
        if m:
            rule = f"{m.group(1)}={m.group(2)}"
            tls = req.value(rf"tls secret\s+({V})")
            if tls:
                rule += f",tls={tls}"
            it.set_flag("rule", rule)
    elif kind == "priorityclass":
        n = number_after(req, r"value(?: of)?")
        if not n:
            raise Clarify("What priority value should the class have (e.g. 1000)?")
        it.set_flag("value", n)
    if kind != "token" and kind != "namespace" and kind != "serviceaccount" and not name:
        raise Clarify(f"What should the new {kind.split()[-1]} be called?")
    if not name:
        raise Clarify(f"What should the new {kind.split()[-1]} be called?")
    it.names = [name]
    common(req, it, allns=False, sel=False)
    if it.output and not re.search(rf"(?<![\w./-]){it.output}\b", req.low):
        it.output = None  # "--from-file=app.yaml" names a file, it asks for no output format
    _dry_run(req, it)
    return it


def _schedule(req: Req) -> str:
    m = (
        req.find(r"""schedule(?:=|\s+(?:of\s+)?)(['"][^'"]+['"])""")
        or req.find(r"""(['"][\d*/,-]+(?: [\d*/,-]+){4}['"])""")
        # five bare cron fields ("*/15 * * * *", "0 3 * * 1-5"): each field digits, * , / -
        or req.find(r"(?<!\S)((?:[\d*][\d*/,-]*\s+){4}[\d*][\d*/,-]*)(?!\S)")
    )
    if m:
        return clean(m.group(1))
    m = req.find(r"every\s+(\d+)\s+minutes?")
    if m:
        return f"*/{m.group(1)} * * * *"
    if req.has(r"every minute"):
        return "*/1 * * * *"
    m = req.find(r"every\s+(\d+)\s+hours?")
    if m:
        return f"0 */{m.group(1)} * * *"
    if req.has(r"every hour|hourly"):
        return "0 * * * *"
    if req.has(r"every day|daily|every night|nightly|midnight"):
        return "0 0 * * *"
    raise Clarify('On what schedule should the cron job run (e.g. "every 5 minutes")?')


def h_run(req: Req) -> Intent:
    imgs = _images(req)
    m = req.find(
        rf"\b(?:start|run|launch|create|spin up)\s+(?:a\s+|an\s+|one\s+)?(?:single instance of\s+)?(?:an?\s+)?({V})\s+pod\b"
    )
    pod_word = clean(m.group(1)) if m else None
    name = None
    m2 = req.find(rf"\b(?:named|called|name)\s+({V})")
    if m2 and is_name(clean(m2.group(1))):
        name = clean(m2.group(1))
    if not imgs:
        # "start a redis pod" names the pod; which image (and registry) it runs is not said
        raise Clarify("Which container image should the pod run?")
    img = imgs[0]
    if not name:
        name = pod_word if pod_word and is_name(pod_word) and pod_word != img else _image_of(img)
    full = next((i for i in imgs if "/" in i), None)
    img = full or img
    it = Intent(verb="run", names=[name])
    it.set_flag("image", img)
    p = number_after(req, r"\bport")
    if p:
        it.set_flag("port", p)
    for e in re.findall(r"""["']?([A-Z_][A-Z0-9_]*=[^\s"',]+)["']?""", req.text):
        it.set_flag("env", e, append=True)
    if req.has(r"\blabels?\b"):
        labs = [kv for kv in kv_pairs(req) if not re.match(r"^[A-Z_][A-Z0-9_]*=", kv)]
        if labs:
            it.set_flag("labels", ",".join(labs))
    fg = req.has(r"foreground|interactive|\bshell\b|attach|\b-it\b")
    cmd = _command_after(req)
    if fg or (cmd and req.has(r"\bthen exits?\b")):
        it.set_flag("stdin")
        it.set_flag("tty")
    if req.has(
        r"don'?t restart|do not restart|never restart|restart=never|\bcreate a\b.*\bpod\b|then exits?|"
        r"\bnot (be )?restart"
    ):
        it.set_flag("restart", "Never")
    if req.has(r"\b(rm|remove it|delete it|temporary|clean up|cleanup) (after|when|once)|--rm\b"):
        it.set_flag("rm")
    if req.has(r"\bexpose (its|the|it)") and p:
        it.set_flag("expose")
    if cmd:
        it.command = cmd
    common(req, it, allns=False, sel=False)
    _dry_run(req, it)
    return it


def h_expose(req: Req) -> Intent:
    rms = [
        r for r in resources(req) if r.type.plural != "services" or req.has(r"expose (the )?(service|svc)")
    ]
    kind = first_type(rms)
    if req.has(r"\breplicated\b") and not req.has(r"replica ?set|\brs\b"):
        kind = "rc"
    if not kind:
        raise Clarify("What should I expose (deployment, pod, replica set, service) and which one?")
    short = {"replicationcontrollers": "rc", "replicasets": "rs", "deployments": "deployment", "pods": "pod"}
    it = Intent(verb="expose", resource=short.get(kind, kind))
    m = req.find(
        rf"\b(?:a|an|the)\s+(?:replicated\s+)?({V})\s+(?:deployment|pod|replica ?set|service|rc)\b"
    ) or req.find(rf"replicated\s+({V})")
    spoken = clean(m.group(1)) if m else None
    if spoken and (not is_name(spoken) or spoken.lower() in ("nodeport", "loadbalancer", "clusterip")):
        spoken = None
    adjacent = names_for(req, rms, allow_quoted=True, named=False)
    name = spoken if spoken and req.has(r"\breplicated\b") else (adjacent[0] if adjacent else spoken)
    svc_name = req.value(rf"with the name\s+({V})") or req.value(rf"(?:service|svc) (?:named|called)\s+({V})")
    if name == svc_name:
        name = None
    if not name:
        raise Clarify(f"Which {it.resource} should I expose?")
    it.names = [name]
    p = number_after(req, r"(?:serves on|on|listens on|expose|service)\s+port")
    if not p:
        p = number_after(req, r"\bport")
    if p:
        it.set_flag("port", p)
    t = number_after(req, r"(?:containers on|target) port") or number_after(req, r"to port")
    if t and t != p:
        it.set_flag("target-port", t)
    if svc_name:
        it.set_flag("name", svc_name)
    if req.has(r"node ?port"):
        it.set_flag("type", "NodePort")
    elif req.has(r"load ?balancer"):
        it.set_flag("type", "LoadBalancer")
    common(req, it, allns=False, sel=False)
    return it


def h_events(req: Req) -> Intent:
    if sort_by(req) or req.has(r"field[- ]selector"):  # `kubectl events` has neither
        return h_get(req)
    it = Intent(verb="events")
    types = [t.capitalize() for t in re.findall(r"\b(warning|normal)s?\b", req.text.lower())]
    if types:
        it.set_flag("types", ",".join(dict.fromkeys(types)))
    rms = [r for r in resources(req) if r.type.plural != "events"]
    if rms:
        ns = names_for(req, rms)
        if ns:
            it.set_flag("for", f"{rms[0].type.singular}/{ns[0]}")
    else:
        # "what happened to web-5d-x2?": a pod-shaped name the events are about
        m = req.find(
            r"\b(?:happened to|happening (?:to|with)|about|involving|regarding|wrong with)\s+([a-z0-9]+(?:-[a-z0-9]+)+)\b",
            0,
        )
        if m and is_name(m.group(1)) and m.group(1) != namespace(req) and not req.table.get(m.group(1)):
            it.set_flag("for", f"pod/{m.group(1)}")
    if req.has(r"\bwatch\b"):
        it.set_flag("watch")
    common(req, it, sel=False)
    return it


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
    return it


def h_explain(req: Req) -> Intent:
    rms = resources(req)
    m = req.find(r"\b([a-z]+(?:\.[a-zA-Z]+)+)\b")
    if not rms:
        raise Clarify("Which resource should I explain (e.g. pods, deployments.spec)?")
    # the kind as typed ("PodDisruptionBudget" → poddisruptionbudget): kubectl explain takes any form
    typed = rms[0].word.lower().replace(" ", "")
    res = typed if req.table.get(typed) is rms[0].type else rms[0].type.plural
    if m and req.table.get(m.group(1).split(".")[0]):
        res = m.group(1)
    else:
        part = re.match(r"\s+(spec|status|metadata)\b", req.low[rms[0].end :])
        if part:
            res = f"{res}.{part.group(1)}"
    it = Intent(verb="explain", resource=res)
    if req.has(r"\ball (the )?fields|recursive|every field"):
        it.set_flag("recursive")
    v = req.value(r"api[- ]versions?\s+([\w.]+/v\w+)") or req.value(r"\b([\w.]+/v\d\w*)\b")
    if v:
        it.set_flag("api-version", v)
    o = req.value(r"\b(plaintext-openapiv2|plaintext)\b")
    if o:
        it.output = o
    return it


def h_api_resources(req: Req) -> Intent:
    it = Intent(verb="api-resources")
    if req.has(r"non-namespaced|not namespaced|cluster[- ]scoped|cluster[- ]level"):
        it.set_flag("namespaced", "false")
    elif req.has(r"\bnamespaced\b"):
        it.set_flag("namespaced", "true")
    verbs = re.findall(
        r"""['"](get|list|watch|create|update|patch|delete|deletecollection)['"]""", req.text, re.I
    )
    if verbs and req.has(r"verbs?"):
        it.set_flag("verbs", ",".join(v.lower() for v in verbs))
    g = req.value(rf"(?:in|from)\s+the\s+({V})\s+(?:api\s*)?group") or req.value(rf"api[- ]?group\s+({V})")
    if g:
        it.set_flag("api-group", g)
    if req.has(r"\bsort"):
        it.set_flag("sort-by", "kind" if req.has(r"by kind") else "name")
    it.output = output(req)
    return it


def h_simple(verb: str):
    def handler(req: Req) -> Intent:
        it = Intent(verb=verb)
        if verb in ("auth whoami", "version", "kuberc view"):
            it.output = output(req) if req.has(r"json|yaml") else None
        if verb == "version" and req.has(r"client (version )?only|only the client|just the client"):
            it.set_flag("client")
        if verb == "plugin list" and req.has(r"names? only|only (the )?(binary )?names|without paths"):
            it.set_flag("name-only")
        return it

    return handler


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
                r"\b(?:user|group|service ?account)\b.*?\b(get|list|watch|create|update|patch|delete|exec|read|"
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
    sa = req.find(
        rf"service ?account\s+({V})\s+(?:of|in|from)\s+(?:the\s+)?(?:namespace\s+)?({V})"
    ) or req.find(
        rf"\b(?P<b>{V})\s+service ?account\s+(?:of|in|from)\s+(?:the\s+)?(?:namespace\s+)?(?P<a>{V})"
    )
    if sa:
        sa_name, sa_ns = (
            (clean(sa.group("b")), clean(sa.group("a")))
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
        if re.search(r"\b(?:same|that|its own|its|their) namespace\b|\bthere\b", sub.low):
            it.namespace = sa_ns  # "… get pods in its own namespace": the account's namespace
        elif ns := namespace(sub):
            it.namespace = ns
        return it
    who = req.value(rf"\b(?:as|can)\s+(?:the\s+)?user\s+({V})") or req.value(rf"\buser\s+({V})\s+can\b")
    if who:
        it.set_flag("as", who)
    common(req, it, sel=False, out=False)
    return it


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


def h_certificate(req: Req) -> Intent:
    sub = "deny" if req.has(r"\bdeny|reject") else "approve"
    name = req.value(r"\b(csr-[\w-]+)") or req.value(
        rf"(?:csr|certificate signing request|certificate)\s+({V})"
    )
    if not name:
        raise Clarify("Which certificate signing request?")
    it = Intent(verb=f"certificate {sub}", names=[name])
    if req.has(r"\bforce"):
        it.set_flag("force")
    return it


def h_wait(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="wait", resource=first_type(rms, "pods"))
    if it.resource:
        it.resource = req.table.get(it.resource).singular if req.table.get(it.resource) else it.resource
    it.names = names_for(req, rms)
    it.slash = True
    cond = (
        req.value(r"condition of type\s+(\S+)")
        or req.value(rf"({Q})\s+(?:status\s+)?condition")
        or req.value(r"\bto be\s+(ready|available|complete)\b")
        or req.value(r"\b(?:is|are|becomes?|gets?|turns?)\s+(?:fully\s+)?(ready|available|complete)d?\b")
    )
    if not cond and it.resource == "job" and req.has(r"\b(?:completes|finishes|is (?:done|finished))\b"):
        cond = "complete"
    if cond and cond.lower() == "complete":
        cond = "complete"  # the Job condition is spelled in lower case
    if req.has(r"status phase"):
        phase = req.value(r"phase to be\s+(\S+)")
        it.set_flag("for", f"jsonpath={{.status.phase}}={phase}")
    elif req.has(r"to have ingress"):
        it.set_flag("for", "jsonpath={.status.loadBalancer.ingress}")
    elif req.has(r"\bdeleted|to be gone|to disappear"):
        it.set_flag("for", "delete")
    if cond:
        it.set_flag(
            "for", f"condition={cond if cond == 'complete' else cond[0].upper() + cond[1:]}", append=True
        )
    if req.has(r"\bcreated\b"):
        it.set_flag("for", "create", append=True)
    if not it.flags:
        raise Clarify("Wait for what: a condition (e.g. Ready), deletion, or a field value?")
    t = req.find(
        r"(?:timeout|up to|at most|give up after|no (?:more|longer) than|stop after|max(?:imum)?)\s+(?:of\s+)?(\d+)\s*"
        r"(s|sec|seconds?|m|min|minutes?)\b"
    )
    if t:
        it.set_flag("timeout", f"{t.group(1)}{t.group(2)[0]}")
    elif tv := req.value(r"--timeout=(\d+[smh])\b"):
        it.set_flag("timeout", tv)
    common(req, it, allns=False, out=False)
    if not it.names and not it.selector:
        raise Clarify("Wait for which object?")
    return it


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
    c = _container(req, exclude=pod)
    if c:
        it.set_flag("container", c)
    common(req, it, allns=False, sel=False, out=False)
    return it


def h_proxy(req: Req) -> Intent:
    it = Intent(verb="proxy")
    p = number_after(req, r"\bport")
    if p:
        it.set_flag("port", p)
    m = req.find(r"static content from\s+(\S+)")
    if m:
        it.set_flag("www", clean(m.group(1)))
    m = req.find(r"api prefix to\s+(\S+)")
    if m:
        v = clean(m.group(1))
        it.set_flag("api-prefix", v if v.startswith("/") else "/" + v)
    return it


def h_edit(req: Req) -> Intent:
    rms = resources(req)
    if not rms:
        raise Clarify('What should I edit? e.g. "edit deployment web".')
    it = Intent(verb="edit", resource=rms[0].type.plural, names=names_for(req, rms))
    if req.has(r"\bsave-config\b|\bsave\b.*\bconfig"):
        it.set_flag("save-config")
    m = req.find(r"['\"]?(status|scale)['\"]?\s+subresource")
    if m:
        it.set_flag("subresource", m.group(1))
    common(req, it, allns=False, sel=False)
    if it.output not in ("yaml", "json"):
        it.output = None
    return it


# ---------------------------------------------------------------------------------------------
# choosing the verb

_LABEL_VERB = (
    r"\btak(?:e|ing)\b(?:[^.]|\.(?=\S))*\b(?:label|annotation)s?\b(?:[^.]|\.(?=\S))*\boff\b|^(label|annotate)\b|\b(add|put|apply|attach|set|update|change|remove|delete|drop|unset|overwrite)\b(?:[^.]|\.(?=\S))*?"
    r"\b(label|labels|annotation|annotations)\b(?! (selector|column))|\bannotate\b|\brelabel\b|^label\b"
    r"|\b(check|list|show|display) the annotations\b"
)


# "after the drain", "since the last restart": an event named as a time is no verb asked for
_EVENT_AS_TIME = re.compile(
    r"\b(?:after|before|during|since|following|ahead of|until)\s+(?:the|a|an|our|my|this|that|its|their)\s+"
    r"(?:last\s+|recent\s+|latest\s+|big\s+|new\s+)?[a-z]+\b(?!\s*[-=/])"
    r"|\bwhile\s+(?:i|we|you|they|someone)\s+[a-z]+\b"
)


def _choose(req: Req):
    low = _EVENT_AS_TIME.sub(" ", req.low)

    def has(pattern: str) -> bool:
        return re.search(pattern, low) is not None

    selector_use = re.search(
        r"\b(with|having|matching|by|that have)\s+(the\s+)?(label|labels)\b", low
    ) and not re.search(r"with the label \S+ and", low)
    table = [
        (
            "run",
            r"^(start|run|launch|spin up|create) (a |an |one )?(single instance of )?(an? )?[\w./:-]+ pod\b(?!-)|"
            r"^(create|start|run|launch) a pod\b",
            h_run,
        ),
        ("edit", r"^edit\b", h_edit),
        (
            "auth whoami",
            r"whoami|who am i|subject attributes|my (identity|user ?name)|which user am i",
            h_simple("auth whoami"),
        ),
        (
            "auth can-i",
            r"\bcan-i\b|\bcan i\b|\b(if|whether) i can\b|^can (the )?(user|group|service ?account) \S+|"
            r"^can (the )?\S+ service ?account\b|^(is|are) (the )?(user|service ?account) \S+ (allowed|able)\b|\b(if|whether) (the )?(user|group|service ?account) \S+ can\b|\bam i allowed|\ballowed actions\b|\ballowed to\b|\bhave permission",
            h_auth_can_i,
        ),
        (
            "version",
            r"\b(client|server|kubectl|kubernetes|cluster)( and server)? versions?\b|^versions?$|"
            r"\bversions? of (kubectl|kubernetes|the cluster)|what version",
            h_simple("version"),
        ),
        (
            "config",
            r"\bkubeconfig\b|current[- ]context|\bcontexts?\b|(cert|tls)\w* check|"
            r"\b(set|change|switch)\b (the |my )?(default |current )?namespace\b|"
            r"delete the \S+ (cluster|user)\b",
            h_config,
        ),
        (
            "explain",
            r"\bexplain\b|\bexplanation\b|\bdocumentation\b|\bdocs for\b|\bschema\b|\bfields of\b|all the fields|"
            r"\bwhat fields\b",
            h_explain,
        ),
        (
            "api-resources",
            r"api[- ]resources|api[- ]resource types?\b|resource types|supported (api )?resources|\b(non-)?namespaced resources|"
            r"^all resources (with|that|in)|^all (non-)?namespaced",
            h_api_resources,
        ),
        ("api-versions", r"api[- ]versions", h_simple("api-versions")),
        (
            "cluster-info",
            r"cluster[- ]info|address(es)? of the (control plane|master)|cluster state|"
            r"\bdump (all|the|current)(?![^.]*\b(object|yaml|json|pod|deployment|configmap|secret)s?\b)",
            h_cluster_info,
        ),
        ("kuberc", r"\bkuberc\b", h_simple("kuberc view")),
        ("options", r"global (flags|options)|\binherit", h_simple("options")),
        ("plugin", r"\bplugins?\b", h_simple("plugin list")),
        ("proxy", r"(?<!container )\bproxy\b(?! container)", h_proxy),
        ("certificate", r"\b(approve|deny|reject)\b.*\b(csr|certificate signing)|\bcsr-", h_certificate),
        (
            "cp",
            r"(?:^|^how (?:do|can|would|should) (?:i|we|you) |\bplease )(?:copy|cp|download|upload|transfer)\b.*?\b(?:into|out of|from|to|onto|off)\s+(?:the\s+)?pod\b",
            h_cp,
        ),
        ("wait", r"^wait\b|\bwait (?:for|until|till)\b|\bblock (?:until|till)\b", h_wait),
        (
            "port-forward",
            r"port[- ]forward|^forward \d+|\bforward (local )?(port|traffic|\d+)|listen on (local )?port|tunnel",
            h_port_forward,
        ),
        (
            "autoscale",
            # "hpa" alone is the type (get/describe/delete hpa); an autoscaler is made with limits
            r"auto[- ]?scal|\b(create|add|make|set up|configure)\b[^.]*\bhpa\b|\bhpa\b[^.]*\b(min|max)\b",
            h_autoscale,
        ),
        (
            "set resources",
            r"\b(cpu|memory) (limits?|requests?)\b|\b(limits?|requests?) (for|on|of) (cpu|memory)|"
            r"\b(limits?|requests?)\b[^.]*?\b(cpu|mem(ory)?)\s*(=|of|to|:)?\s*\d",
            h_set_resources,
        ),
        (
            "top",
            r"\bmetrics\b(?![-\s]+(?:server|api)\b|-)|\bcpu/memory|\butili[sz]ation\b|resource usage|\btop (pods?|nodes?)\b|^top\b|"
            r"using the most|most (cpu|memory)|\bcpu/mem\b|\busage (per|by|of each) (node|pod)\b|\b(cpu|memory|resource|per[- ]container) (usage|consumption)|\bcpu and memory\b|\bmemory and cpu\b",
            h_top,
        ),
        (
            "logs",
            r"(?<![\w-])logs?(?![\w-])|\blines of output\b|\b\d+ lines\b|\b(print(ed|s)?|output|said|wrote)\b[^.]*\b(crash|restart|died)",
            h_logs,
        ),
        (
            "exec",
            r"\bexec\b|\bexecute\b|\bshell (in|into|on|to)\b|\bopen a shell|\bget a shell|\bssh into|"
            r"\bopen (a )?(bash|sh)\b|\b(bash|sh) (in|into|on)\b|"
            r"\b(running|run) (the )?'q+' (command )?(in|on|inside)|\bcommand\b.*\b(in|on|inside) (the )?pod\b|"
            r"\boutput (of|from) (running )?(the )?\S+ command\b|"
            r"^(run|execute)\s+[^.]+?\s+(in|inside)\s+(the\s+)?(container|pod)\s",
            h_exec,
        ),
        (
            "attach",
            r"\battach\b|\bstdin\b|\b(connect|hook) (up )?to\b.*\b(terminal|console|output)\b|"
            r"\boutput (of|from) (the )?(running )?(pod|container)\b",
            h_attach,
        ),
        ("set serviceaccount", r"service ?account to\b", h_set_sa),
        # an object asked for by its kind and how it is made: "need a service account x",
        # "bind role x to …", "quota for x: pods=…", "configmap x from file f"
        (
            "create",
            r"\b(?:i|we) (?:need|want) (?:a|an|a new) (?:service ?account|role|role ?binding|cluster ?role|"
            r"(?:resource )?quota|config ?map|secret|namespace|cron ?job)\b|^(?:need|want) (?:a|an|a new) "
            r"(?:service ?account|role ?binding|role|(?:resource )?quota|config ?map|secret|namespace)\b|"
            r"^bind\b|\bbind (?:the )?(?:cluster ?)?role\b|"
            r"^(?:a |new )?(?:resource ?)?quota\b[^.]*\b[a-z.]+\s*=\s*\d|"
            r"^(?:a |new )?(?:generic )?(?:config ?map|secret)\b[^.]*\bfrom[- ](?:the |an? )?(?:env[- ])?file\b",
            h_create,
        ),
        (
            "rollout",
            r"\brollout\b|roll out|\broll ?back\b|\bundo\b|rolling (restart|update)|\brestart\b|"
            r"\b(rollout|deployment|revision) history\b|\bhistory of\b|\bpaused?\b|\bresumed?\b|\bunpause\b|"
            r"\bbounce\b|\bredeploy\b|\brolled out\b|\brevert\b.*\b(rev|revision)\b|"
            r"\broll\s+\S+\s+back\b|\b(details?|info|contents?) (of|for|on|about) (rev|revision) \d+|\brevision \d+ of\b",
            h_rollout,
        ),
        (
            "cordon",
            r"\buncordon\b|\bmark .* as schedulable\b|\bschedulable again|\bback (in|into) rotation\b|"
            r"\b(allow|resume|re-?enable) scheduling\b",
            h_node("uncordon"),
        ),
        (
            "cordon",
            r"\bcordon\b|unschedulable|\bout of rotation\b|\b(stop|no more|disable|prevent) (new )?(scheduling|pods)\b|"
            r"\bstop getting new pods\b",
            h_node("cordon"),
        ),
        ("drain", r"\bdrain\b", h_node("drain")),
        ("taint", r"\btaint|\buntaint", h_taint),
        (
            "set env",
            r"environment variables?|\benv(ironment)? var(iable)?s?\b|\bset env\b|(?<![.\w])env\b(?![=-]|\s+file)",
            h_set_env,
        ),
        (
            "set image",
            r"\b(set|update|change|upgrade|bump|switch)\b[^.]*\bimages?\b|\bimages? of all containers|"
            r"\bwrong image|\bnew image|"
            # "update web container app to app:1.2": an image reference given to a container
            r"\b(set|update|change|upgrade|bump|switch|move)\b[^.]*\bcontainer\s+\S+\s+to\s+[\w./-]+[:@]\S+",
            h_set_image,
        ),
        ("annotate", r"annotat", h_annotate),
        ("label", _LABEL_VERB, h_label),
        (
            "scale",
            r"\bscale\b|\bresize\b|\b\d+ (replicas|instances|copies)\b|\breplicas? (of|for)\b.*\bto \d+",
            h_scale,
        ),
        ("expose", r"\bexpose\b(?! (port|traffic))|(create|make) a service for", h_expose),
        ("edit", r"^edit\b|\bedit (the|a|an|deployment|service|svc|pod|configmap)\b", h_edit),
        ("events", r"\bevents\b", h_events),
        (
            "create",
            r"^(create|make|generate|add|set up|spin up|deploy(?!\s*$|\s+(?:in|from|across|for|-n)\b)|new|request)\b|without creating|yaml for a new|\b(create|make|generate)\b|"
            r"start a single instance|^start (a|an|one) \S+$",
            h_create,
        ),
        ("run", r"^(run|start|launch|spin up)\b|\b(run|start|launch) (a|an|one) ", h_run),
        (
            "delete",
            r"\b(delete|remove|rm|kill|destroy|erase|terminate|get rid of|evict|wipe|nuke|purge|clean ?up)\b",
            h_delete,
        ),
        (
            "describe",
            r"\bdescribe\b|(?<!more )(?<!with )(?<!additional )\bdetails?\b|\bdetailed\b|\binspect\b|tell me (more )?about|what('?s| is) wrong|\bbroken\b|\bunhealthy\b|not working|"
            r"why is",
            h_describe,
        ),
        (
            "get",
            r"\b(get|list|show|display|print|view|see|fetch|find|which|what|check|watch|are there|how many|"
            r"give me|all|ls|enumerate|output)\b|\bimages running\b",
            h_get,
        ),
    ]
    if (
        re.search(r"^(update|set|change|give)\b", low)
        and re.search(r"(?<![\w-])[A-Z][A-Z0-9_]*=\S", req.text)
        and not re.search(r"label|annotat|taint|image", low)
    ):
        return "set env", h_set_env, 0.9
    removed = re.search(
        r"\b(?:delete|remove|drop|kill|destroy|evict|purge)\s+(?:(?:all|the|every|any)\s+)*([a-z]+)", low
    )
    removes_objects = bool(removed and req.table.get(removed.group(1)))
    for name, pattern, handler in table:
        if name in ("label", "annotate") and removes_objects:
            continue  # "remove all pods with label x=y": the pods go, the label is how they are chosen
        if (
            name in ("label", "annotate")
            and selector_use
            and not re.search(r"\b(add|put|set|update|change|remove|drop|overwrite)\b", low)
        ):
            continue
        if (
            name == "label"
            and re.search(r"\b(show|display|print|list|get)\b[^.]*\blabels?\b", low)
            and not re.search(r"\b(add|update|change|remove|set)\b", low)
        ):
            continue
        if name == "taint" and re.search(
            r"\b(view|show|list|display|existing|see|get|print)\b[^.]*\btaints\b", low
        ):
            continue
        if name == "scale" and re.search(r"^(create|make|run|start|launch|deploy|new|generate)\b", low):
            continue
        if name == "rollout" and re.search(r"sort(ed)? by restart|\bby restart|restart count", low):
            continue
        if (
            name == "rollout"
            and re.search(r"^(create|make|run|start)\b", low)
            and not re.search(r"\brestart\b", low)
        ):
            continue
        if name == "create" and re.search(r"\bservice for\b", low):
            return "expose", h_expose, 0.9
        if has(pattern):
            req.cues = pattern
            return name, handler, 0.9
    if resources(req):
        return "get", h_get, 0.6
    if (
        re.match(r"(?:is|are|was|has|did|does)\b", low)
        and re.search(_POD_STATE, low)
        and _name_like_token(req)
    ):
        return "get", h_pod_state, 0.8
    return "none", None, 0.0


# A state only a pod has: "is web-7 running?", "has api-2 crashed?" name a pod without the type
_POD_STATE = (
    r"\b(?:running|up|ready|healthy|alive|crash\w*|restart\w*|pending|started|dead|ok|okay|"
    r"stuck|failing|failed|terminated|terminating|evicted|oomkilled|scheduled)\b"
)


def h_pod_state(req: Req) -> Intent:
    """A yes/no question about a named object's state is a read of that object."""
    it = Intent(verb="get", resource="pods", names=[_name_like_token(req)])
    common(req, it, sel=False, out=False)
    return it
