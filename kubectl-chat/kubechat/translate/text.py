"""Request text helpers for the rule parser: typo repair, quoted spans, value clean-up."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

# Counts written as words ("down to zero replicas"): the parser reads them as digits and the
# grounding gate accepts the digit as said.
NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
# Words people mistype often; checked before the fuzzy vocabulary match.
TYPOS = {
    "teh": "the",
    "shwo": "show",
    "sho": "show",
    "lsit": "list",
    "lst": "list",
    "gte": "get",
    "dleete": "delete",
    "delte": "delete",
    "deleet": "delete",
    "pdos": "pods",
    "psod": "pods",
    "podss": "pods",
    "nodse": "nodes",
    "deploymnet": "deployment",
    "deploymetn": "deployment",
    "depolyment": "deployment",
    "deplyoment": "deployment",
    "deploymnets": "deployments",
    "servcie": "service",
    "sevice": "service",
    "servcies": "services",
    "namespce": "namespace",
    "namepsace": "namespace",
    "namesapce": "namespace",
    "nmaespace": "namespace",
    "descibe": "describe",
    "desribe": "describe",
    "decsribe": "describe",
    "lgos": "logs",
    "logz": "logs",
    "scael": "scale",
    "sacle": "scale",
    "restar": "restart",
    "retsart": "restart",
    "cofnigmap": "configmap",
    "configmpa": "configmap",
    "sercet": "secret",
    "secert": "secret",
    "iamge": "image",
    "imgae": "image",
    "replcias": "replicas",
    "repilcas": "replicas",
    "conatiner": "container",
    "contianer": "container",
    "evnets": "events",
    "evetns": "events",
    "nodees": "nodes",
    "pls": "please",
    "plz": "please",
}
# Keywords worth repairing when a word is close to one of them (names are never touched: they
# contain digits, dashes or dots, or are quoted, or are short).
VOCAB = sorted(
    {
        "show",
        "list",
        "get",
        "display",
        "describe",
        "delete",
        "remove",
        "create",
        "scale",
        "restart",
        "rollout",
        "logs",
        "pods",
        "pod",
        "nodes",
        "node",
        "services",
        "service",
        "deployments",
        "deployment",
        "namespace",
        "namespaces",
        "configmap",
        "configmaps",
        "secret",
        "secrets",
        "replicas",
        "image",
        "container",
        "events",
        "label",
        "labels",
        "annotate",
        "annotation",
        "cordon",
        "uncordon",
        "drain",
        "taint",
        "expose",
        "statefulset",
        "statefulsets",
        "daemonset",
        "daemonsets",
        "replicaset",
        "replicasets",
        "ingress",
        "ingresses",
        "cronjob",
        "cronjobs",
        "jobs",
        "previous",
        "follow",
        "metrics",
        "context",
        "contexts",
        "version",
        "explain",
        "resources",
        "undo",
        "history",
        "status",
        "pause",
        "resume",
        "everything",
        "forward",
        "execute",
        "schedulable",
        "unschedulable",
        "persistent",
        "volumes",
        "serviceaccount",
        "selector",
    }
)
_VOCAB_SET = set(VOCAB)
_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|“[^”]*”|‘[^’]*’")
_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=4096)
def _fix_word(word: str) -> str:
    low = word.lower()
    if low in TYPOS:
        return TYPOS[low]
    if low in _VOCAB_SET or len(low) < 4:
        return word
    for cand in difflib.get_close_matches(low, VOCAB, n=3, cutoff=0.75):
        if _is_typo(low, cand):
            return cand
    return word


def _is_typo(word: str, cand: str) -> bool:
    """Only slips of the finger: swapped letters, or one letter dropped/doubled inside the word.
    Inflections ("namespaced", "versions") and real words ("content") are left alone."""
    if word.startswith(cand) or cand.startswith(word):
        return False
    if len(word) == len(cand):
        diffs = [i for i, (a, b) in enumerate(zip(word, cand, strict=True)) if a != b]
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == cand[diffs[1]]
            and word[diffs[1]] == cand[diffs[0]]
        )
    short, long = sorted((word, cand), key=len)
    if len(long) - len(short) != 1 or len(short) < 4:
        return False
    for i in range(len(long)):
        if long[:i] + long[i + 1 :] == short:
            return 0 < i < len(long) - 1
    return False


def repair(text: str) -> str:
    """Fix common typos in keywords, leaving quoted spans and name-like words alone."""
    out: list[str] = []
    pos = 0
    for m in _QUOTED.finditer(text):
        out.append(_repair_plain(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_repair_plain(text[pos:]))
    return "".join(out)


def _repair_plain(chunk: str) -> str:
    def sub(m: re.Match) -> str:
        s, e = m.start(), m.end()
        # part of a bigger token (my-pod, app=web, v1.2): a name, not a keyword
        if (s > 0 and chunk[s - 1] in "-_./=:@0123456789") or (
            e < len(chunk) and chunk[e] in "-_/=:@0123456789"
        ):
            return m.group(0)
        return _fix_word(m.group(0))

    return _WORD.sub(sub, chunk)


def mask_quotes(text: str) -> str:
    """Replace quoted spans by a neutral word so keywords inside values are not read as intent."""
    return _QUOTED.sub(lambda m: "'" + "q" * max(1, len(m.group(0)) - 2) + "'", text)


def unquote(value: str) -> str:
    v = value.strip()
    while len(v) >= 2 and v[0] in "'\"“‘<`" and v[-1] in "'\"”’>`":
        v = v[1:-1].strip()
    return v


def clean(value: str) -> str:
    """A value as typed, without quotes or trailing sentence punctuation."""
    v = value.strip()
    if v and v[0] in "'\"“‘<" and v[-1] in "'\"”’>":
        return unquote(v)
    return unquote(v.rstrip(".,;:!?)"))


# Ticket references opening a request ("ABC-123:", "[ops-77]", "(SEC-9) -"): a tracker's label,
# nothing kubectl acts on. A bare one must be upper case: "web-1: …" opens with a name.
_TICKET = re.compile(
    r"^(?:\s*(?:[\[(]\s*[A-Za-z][A-Za-z0-9_]*-\d+\s*[\])]|[A-Z][A-Z0-9_]*-\d+\b)\s*(?:[:|,–—-]+(?=\s)|:)?\s*)+"
)


def drop_ticket(text: str) -> str:
    """The request without the ticket references it opens with."""
    return _TICKET.sub("", text)
