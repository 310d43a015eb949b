"""Coverage: which words of a request the command does not account for.

Every content word of a request should either be used by the command (a name, a value, a flag,
the verb or the type it acts on) or be explained as language around it (articles, pronouns,
politeness, urgency, filler). Words left over mean the parser read less than was said:
"create a priority class x that cannot preempt lower pods" → `create priorityclass x` drops
half the request. The caller turns leftovers into lower confidence, and for a write into a
question: a write must account for everything the user said.
"""

from __future__ import annotations

import re

from ..intent import Intent
from .resources import ResourceTable

# Words that carry no slot: function words, pronouns, auxiliaries, politeness, urgency, filler.
FILLER = frozenset(
    """
    i me my mine we us our you your it its own they them their he she this that these those there here
    a an the some any all every each both either neither no not none only just also too very really
    so such is are was were be been being am do does did doing done have has had having will would
    shall should can could may might must please pls plz kindly thanks thank thx ok okay hey hi
    hello quick quickly asap now right away urgent urgently immediately fast soon real
    want wanted need needs needed like let lets go ahead help try time again actually sorry wait
    mean oh well yes yeah of in on at to from for with without by about into onto over under
    within across through via per as than then if when where while and or but nor what which who
    whom whose why how whether else other another same new existing current currently thing things
    stuff something everything anything anywhere along one ones way bit kubectl k8s kubernetes cluster up down out
    off back still yet already named called name make sure one's using use give me get got
    keep keeps kept there's it's its i'm i'd i'll we're don't doesn't
    """.split()
)

