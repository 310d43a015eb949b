"""How the rule parser reads a request: the request object its readers share (`Req`), the word
lists that are never names (STOP, KEYWORDS), the text as parsed (typos repaired, lead-ins dropped,
spoken numbers as digits, "no wait, 7" corrections applied) and the namespace said in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .coverage import FILLER
from .resources import ResourceTable, ResourceType, close_type
from .slots import NsMatch, find_namespace
from .text import NUMBER_WORDS, clean, drop_ticket, mask_quotes, repair

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


class Clarify(Exception):
    def __init__(self, question: str):
        super().__init__(question)
        self.question = question


# "after the drain", "since the last restart": an event named as a time is no verb asked for
EVENT_AS_TIME = re.compile(
    r"\b(?:after|before|during|since|following|ahead of|until)\s+(?:the|a|an|our|my|this|that|its|their)\s+"
    r"(?:last\s+|recent\s+|latest\s+|big\s+|new\s+)?[a-z]+\b(?!\s*[-=/])"
    r"|\bwhile\s+(?:i|we|you|they|someone)\s+[a-z]+\b"
    # "before we restart anything, …", "once i roll back, …": a change someone will make is the
    # time of this request, not its verb
    r"|\b(?:before|after|once|until|when)\s+(?:i|we|you|they|someone)(?:'ll| will| can)?\s+[a-z]+(?:\s+(?:back|out|up|down))?\b"
)


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
        """Whether a keyword cue is said: never by a part of a joined name ("web-all",
        "log-follow-1", "force.sync"), only by words of their own or a match spanning the joint."""
        return said(self.low, pattern)

    def find(self, pattern: str, flags: int = re.I) -> re.Match | None:
        return re.search(pattern, self.text, flags)

    def findall(self, pattern: str) -> list[re.Match]:
        return list(re.finditer(pattern, self.text, re.I))

    def value(self, pattern: str) -> str | None:
        m = self.find(pattern)
        return clean(m.group(1)) if m else None


def said(low: str, pattern: str) -> bool:
    """Whether a keyword cue is said in low by words of their own, never by a part of a joined name."""
    return any(not inside_name(low, m.start(), m.end()) for m in re.finditer(pattern, low))


def inside_name(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a part of a name joined by '-' or '.' (a word character on the
    other side of the joint): "all" in "web-all", "follow" in "log-follow-1"."""
    if start == end:
        return False
    token = max(text.rfind(" ", 0, start), text.rfind("\t", 0, start)) + 1
    if text.startswith("-", token):
        return False  # a flag typed out ("--delete-emptydir-data") is read by its words
    before = start >= 2 and text[start - 1] in "-." and (text[start - 2].isalnum() or text[start - 2] == "_")
    after = end + 1 < len(text) and text[end] in "-." and (text[end + 1].isalnum() or text[end + 1] == "_")
    return (before and text[start].isalnum()) or (after and text[end - 1].isalnum())


@dataclass
class RMatch:
    start: int
    end: int
    type: ResourceType
    word: str


def read_text(request: str, table: ResourceTable) -> str:
    """The request as the parser reads it: typos repaired, lead-ins dropped, corrections applied."""
    text = repair(drop_ticket(_unshout(" ".join(request.split()))))
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
    return apply_corrections(_number_words(text), table)


def _unshout(text: str) -> str:
    """'RESTART WEB IN SHOP': a request typed in capitals reads as the same request in lower case
    (names and places are lower case in Kubernetes); quoted text, KEY=value pairs and words with
    '_' (environment variable names) keep their case."""
    masked = mask_quotes(text)
    if re.search(r"[a-z]", re.sub(r"'q+'", " ", masked)) or len(re.findall(r"[A-Z]", masked)) < 6:
        return text
    out = list(text)
    for m in re.finditer(r"""(?<![\w'"=])[A-Z0-9][-A-Z0-9./:]*(?![\w'"=])""", masked):
        out[m.start() : m.end()] = text[m.start() : m.end()].lower()  # spans of the masked text line up
    return "".join(out)


def ns_predicates(req: Req):
    return (
        lambda w: w not in NOT_RESOURCE_SHORT and req.table.get(w) is not None,
        is_keyword,
        lambda w: w.lower() in FILLER,
    )


# "make it 5" corrects a value; "make it schedulable again" asks for a state
_STRONG_FIX = (
    r"no,? wait|wait,? no|no sorry|i mean|i meant|meant|make (?:that|it)(?!\s+(?:un)?\w+able\b|\s+(?:so|work|ready))|"
    r"or rather|correction"
)


_WEAK_FIX = r"actually|sorry|rather"  # "has it actually been scheduled?" corrects nothing


