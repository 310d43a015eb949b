"""Slot readers that depend only on the shape of the sentence, not on a list of known values.

A namespace is recognised by its cue, whatever it is called: "-n X", "--namespace X",
"namespace X", "ns X", "(ns: X)", "the X namespace", "X ns", "X/name", and the weaker
"in X", "from X", "under X", "within X" at any position. Strong cues name the namespace
outright; a weak one may instead be the object ("a shell in web-1"), and the verb decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .coverage import REASON_WORDS

# What node names look like ("worker-3", "gpu-node-a", "cp-1"): "pods on X" with such an X is
# where they run, not where they are.
NODE_SHAPED = re.compile(r"\d|node|worker|master|control-?plane|minion|agent")
# Kubernetes namespace names are DNS labels: lower case, digits and dashes.
NS_NAME = re.compile(r"^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$")
_TOKEN = r"""['"]?([a-z0-9][-a-z0-9]*)['"]?"""
# English words that follow "in"/"from"/"under" without being a place (beyond the parser's
# own filler words, which the caller's `is_word` covers).
NOT_A_PLACE = {
    "addition",
    "ascending",
    "background",
    "bash",
    "brief",
    "case",
    "cron",
    "days",
    "descending",
    "detail",
    "directory",
    "error",
    "errors",
    "files",
    "folder",
    "foreground",
    "front",
    "full",
    "general",
    "hours",
    "k8s",
    "kubectl",
    "kubernetes",
    "minutes",
    "namespace",
    "namespaces",
    "ns",
    "order",
    "parallel",
    "particular",
    "past",
    "path",
    "phase",
    "place",
    "prefix",
    "progress",
    "real",
    "realtime",
    "reverse",
    "seconds",
    "sh",
    "shell",
    "short",
    "state",
    "stdin",
    "stdout",
    "rotation",
    "wide",
    "watch",
    "follow",
    "force",
    "name",
    "names",
    "advance",
    "preparation",
    "literal",
    "literals",
    "cluster-wide",
    "clusterwide",
    "stderr",
    "optional",
    "required",
    "yaml",
    "json",
    "sync",
    "table",
    "terminal",
    "their",
    "time",
    "total",
    "trouble",
    "two",
}
# Plain words after "for" that say why or when, not where.
_NOT_AFTER_FOR = {
    "now",
    "later",
    "good",
    "example",
    "instance",
    "sure",
    "real",
    "review",
    "reference",
    "today",
    "tonight",
    "tomorrow",
    "debugging",
    "testing",
    "safety",
    "free",
    "ever",
    "once",
    "reasons",
    "me",
    "us",
    "them",
    "him",
    "her",
    "everyone",
    "anyone",
    "while",
    "details",
    "more",
    "sale",
}
# Words after a weak cue's value that show it is something else ("in the sidecar container").
_NOT_NS_AFTER = re.compile(
    r"^\s*(?:(?:from|of|in|inside)\s+(?:the\s+|a\s+)?(?:pod|container)s?\b|container|containers|node|nodes|file|files|directory|dir|folder|path|column|columns|format|"
    r"order|mode|state|status|phase|image|port|label|labels|field|key|value|cluster|context|output|format|"
    r"version|api|group|style|form|way|fashion|manner|seconds?|minutes?|hours?|days?)\b",
    re.I,
)
# What may follow a place named by a weak cue: the end of the phrase or a function word.
_PHRASE_END = re.compile(
    # a key=value or a flag after the place: "label web in shop tier=gold", "… in shop --watch"
    r"^(?:\s*$|\s*[,.;:!?()]|\s*(?:→|->|=>)|\s+[-–—]+\s|\s+[\w./-]+=|\s+--?[a-z]|\s+(?:-|to|and|with|by|sorted|ordered|that|which|where|whose|please|now|down|up|"
    r"as|on|for|using|showing|but|then|so|including|except|without|only|too|also|quickly|immediately|asap|"
    r"right|if|labell?ed|having|matching|in|from|under|is|are|was|has|have|too|again|first|instead|while|"
    r"namespace|ns|cluster-wide|"
    # a predicate after the place: "web in shop looks off", "the job in ci keeps failing"
    r"looks?|seems?|keeps?|needs?|appears?|isn't|won't|doesn't|can't|broke|crashed|failed|died|went|stopped|"
    # a state asked about: "is the job in ci suspended?", "the db in data ready?"
    r"suspended|ready|up|done|healthy|running|fully|ok|okay|available|still|yet|rolled|finished|complete|"
    r"completes|finishes|becomes|turns|max|timeout|"
    r"exists?|yaml|json|wide|pls|"
    # "did job x in ci succeed?", "is pvc d in db bound?", "has cron c in ops been scheduled?"
    r"succeeds?|bound|been|being|getting|actually|really|currently|ever|all|any|properly|correctly|"
    r"fine|alive|stuck|pending|terminating|crash\w*|restarting|flapping|failing|working|serving|listening|[a-z]+ed|"
    # what a command goes on to say about the object: "web in shop between 2 and 5", "… back to"
    r"between|min|max|back|after|until|limits?|requests?|into|onto|"
    # when: "warnings in shop recently", "… in shop over the last hour"
    r"recently|lately|today|yesterday|overnight|tonight|earlier|this|last|past|over|during|within|"
    # a clause that says why, when or who next: "… in shop because …", "… in shop able to …",
    # "the sa x in shop granting …"
    r"since|because|cause|cuz|along|alongside|together|plus|or|nor|though|although|unless|when|whenever|"
    r"once|till|before|via|through|at|like|able|allowed|permitted|can|could|should|must|will|would|may|"
    r"might|do|does|did|i|we|you|they|it|[a-z]{3,}ing)\b)",
    re.I,
)
# Words that open a request before a colon without naming a place ("note: …", "urgent: …").
_NOT_A_LEAD_NS = {
    "note",
    "fyi",
    "urgent",
    "question",
    "quick",
    "hey",
    "hi",
    "ok",
    "okay",
    "so",
    "also",
    "btw",
    "update",
    "task",
    "todo",
    "help",
    "asap",
    "please",
    "problem",
    "issue",
    "goal",
    "context",
    "cluster",
    "error",
    "warning",
    "info",
    "step",
}
_LEADS = {
    "the",
    "a",
    "an",
    "my",
    "our",
    "this",
    "that",
    "every",
    "all",
    "each",
    "any",
    "same",
    "other",
    "which",
    "own",  # "its own namespace", "their own namespace": whose, not which
    "its",
    "their",
    "your",
    "his",
    "her",
}


@dataclass(frozen=True)
class NsMatch:
    value: str
    start: int  # the value's span
    end: int
    strong: bool  # named as a namespace outright (not just "in X")
    cue_start: int = 0  # the whole phrase, cue words included
    cue_end: int = 0
    slash: bool = False  # written as NAMESPACE/NAME
    tail: bool = False  # a bare word closing the request after a comma: "…, shop"


def find_namespace(
    text: str,
    is_type: Callable[[str], bool],
    is_word: Callable[[str], bool],
    is_filler: Callable[[str], bool] | None = None,
) -> NsMatch | None:
    """The namespace a request names, with the span of its value: the first strong cue, else
    the last weak one.

    `is_type(word)`: the word is a resource type ("pods", "svc"); `is_word(word)`: the word is a
    keyword or filler of the request language, not a name.
    """
    weak: NsMatch | None = None
    for m in namespace_cues(text, is_type, is_word, is_filler):
        if m.strong:
            return m
        weak = m
    return weak


def namespace_cues(
    text: str,
    is_type: Callable[[str], bool],
    is_word: Callable[[str], bool],
    is_filler: Callable[[str], bool] | None = None,
) -> Iterator[NsMatch]:
    """Every phrase of the request that names a namespace: strong cues first (in order of
    certainty), then the weak ones in sentence order, then (only where nothing else named a
    place) a bare name closing the request after a comma or a dash ("pod web-1, shop").
    `is_filler(word)`: a function word (a command word such as "stream" may still name a place
    after "in")."""
    found = False
    for m in _cues(text, is_type, is_word, is_filler):
        found = True
        yield m
    if not found:
        tail = _tail_place(text, is_type, is_word)
        if tail is not None:
            yield tail


# "…, shop" / "… - shop" closing the request (a full stop or "?" may follow)
_TAIL = re.compile(rf"(?:\s*,|\s+[-–—])\s*{_TOKEN}\s*[.!?]*\s*$")


def _tail_place(text: str, is_type: Callable[[str], bool], is_word: Callable[[str], bool]) -> NsMatch | None:
    """A lone name closing the request after a comma is its place ("scale db to 3, shop",
    "logs of pod web-1, shop"), unless it continues a list of names ("delete pods a, b",
    "cordon n1, n2"): after a name it is a place only where a type said in the singular
    introduced that name, so it cannot be a second object."""
    low = text.lower()
    m = _TAIL.search(low)
    if m is None:
        return None
    v = m.group(1)
    typed = text[m.start(1) : m.end(1)]
    if (
        not _valid(v)
        or typed != typed.lower()
        or is_type(v)
        or _words_only(v, is_word)
        or v in NOT_A_PLACE
        or v in _NOT_AFTER_FOR
        or v in _NOT_A_LEAD_NS
        or v in REASON_WORDS
        or _quantity_or_version(v, low)
    ):
        return None
    before = re.findall(r"[^\s,]+", low[: m.start()])
    if not before:
        return None  # "…, shop" with nothing before it is not a request about shop's objects
    last = before[-1].strip("'\"()")
    valued = (
        "=" in last
        or "/" in last
        or re.fullmatch(r"[\d.]+[a-z%]{0,3}", last)
        or is_type(last)
        or is_word(last)
    )
    if not valued:
        # a name: "deployment web, shop" is a place; "restart web, api" / "pods a, b" a list
        prev = before[-2].strip("'\"()") if len(before) > 1 else ""
        if not (is_type(prev) and not _plural_type(prev, is_type)):
            return None
        if re.search(r",\s*[^\s,]+\s*$", low[: m.start()]):
            return None  # "pod a, b, c": already a list
    return NsMatch(v, m.start(1), m.end(1), False, m.start(), m.end(), tail=True)


def _plural_type(w: str, is_type: Callable[[str], bool]) -> bool:
    """'pods', 'deploys', 'ingresses': a type said in the plural (its singular is a type too)."""
    return w.endswith("s") and (is_type(w[:-1]) or (w.endswith("es") and is_type(w[:-2])))


def _cues(
    text: str,
    is_type: Callable[[str], bool],
    is_word: Callable[[str], bool],
    is_filler: Callable[[str], bool] | None = None,
) -> Iterator[NsMatch]:
    low = text.lower()
    is_filler = is_filler or is_word

    def ok(m: re.Match) -> bool:
        # as typed: "CrashLoopBackOff" is a state, never a namespace (those are lower case)
        typed = text[m.start(1) : m.end(1)]
        return _valid(m.group(1)) and typed == typed.lower()

    for m in re.finditer(
        rf"(?:\b(?:in|from|within|under|of|for|to|into|inside|the)\s+)(?:the\s+)?{_TOKEN}\s+(?:namespace|ns)\b",
        low,
    ):
        v = m.group(1)
        if ok(m) and v not in _LEADS and not _not_a_named_place(v) and not _is_object(low, m.start(1), True):
            yield NsMatch(v, m.start(1), m.end(1), True, m.start(), m.end())
    for i, pat in enumerate(
        (
            rf"(?:^|\s|\()(?:-n|--namespace)(?:=|\s+){_TOKEN}",
            rf"[(\[]\s*(?:ns|namespace)(?:\s*[:=]\s*|\s+){_TOKEN}\s*[)\]]",  # "(ns: x)", never "(nsb)"
            rf"[(\[]\s*{_TOKEN}\s+(?:ns|namespace)\s*[)\]]",  # "(x ns)"
            rf"\b(?:namespace|ns)\s*[:=]\s*{_TOKEN}",
            rf"\b(?:namespace|ns)\s+(?:called\s+|named\s+|of\s+)?{_TOKEN}",
        )
    ):
        for m in re.finditer(pat, low):
            v = m.group(1)
            if ":" in m.group(0) and is_type(v) and re.search(r"\w\s+$", low[: m.start()]):
                continue  # "shop ns: statefulset db …": the word before the cue is the place
            if _named_before(low[: m.start()], is_word):
                continue  # "the shop namespace needs …": the place was named before the cue word
            # a word of the request language is the name where the cue leaves no doubt ("-n top",
            # "(ns: logs)", "(logs ns)"), or after "namespace" said as a place closing its phrase ("pods in
            # namespace events", "…, namespace deploy"); "ns: annotate …" opens a task, and
            # "namespace labels" may be what is shown
            # a quoted word after the cue is a name the user set apart ("namespace 'watch'")
            quoted = (
                low[m.start(1) - 1 : m.start(1)] in ("'", '"')
                and low[m.end(1) : m.end(1) + 1] == low[m.start(1) - 1]
            )
            named = not _words_only(v, is_word) or (
                not _not_a_named_place(v)
                and (
                    i < 3
                    or quoted
                    or (
                        v not in _NOT_A_CLOSING_PLACE
                        and re.search(
                            r"(?:^|[,;(]|\b(?:in|from|within|under|inside|into|to))\s*(?:the\s+)?$",
                            low[: m.start()],
                        )
                        and _PHRASE_END.match(low[m.end() :])
                    )
                )
            )
            if ok(m) and named and not _is_object(low, m.start(1)):
                yield NsMatch(v, m.start(1), m.end(1), True, m.start(), m.end())
    m = re.match(rf"\s*{_TOKEN}\s*:\s+\S", low)
    # "cleanup: delete configmap x in shop": an explicit place closing the request makes the
    # opening word a label of the task, not a second place
    placed_at_end = re.search(rf"\s(?:in|-n|--namespace)\s+{_TOKEN}\s*[.!?]*\s*$", low) or (
        m
        and re.search(rf"(?:^|\s)(?:namespace\s*=|ns\s*=|-n\s+|--namespace[=\s])\s*{_TOKEN}", low[m.end() :])
    )
    if m and ok(m) and m.group(1) not in _NOT_A_LEAD_NS and not is_type(m.group(1)) and not placed_at_end:
        # "shop: restart web": a lower-case label before a colon opens the request with its place
        if not _words_only(m.group(1), is_word):
            yield NsMatch(m.group(1), m.start(1), m.end(1), True, m.start(1), m.end(1))
    for m in re.finditer(rf"(?:^|[\s(]){_TOKEN}\s+(?:namespace|ns)\b", low):
        v = m.group(1)
        # a type word is the namespace's name only where no verb can act on it: "jobs namespace: …"
        typed_ok = not is_type(v) or m.start(1) == 0
        # a command word is the name where the phrase opens the request: "stream ns: …"
        heading = m.start(1) == 0 and re.match(r"\s+(?:namespace|ns)\s*(?:[:,—–-]|$)", low[m.end(1) :])
        named = not _words_only(v, is_word) or (heading and not is_filler(v))
        if ok(m) and v not in _LEADS and typed_ok and named:
            if _is_object(low, m.start(1), True):
                continue
            yield NsMatch(v, m.start(1), m.end(1), True, m.start(), m.end())
    m = re.search(r"(?<![\w./:@-])([a-z0-9][-a-z0-9]*)/([a-z0-9][-a-z0-9.]*)(?![\w/:@-])", low)
    if (
        m
        and _valid(m.group(1))
        and (not is_type(m.group(1)) or _type_before(low[: m.start()], is_type))
        and not re.search(r"\bimages?\b|\bfiles?\b|/", low[: m.start()] + low[m.end() :])
        and _next_to_type(low, m.start(), m.end(), is_type)
    ):
        yield NsMatch(m.group(1), m.start(1), m.end(1) + 1, True, m.start(1), m.end(1) + 1, slash=True)
    m = re.match(rf"\s*{_TOKEN}\s*(?:→|->|=>|>|»)\s*\S", low)
    if m and ok(m) and not is_type(m.group(1)) and not is_filler(m.group(1)):
        # "shop → pods → wide": a path that opens with the place
        yield NsMatch(m.group(1), m.start(1), m.end(1), True, m.start(1), m.end(1))
    for m in re.finditer(rf"(?<=[\w.?!-])\s*\(\s*{_TOKEN}\s*\)", low):
        # "deployment web (shop)", "web-1 (shop) is stuck", "did web roll out? (shop)": one
        # lower-case word in brackets right after the object's name or the question is its namespace
        v = m.group(1)
        if ok(m) and not is_type(v) and not is_filler(v) and v not in _NOT_A_LEAD_NS and v not in NOT_A_PLACE:
            yield NsMatch(v, m.start(1), m.end(1), True, m.start(), m.end())
    for m in re.finditer(
        rf"\b(?:in|from|under|within|inside|for)\s+(?:the\s+)?{_TOKEN}(?=[\s,.;:!?)]|$)", low
    ):
        v = m.group(1)
        after = low[m.end() :]
        cue = m.group(0).split()[0]
        if re.match(r"\.\w", after):
            continue  # "in old.yaml", "from api.example.com": a file or a host, not a place
        if v in REASON_WORDS:
            continue  # "pods in crashloopbackoff", "stuck in pending": a state, not a place
        if cue == "from" and re.search(
            r"\b(?:someone|somebody|anyone|anybody|people|folks|person|team)\s+$", low[: m.start()]
        ):
            continue  # "or should I ask somebody from ops": who, not where
        if cue == "for" and (
            is_type(v)
            or is_word(v)
            or v in _NOT_AFTER_FOR
            or v in REASON_WORDS
            or not _PHRASE_END.match(after)
        ):
            continue  # "for pod web", "for now": only a plain name closing its phrase is a place
        if cue == "in" and _names_the_objects_place(low, m, is_type, is_word):
            yield NsMatch(v, m.start(1), m.end(1), False, m.start(), m.end())
            continue
        if cue == "in" and _words_only(v, is_word) and not is_filler(v) and v not in NOT_A_PLACE:
            # "pods in stream", "logs in watch": a command word closing its phrase after 'in'
            # is a place; "in stream mode" and the like are caught by the words after it
            if (
                ok(m)
                and not _NOT_NS_AFTER.match(after)
                and re.match(r"\s*(?:$|[,.;:!?)]|(?:and|with|but|too|please|pls|now)\b)", after)
            ):
                yield NsMatch(v, m.start(1), m.end(1), False, m.start(), m.end())
            continue
        # "in shop, restart web" / "in shop restart web": a place that opens the request
        opening = m.start() == len(low) - len(low.lstrip())
        if not ok(m) or v in NOT_A_PLACE or _NOT_NS_AFTER.match(after) or _quantity_or_version(v, low):
            continue
        if is_type(v):
            # "pods in services", "web in jobs": a type word is a place only when the request
            # names what it acts on elsewhere (another type, or an object right before the cue)
            rest = low[: m.start()] + " " + after
            # the word right before the cue; a word of a path ("ls /srv inside pod x") is no object
            prev = re.findall(r"(?<![/\w.-])([a-z0-9][-a-z0-9]*)\s+$", low[: m.start()])
            if not _type_before(rest, is_type) and not (
                prev and not is_word(prev[-1]) and not is_type(prev[-1])
            ):
                continue
        elif _words_only(v, is_word):
            continue
        if re.search(
            r"(?<![\w.-])(?:image|container|env|variable|port|file|command|value|key|line|field)s?\s*$",  # "leaf-key", "tls.key"
            low[: m.start()],
        ):
            continue  # "the image in web": a part of an object, not a place
        if re.match(r"\w+\s+the\s", low[m.start() :]) and v.isalpha():
            continue  # "in the project", "in the pod": a noun phrase; places are "in the X namespace"
        prev = re.findall(r"[a-z0-9][-a-z0-9]*", low[: m.start()])[-2:]
        # "the web service in shop point …", "deployment web in shop resource requests …"
        after_type = cue == "in" and (
            (bool(prev) and is_type(prev[-1]))
            or (len(prev) == 2 and is_type(prev[0]) and not is_word(prev[1]) and not is_type(prev[1]))
        )
        if not opening and not after_type and not _PHRASE_END.match(after):
            continue  # "from literal values", "in ps output": X starts a longer noun phrase
        yield NsMatch(v, m.start(1), m.end(1), False, m.start(), m.end())
    yield from _on_place(low, is_type, is_word)


# Words after "in" that say how or when even right after an object's name ("web-1 in bash").
_MANNER_AFTER_OBJECT = {
    "namespace", "namespaces", "ns", "k8s", "kubectl", "kubernetes", "bash", "sh", "shell",
    "background", "foreground", "parallel", "detail", "full", "brief", "short", "wide", "order",
    "reverse", "real", "realtime", "days", "hours", "minutes", "seconds", "progress", "advance",
    "preparation", "general", "particular", "past", "addition", "case", "front", "ascending",
    "descending", "stdin", "stdout", "cron", "force", "follow", "watch", "state", "phase",
}  # fmt: skip


def _names_the_objects_place(
    low: str, m: re.Match, is_type: Callable[[str], bool], is_word: Callable[[str], bool]
) -> bool:
    """'… shell on cache-2 in folder': a common noun closing the request right after an object's
    name (one with a digit or a dash, so no word) is where that object lives."""
    v = m.group(1)
    if v not in NOT_A_PLACE or v in _MANNER_AFTER_OBJECT or not v.isalpha():
        return False
    if not re.match(r"\s*[.!?]*\s*$", low[m.end() :]):
        return False
    prev = re.findall(r"(?<![/\w.-])([a-z0-9][-a-z0-9]*)\s+$", low[: m.start()])
    return (
        bool(prev)
        and bool(re.search(r"[-0-9]", prev[-1]))
        and not is_word(prev[-1])
        and not is_type(prev[-1])
    )


def _on_place(low: str, is_type: Callable[[str], bool], is_word: Callable[[str], bool]) -> Iterator[NsMatch]:
    """'sts on shop', 'which pods on shop are pending', 'deploy web on shop': after the objects
    (a type, or a type and a name), 'on' and a plain name that is not node-shaped is their place."""
    for m in re.finditer(rf"\bon\s+{_TOKEN}(?=[\s,.;:!?)]|$)", low):
        v = m.group(1)
        before = re.findall(r"[a-z0-9][-a-z0-9]*", low[: m.start()])
        after_objects = bool(before) and (
            is_type(before[-1]) or (len(before) > 1 and is_type(before[-2]) and not is_word(before[-1]))
        )
        after = low[m.end() :]
        if (
            after_objects
            and _valid(v)
            and not NODE_SHAPED.search(v)
            and not is_type(v)
            and not is_word(v)
            and v not in NOT_A_PLACE
            and v not in REASON_WORDS
            and _PHRASE_END.match(after)
            and not _NOT_NS_AFTER.match(after)
        ):
            yield NsMatch(v, m.start(1), m.end(1), False, m.start(), m.end())


def _named_before(before: str, is_word: Callable[[str], bool]) -> bool:
    """'the shop namespace', 'in the shop ns': a name said right before the cue word is the place,
    so the word after it ("… namespace needs a quota") is not a second one."""
    m = re.search(rf"\b(?:the|in|from|within|under|inside)\s+(?:the\s+)?{_TOKEN}\s+$", before)
    return m is not None and m.group(1) not in _LEADS and _valid(m.group(1)) and not is_word(m.group(1))


def _next_to_type(low: str, start: int, end: int, is_type: Callable[[str], bool]) -> bool:
    """'pod shop/api-1', 'the shop/db statefulset': an X/Y pair is NAMESPACE/NAME only beside a
    type word ("cpu/memory", "stdout/stderr" are pairs of words)."""
    before = re.findall(r"[a-z0-9][-a-z0-9]*", low[:start])[-2:]
    after = re.findall(r"[a-z0-9][-a-z0-9]*", low[end:])[:1]
    before = [w for w in before if w not in ("the", "a", "an")][-1:]
    return any(is_type(w) for w in before + after)


def _quantity_or_version(v: str, low: str) -> bool:
    """'in 30s', 'in 512mi'; 'in v1' where the request talks about API versions."""
    if re.fullmatch(r"\d+[a-z]{0,3}", v):
        return True
    return bool(
        re.fullmatch(r"v\d+(?:(?:alpha|beta)\d*)?", v) and re.search(r"\b(api|version|explain|group)", low)
    )


def _valid(v: str) -> bool:
    """A DNS label that is not just a number."""
    return bool(NS_NAME.match(v)) and not v.isdigit()


# Words before "namespace" that say which one without naming it ("the current namespace").
_UNNAMED_NS = {
    "current",
    "given",
    "same",
    "right",
    "wrong",
    "new",
    "whole",
    "entire",
    "target",
    "other",
    "old",
}


# Words closing "…, namespace X" that say when or how, not which ("…, namespace now").
_NOT_A_CLOSING_PLACE = {"now", "later", "today", "tonight", "please", "pls", "too", "again", "then"}


def _not_a_named_place(v: str) -> bool:
    """After a cue that says "namespace" outright, any name is the place, keywords and verbs
    included ("the watch namespace", "-n get"); only words that pick a namespace without naming
    it are not ("the current namespace", "in that namespace")."""
    return v in _UNNAMED_NS or v in _LEADS or v in ("a", "an", "any", "some", "no", "one")


def _words_only(v: str, is_word: Callable[[str], bool]) -> bool:
    return v != "default" and is_word(v)


_ACT_ON = (
    r"\b(create|make|add|delete|remove|describe|drop|destroy|get|show|edit|label|annotate|inspect|new)\s+"
)


def _is_object(low: str, start: int, word_after: bool = False) -> bool:
    """'create namespace x', 'delete the x namespace': the namespace is the object itself."""
    before = low[:start]
    if re.search(r"\b(?:labels?|annotations?)\s+(?:on|of|for)\s+(?:the\s+)?(?:namespace|ns)\s+$", before):
        return True  # "a team label on ns x": the namespace carries the label
    if word_after:
        return bool(re.search(_ACT_ON + r"(?:a\s+|an\s+|the\s+|new\s+)*$", before))
    return bool(
        re.search(
            _ACT_ON + r"(?:a\s+|an\s+|the\s+|new\s+)*(?:namespace|ns)\s+(?:called\s+|named\s+)?$", before
        )
    )


def _type_before(before: str, is_type: Callable[[str], bool]) -> bool:
    return any(is_type(w) for w in re.findall(r"[a-z]+", before))


__all__ = ["NsMatch", "NS_NAME", "find_namespace"]