# The command language's own nouns and verbs: they name parts of a command, not values.
CUE_WORDS = frozenset(
    """
    container containers key keys value values label labels annotation annotations effect exists
    update add remove removing set create run output local target port ports default first mode
    format file files configuration config single instance names defined open interactive field
    selector type kind object objects resource resources entry entries everything all command
    flag option options version latest previous replicas replica copies instances image images
    variable variables env environment shell terminal session data information info details
    status state yaml json wide list show get describe delete apply patch edit change mark put
    last latest recent earlier newest oldest
    namespace namespaces ns project projects context cluster user group account
    """.split()
)
# Words that give a reason or context for a request rather than a part of the command.
REASON_WORDS = frozenset(
    """
    maintenance preparation prepare stuck broke broken fully wrong crash crashing crashed down failing failed
    issue issues problem problems bug incident outage slow hanging hung purpose on-purpose test
    testing debug debugging investigate investigation troubleshoot weird odd again seems seem
    looks apparently probably maybe bad dead unhealthy healthy
    crashloop crashlooping crashloopbackoff oomkilled evicted terminating unready flapping pending
    """.split()
)
# Words a flag in the command accounts for ("even if" for --force, "exits" for --restart=Never).
FLAG_CUES: dict[str, str] = {
    "filename": r"f|filename|file|manifest|defined|whatever|objects|resources|things|stuff|everything",
    "kustomize": r"k|kustomiz\w*|overlay|dir|directory|folder",
    "force": r"force|even|anyway|regardless|unmanaged|managed",
    "restart": r"exit|restart|once|never|one-?off|finish|complet",
    "stdin": r"interactiv|foreground|terminal|raw|tty|attach|keep|session|console|shell",
    "tty": r"interactiv|foreground|terminal|raw|tty|attach|keep|session|console|shell",
    "port": r"serv|expos|listen|port|traffic|open|access",
    "target-port": r"connect|target|forward|backend|traffic|container",
    "min": r"number|between|least|minimum|pods|from|lower",
    "max": r"number|between|most|maximum|pods|upper|up",
    "cpu": r"cpu|utili[sz]|target|average|percent|load",
    "cpu-percent": r"cpu|utili[sz]|target|average|percent|load",
    "memory": r"memory|utili[sz]|target|average|ram",
    "www": r"static|content|serv|files|director",
    "www-prefix": r"static|prefix|serv|path",
    "api-prefix": r"prefix|root|path|api|chang",
    "verb": r"allow|perform|can|permi|grant|verb|action|able",
    "resource": r"on|resourc|allow",
    "insecure-skip-tls-verify": r"cert|check|tls|verif|insecure|skip|ssl",
    "raw": r"raw|certificate|data|secret|expos|sensitiv|full|unredact",
    "minify": r"minif|only|current|just",
    "overwrite": r"overwrit|replac|chang|exist|updat",
    "interactive": r"confirm|ask|prompt|interactiv|user",
    "all": r"all|every|each",
    "previous": r"previous|prior|before|crash|restart|died|last|old|earlier|terminat",
    "follow": r"follow|stream|live|tail|watch|continu|begin|real",
    "since": r"since|last|past|recent|ago|hour|minute|second|day",
    "tail": r"last|recent|latest|tail|lines|final|end",
    "timestamps": r"timestamp|time",
    "watch": r"watch|live|follow|keep|chang|until",
    "selector": r"label|select|match|tag|where|whose|having",
    "field-selector": r"field|select|phase|status|where|whose|running|pending|failed|succeeded|completed",
    "sort-by": r"sort|order|by|newest|oldest|age|restart|time",
    "show-labels": r"label|tag",
    "containers": r"container|per",
    "dry-run": r"dry|without|yaml|manifest|generat|print|preview|just|test",
    "env": r"env|variabl|set",
    "labels": r"label|tag|set",
    "image": r"image|run|runs|using|from|version|tag",
    "replicas": r"replica|copies|instance|pods|size|count",
    "current-replicas": r"current|size|now|only|if",
    "revision": r"revision|version|rev",
    "type": r"type|nodeport|loadbalancer|clusterip|external|balanc",
    "name": r"name|call",
    "container": r"container|sidecar|main",
    "clusterip": r"headless|none|cluster",
    "tcp": r"port|tcp|serv|listen",
    "from-literal": r"literal|key|value|with|contain|hold|data",
    "for": r"about|for|involv|regarding|concern",
    "types": r"type|warning|normal",
    "recursive": r"recursiv|all|every|field|nested",
    "namespaced": r"namespac|cluster|scope|level",
    "schedule": r"every|minute|hour|day|daily|hourly|nightly|schedul|cron|week|midnight",
    "delete-emptydir-data": r"empty|local|data|storage",
    "ignore-daemonsets": r"ignor|daemon|skip",
    "from": r"from|kick|hand|manual|trigger|once|now|cron",
    "from-file": r"from|file|content",
    "from-env-file": r"from|file|env",
    "role": r"role|bind|grant",
    "clusterrole": r"role|bind|grant|cluster",
    "serviceaccount": r"service|account|bind|robot|bot",
    "user": r"user|bind|person",
    "group": r"group|team|bind",
    "hard": r"quota|hard|limit|cap|max|most",
    "limits": r"limit|cap|max|give|most|mem",
    "requests": r"request|reserv|guarant|give|mem",
    "timeout": r"timeout|give|up|after|most|longer|stop|wait|until",
    "as": r"user|service|account|imperson|as|can|allowed",
    "to-revision": r"revision|version|rev|back",
}
# Words that ask for a read verb (the write verbs' words live in grounding.WRITE_WORDS).
READ_WORDS: dict[str, str] = {
    "get": r"get|list|show|display|print|view|see|fetch|find|giv|check|watch|output|enumerat|tell|what|"
    r"which|exist|look|dump|return|read|how many|are there|count|inspect|status|state",
    "describe": r"describ|detail|inspect|tell|info|why|wrong|broken|stuck|happen|look|explain|show|"
    r"check|status|state|problem|issue|fail|debug",
    "logs": r"log|output|print|said|wrote|show|tail|stream|follow|get|see|view|check|fetch|read|line|"
    r"crash|restart|died|container",
    "events": r"event|happen|show|list|get|see|view|recent",
    "top": r"top|usage|metric|consum|use|using|utili|cpu|memory|resourc|show|get|see|check|heav|most",
    "explain": r"explain|document|doc|field|schema|describ|what|show|get|mean",
    "rollout": r"rollout|roll|status|history|revision|progress|done|finish|complet|deploy|show|check|watch",
    "auth": r"allow|permi|access|can|able|rights|whoami|who|identity|user|check",
    "api-resources": r"api|resourc|type|kind|support|show|list|get|namespaced",
    "api-versions": r"api|version|group|support|show|list|get",
    "version": r"version|client|server|show|get|check|what",
    "cluster-info": r"cluster|info|address|control|plane|master|endpoint|where|show|get|dump|state",
    "config": r"config|kubeconfig|context|cluster|user|show|list|get|view|current|which|what|name|use|"
    r"setting|merg|content",
    # changes whose words are not a kubectl verb
    "create token": r"token|authenticat|apiserver|api|server|login|credential|access",
    "autoscale": r"auto|scal|hpa|between|min|max",
    "proxy": r"prox|api|server|only|entire|whole|expos|access|serv|local|run|start|open|launch",
    "attach": r"attach|output|send|stdout|stderr|client|running|switch|raw|terminal|mode|connect|select",
    "wait": r"wait|until|ready|condition|timeout|complet|deleted|available",
}
# "before the demo", "after the release": when, not what; the command has no slot for it
_TIMING = re.compile(
    r"\b(?:before|after|during|because of|due to|ahead of|for)\s+(?:the|a|an|our|my|this|that|today's|"
    r"tonight's|tomorrow's)\s+[a-z]+(?![\w.:/=-])"
)
# Why and when: a clause opened by because/so/since/as/after/before/while/once/until, the words
# after a dash, a bracketed aside. Its plain words set the scene; a value in it still counts.
_CONTEXT = re.compile(
    r"(?:\b(?:because|so(?! that\b)|so that|since|as(?= (?:i|we|it|they|the|this|that)\b)|after|before|"
    r"while|once|until|tonight|today|tomorrow)\b|\s[—–]\s)[^,;.!?()—–]*|\([^()]*\)"
)
_VALUE = re.compile(r"\d|[-./=:_]|[a-z][A-Z]")


