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
    at_verb = True  # the request, or a clause of it, opens here: a verb's place
    last = 0

    def sub(m: re.Match) -> str:
        nonlocal at_verb, last
        s, e = m.start(), m.end()
        if _CLAUSE_BREAK.search(chunk[last:s]):
            at_verb = True
        last = e
        # part of a bigger token (my-pod, app=web, v1.2): a name, not a keyword
        if (s > 0 and chunk[s - 1] in "-_./=:@0123456789") or (
            e < len(chunk) and chunk[e] in "-_/=:@0123456789"
        ):
            at_verb = False
            return m.group(0)
        word = m.group(0)
        if at_verb and word.lower() not in _VERB_LEADS:
            at_verb = False
            # a word before a verb modifies it ("auto scale"): only the verb's own place is read
            after = _WORD.match(chunk, e + 1) if chunk[e : e + 1] == " " else None
            fixed = word if after and after.group(0).lower() in _verb_words() else _fix_verb(word)
            if fixed != word:
                return fixed
        elif word.lower() in ("then", "and"):
            at_verb = True
        return _fix_word(word)

    return _WORD.sub(sub, chunk)


# Words that may stand before a verb ("please", "can you", "go ahead and", "then").
_VERB_LEADS = frozenset(
    "please pls plz kindly just now then and also can could would will you u go ahead i we want need to "
    "let lets us quickly ok okay so hey hi".split()
)
_CLAUSE_BREAK = re.compile(r"[,.;:!?]")
# kubectl's verbs that a slip of an everyday word must not become ("auto" is no "auth").
_NOT_TYPED_FOR = frozenset(
    "auth config options help plugin kuberc kustomize completion version diff certificate debug "
    "api-resources api-versions cluster-info port-forward".split()
)
# Other words that ask for a verb, beside kubectl's own verb names: each with whether it changes.
_VERB_SYNONYMS = {
    **dict.fromkeys(("list", "show", "display", "check", "watch", "view", "print", "fetch", "tail"), False),
    **dict.fromkeys(
        ("remove", "restart", "bounce", "redeploy", "destroy", "terminate", "evict", "resize"), True
    ),
}


@lru_cache(maxsize=1)
def _verb_words() -> dict[str, bool]:
    """Each verb word (kubectl's verbs and their synonyms) with whether it changes the cluster."""
    from .. import verbs
    from ..safety.risk import Risk

    words = {s.name: s.risk is not Risk.READ for s in verbs.all_specs() if s.name not in _NOT_TYPED_FOR}
    return {**words, **_VERB_SYNONYMS}


@lru_cache(maxsize=4096)
def _fix_verb(word: str) -> str:
    """A slip of a verb at a verb's place ("delet", "restrat", "attch"): two neighbouring letters
    swapped, or one letter dropped or doubled (the last one dropped too: "delet"). Only words of
    four letters or more, never a changed letter ("last" is no "list"), never a longer word that
    starts with a verb ("deleted", "drains"); a slip as close to a read as to a change is no change."""
    low = word.lower()
    known = _verb_words()
    if len(low) < 4 or low in known or low in _VOCAB_SET or low in TYPOS:
        return word
    close = [v for v in known if not low.startswith(v) and _slip(low, v)]
    # two verbs one slip away (a read among them, or not): the word stays as typed
    return close[0] if len(close) == 1 else word


def _slip(word: str, verb: str) -> bool:
    if len(word) == len(verb):
        return _is_typo(word, verb)
    if len(word) == len(verb) - 1:  # a letter dropped, the last one too
        return any(verb[:i] + verb[i + 1 :] == word for i in range(1, len(verb)))
    if len(word) == len(verb) + 1:  # a letter doubled or slipped in, inside the word
        return any(word[:i] + word[i + 1 :] == verb for i in range(1, len(word) - 1))
    return False


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