# A lone "no" or "wait" after a comma or a dash corrects only when one value follows and closes
# the clause ("scale web to 4, no, 6", "… :1.2.0 - wait, 1.2.1"); "get pods, no restarts" keeps it.
_BARE_FIX = (
    rf"(?:[,;:.!?]+|\s[-–—]+)\s*\b(?:no|nope|wait)\b[,:]?\s*(?:\b(?:{_STRONG_FIX}|{_WEAK_FIX})\b[,:]?\s*)*"
    r"(?=(?:(?:in|to|on|for|-n|namespace|ns)\s+[a-z0-9][\w./:=-]*|[\w./:=-]*[\d=:./][\w./:=-]*)\s*(?:$|[,;!?(]|\.(?:\s|$)))"
)
_CORRECTION = re.compile(
    rf"(?:[,;:.!?]+\s*(?:\b(?:{_STRONG_FIX}|{_WEAK_FIX})\b[,:]?\s*)+"
    rf"|{_BARE_FIX}"
    rf"|\s*(?:\b(?:{_STRONG_FIX})\b[,:]?\s*|\b(?:{_WEAK_FIX}),\s*)(?:\b(?:{_STRONG_FIX}|{_WEAK_FIX})\b[,:]?\s*)*)",
    re.I,
)
# A correction that repeats its cue word ("in shop, no wait, in depot"): the value after the same
# cue before it is the one replaced.
_CUED_FIX = re.compile(r"(in|from|to|for|on|-n|namespace|ns)\s+(\S+)(.*)", re.I | re.S)
# An image tag said alone ("…:2.7 - no, 2.8") replaces the tag of the last image, not the image.
_TAG = re.compile(r"v?\d[\w.-]*")


# What a corrected value looks like: a number, key=value, or a name/image/version.
_VALUE_WORD = re.compile(r"^(?:\d+|[A-Za-z_][\w./-]*=\S*|[A-Za-z0-9][-\w.:/]*[\d:./-][-\w.:/]*)$")


_NUMBER_WORD = re.compile(
    rf"\b(?:(?<=to )|(?<=min )|(?<=max )|(?<=between )|(?<=and ))?({'|'.join(NUMBER_WORDS)})\b"
    # … or before a place: "scale web to zero in shop"
    r"(?=\s+(?:replicas?|pods?|instances?|copies|revisions?)\b|\s*(?:$|[,.;:!?)])|\s+(?:in|on|for|-n)\s)",
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


def _stem(value: str) -> str:
    """'web-1' and 'web-2' are the same make of name: its letters without the digits."""
    return re.sub(r"\d+", "", value.lower())


def apply_corrections(text: str, table: ResourceTable | None = None) -> str:
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
        if re.match(r"(?:i|i'm|im|we|we're|this|that|it|it's|for)\b", after, re.I) and not re.search(
            _STRONG_FIX, m.group(0), re.I
        ):
            text = before  # "…? sorry, I only started here": an apology, not a correction
            continue
        cued = _CUED_FIX.match(after)
        if cued and len(words) > 1:
            olds = list(
                re.finditer(rf"\b{re.escape(cued.group(1))}\s+(?:the\s+)?([a-z0-9][-\w.]*)", before, re.I)
            )
            if olds:
                last = olds[-1]
                value = cued.group(2).rstrip(".!,;")
                text = (before[: last.start(1)] + value + before[last.end(1) :] + " " + cued.group(3)).strip()
                continue
        if len(words) > 1 and not _VALUE_WORD.match(new):
            text = after  # a new request
            continue
        rest = after[len(words[0]) :].strip(" -,")
        tagged = list(re.finditer(r"(?<=[\w/]:)[\w.-]+(?![\w.-])", before))
        if _TAG.fullmatch(new) and not new.isdigit() and tagged:
            last = tagged[-1]
            text = (
                before[: last.start()] + new + before[last.end() :] + (" " + rest if rest else "")
            ).strip()
            continue
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
        # "web-1 in shop, I meant web-2": the value it corrects is the one of the same make
        alike = [o for o in olds if _stem(o.group(1)) == _stem(new) and _stem(new) not in ("", "-")]
        named = [
            o for o in olds if not is_keyword(o.group(1)) and not (table and table.get(o.group(1).lower()))
        ]
        if not alike and shape != r"\d+" and len(named) > 1:
            # "deployment a-1 in shop, no, b-2": the object or the place? kept as said, so the
            # word left over makes it a question
            return (before + " " + after).strip()
        last = (alike or olds)[-1]
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


def is_name(v: str | None) -> bool:
    return bool(v) and NAME_RE.match(v) is not None and v.lower() not in STOP and not v.isdigit()


def ns_match(req: Req) -> NsMatch | None:
    """The namespace phrase (value and span), read once per request."""
    if req.ns is False:
        req.ns = find_namespace(req.text, *ns_predicates(req))
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


def is_keyword(v: str) -> bool:
    return v.lower() in KEYWORDS or v.lower() in STOP