def _values_in(span: str) -> list[str]:
    return [w for w in _WORD.findall(span) if _VALUE.search(w.strip("'.:/-=*()"))]


_CLITICS = {"s", "t", "d", "ll", "re", "ve", "m"}
_WORD = re.compile(r"[A-Za-z0-9][\w.:/'*=-]*")
_ATOM = re.compile(r"[a-z0-9]+")


def _atoms(text: str) -> list[str]:
    return _ATOM.findall(text.lower())


def unexplained(text: str, intent: Intent, table: ResourceTable, cues: str | None = None) -> list[str]:
    """The request's content words the command neither uses nor explains, in order.

    `text` should be the request as the parser read it (typos repaired, self-corrections
    applied); `cues` is a regex of the words that ask for the intent's verb.
    """
    from .grounding import _write_words  # grounding imports this module's caller

    argv = intent.to_argv()
    used: set[str] = set()
    for a in argv:
        used.update(_atoms(a))
    verb_rx = [
        p
        for p in (
            cues,
            _write_words(intent.verb),
            READ_WORDS.get(intent.verb.split()[0]),
            READ_WORDS.get(intent.verb),
        )
        if p
    ]
    verb_rx += [FLAG_CUES[f.name] for f in intent.flags if f.name in FLAG_CUES]
    if intent.selector:
        verb_rx.append(FLAG_CUES["selector"])
    if intent.field_selector:
        verb_rx.append(FLAG_CUES["field-selector"])
    if intent.command:
        verb_rx.append(r"run|execut|command|echo|print|sleep|say|that|with")
    if intent.all_namespaces:
        verb_rx.append(r"everywhere|whole|entire|across|wide|global")
    rx = re.compile("|".join(verb_rx), re.I) if verb_rx else None
    from .grounding import clauses

    out: list[str] = []
    low = _TIMING.sub(" ", _strip_types(text.lower(), table))
    low = _CONTEXT.sub(lambda m: " " + " ".join(_values_in(m.group(0))) + " ", low)
    for clause in clauses(low):
        left, content = [], 0
        for w in _WORD.findall(clause):
            w = w.strip("'.:/-=*")
            if not w or w in FILLER or _cue(w) or w in REASON_WORDS:
                continue
            parts = [p for p in _atoms(w) if p not in FILLER and not _cue(p) and p not in _CLITICS]
            if not parts:
                continue
            content += 1
            if not all(_explained(p, used, table, rx) for p in parts):
                left.append(w)
        if left and len(left) == content and len(left) <= 3 and all(w.isalpha() for w in left):
            continue  # "prod is on fire, restart web": a clause of plain words that sets the scene
        out += left
    return out


def _cue(w: str) -> bool:
    """A word of the command language, in the plural too ("configs", "selectors")."""
    return w in CUE_WORDS or (w.endswith("s") and w[:-1] in CUE_WORDS)


def _explained(p: str, used: set[str], table: ResourceTable, rx: re.Pattern | None) -> bool:
    if p in used or table.get(p) is not None:
        return True
    if rx is not None and rx.match(p):
        return True
    # "overwriting" for --overwrite, "replicas" for --replicas=3, "restarts" for restart
    return len(p) >= 5 and any(len(u) >= 5 and p[:5] == u[:5] for u in used)


def _strip_types(low: str, table: ResourceTable) -> str:
    """Remove type names of several words ("service account", "replication controllers")."""
    rx = getattr(table, "_multi_rx", None)
    if rx is None:
        multi = sorted((n for n in table.names() if " " in n), key=len, reverse=True)
        alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in multi) or "(?!)"
        rx = re.compile(rf"\b(?:{alt})(?:'s|s')?\b")
        table._multi_rx = rx  # type: ignore[attr-defined]
    return rx.sub(" ", low)


__all__ = ["FILLER", "READ_WORDS", "unexplained"]
