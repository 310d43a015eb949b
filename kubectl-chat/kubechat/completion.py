"""Completion as people type requests, shared by the REPL's Tab and the shell's.

`kubectl_complete-chat` is the shell side: kubectl (≥ 1.26) runs it with the words typed after
`kubectl chat`, the last one being the word to complete, and reads Cobra's protocol back: one
candidate per line, then `:<directive>` (4 = no file completion).

What the word at the cursor is comes from the words before it: after `-n`, `/ns`, `in` or
`namespace` it is a namespace; after a type ("describe deployment we") or a verb that implies one
("logs of pay", "scale we", "drain kwok") it is an object of that type, named as the cluster
names it in the namespace the request will run in."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from .kubeconfig_info import document
from .kubectl_options import KubectlOptions, find_kubectl

NO_FILE_COMP = 4
SUBCOMMANDS = ["ask", "audit", "collector", "model", "policy", "sandbox", "translate"]
FLAGS = [
    "--kubeconfig",
    "--context",
    "--namespace",
    "--all-namespaces",
    "--as",
    "--as-group",
    "--request-timeout",
    "--write",
    "--yes",
    "--dry-run",
    "--plain",
    "--output",
    "--output-format",
    "--offline",
    "--model",
    "--no-model",
    "--session",
    "--new",
    "--help",
    "--version",
]
# kubectl's -o values (passed to the kubectl that runs) and kubectl chat's own result formats.
KUBECTL_OUTPUTS = ["wide", "yaml", "json", "name", "jsonpath=", "custom-columns=", "go-template="]
RESULT_FORMATS = ["text", "chat-json"]
EXAMPLES = [
    '"list pods"',
    '"show failing pods"',
    '"describe deployment "',
    '"scale deployment "',
    '"logs of "',
]

# The next word is a namespace.
NAMESPACE_CUES = {"-n", "--namespace", "/ns", "in", "namespace", "ns"}
# Words that name an object without saying its type: "logs of pay", "scale web", "drain
# kwok-node-0". kubectl's verbs say theirs in the verb registry; these are the everyday words.
IMPLIED_TYPES = {
    "log": "pods",
    "shell": "pods",
    "why": "pods",
    "restart": "deployments",
    "rollback": "deployments",
}
# Short type names that are also everyday words ("no restarts").
_NOT_TYPE_WORDS = {"no"}


@dataclass(frozen=True)
class Slot:
    """What the word at the cursor names: a "namespace", or an "object" of `resource` (in
    `namespace` when the request says which)."""

    kind: str
    resource: str = ""
    namespace: str | None = None


def _type_of(word: str) -> str | None:
    if word in _NOT_TYPE_WORDS:
        return None
    from .translate.resources import BUILTIN_TABLE  # loaded at the first Tab that needs it

    found = BUILTIN_TABLE.get(word)
    return found.plural if found else None


def _implied_type(word: str) -> str | None:
    from . import verbs

    spec = verbs.lookup(word)
    return (spec.implied_type() if spec is not None else "") or IMPLIED_TYPES.get(word)


def slot(before: list[str], namespaces) -> Slot | None:
    """What the next word names, from the words typed before it. `namespaces()` lists the
    cluster's namespaces; it is asked only when a word might name one ("in prod")."""
    words = [w.strip("\"'.,;:!?").lower() for w in before]
    if not words:
        return None
    if words[-1] in NAMESPACE_CUES:
        return Slot("namespace")
    resource = None
    for w in reversed(words):
        resource = _type_of(w) or _implied_type(w)
        if resource:
            break
    if resource is None:
        return None
    return Slot("object", resource, stated_namespace(words, namespaces))


def stated_namespace(words: list[str], namespaces) -> str | None:
    """The namespace the request names ("-n prod", "--namespace=prod", "in prod", "in namespace
    prod"); the last one said wins. A word after `in` counts only when such a namespace exists."""
    found = None
    for i, w in enumerate(words):
        if w.startswith("--namespace="):
            found = w.split("=", 1)[1]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None:
            continue
        if w in ("-n", "--namespace"):
            found = nxt
        elif w in ("in", "namespace", "ns") and nxt not in ("namespace", "ns") and nxt in namespaces():
            found = nxt
    return found


class ClusterNames:
    """Names the cluster holds, asked of kubectl with the user's own options and kept for the
    session: a second Tab never waits again. Any failure yields no names: completion must never
    break the prompt or the shell."""

    def __init__(self, options: KubectlOptions, offline: bool = False):
        self.options = options
        self.offline = offline
        self._cache: dict[tuple, list[str]] = {}

    def _ask(self, args: list[str]) -> list[str]:
        key = (self.options.kubeconfig, self.options.context, *args)
        if key not in self._cache:
            self._cache[key] = [] if self.offline else self._run(args)
        return self._cache[key]

    def _run(self, args: list[str]) -> list[str]:
        try:
            argv = [find_kubectl(), *self.options.argv_global_args(), "get", *args, "--request-timeout=3s"]
            out = subprocess.run(argv, capture_output=True, text=True, timeout=5, env=self.options.env())
        except Exception:  # a missing kubectl or a hung cluster: no names
            return []
        return out.stdout.splitlines() if out.returncode == 0 else []

    def namespaces(self) -> list[str]:
        return [n.split("/", 1)[-1] for n in self._ask(["namespaces", "-o", "name"])]

    def objects(self, resource: str, namespace: str | None) -> list[str]:
        scope = ["-n", namespace] if namespace else []
        return [n.split("/", 1)[-1] for n in self._ask([resource, *scope, "-o", "name"])]

    def everywhere(self, resource: str) -> list[tuple[str, str]]:
        """(namespace, name) of every object of a namespaced type the user may list."""
        columns = "custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name"
        rows = [ln.split() for ln in self._ask([resource, "-A", "--no-headers", "-o", columns])]
        return [(r[0], r[1]) for r in rows if len(r) == 2 and r[0] != "<none>"]


def audit_users() -> list[str]:
    """Users seen in the local audit log (none when there is no log yet; it is not created)."""
    from .audit.spool import Spool, default_path

    if not default_path().exists():
        return []
    try:
        return Spool().usernames()
    except Exception:  # an unreadable spool offers no names
        return []


def complete_word(before: list[str], current: str, names: ClusterNames, namespace: str | None) -> list[str]:
    """Candidates for `current`, the word after `before`. `namespace` is the one the session or
    the command line set (-n, /ns); a namespace the request names wins over it. An object found
    only in another namespace, when none was named, comes with its namespace: "pay" completes to
    "payments-worker in prod", which runs where that pod is."""
    found = slot(before, names.namespaces)
    if found is None:
        return []
    if found.kind == "namespace":
        return [n for n in names.namespaces() if n.startswith(current)]
    ns = found.namespace or namespace
    here = [n for n in names.objects(found.resource, ns) if n.startswith(current)]
    if here or ns:
        return here
    return [
        f"{name} in {where}" for where, name in names.everywhere(found.resource) if name.startswith(current)
    ]


def _options(words: list[str]) -> KubectlOptions:
    opts = KubectlOptions()
    for i, w in enumerate(words[:-1]):
        if w == "--kubeconfig":
            opts.kubeconfig = words[i + 1]
        if w == "--context":
            opts.context = words[i + 1]
    return opts


def _request_candidates(words: list[str]) -> list[str]:
    """A request's words: unquoted (`kubectl chat logs of pay`) or one quoted word (`"logs of
    pay`), where the candidate is the whole word, as the shell replaces it whole."""
    current = words[-1]
    opts = _options(words)
    head, _, last = current.lstrip("\"'").rpartition(" ")
    before = [*words[:-1], *head.split()]
    prefix = f"{head} " if head else ""
    return [prefix + c for c in complete_word(before, last, ClusterNames(opts), None)]


def candidates(words: list[str]) -> list[str]:
    """Completions for the last word of `words` (the words after `kubectl chat`)."""
    if not words:
        words = [""]
    current, previous = words[-1], words[-2] if len(words) > 1 else ""
    if previous in ("-n", "--namespace"):
        return [n for n in ClusterNames(_options(words)).namespaces() if n.startswith(current)]
    if previous in ("-o", "--output"):
        return [f for f in KUBECTL_OUTPUTS if f.startswith(current)]
    if previous == "--output-format":
        return [f for f in RESULT_FORMATS if f.startswith(current)]
    if previous == "--context":
        return [n for n in contexts(_options(words)) if n.startswith(current)]
    if previous == "--user" and words[0] == "audit":
        return [u for u in audit_users() if u.startswith(current)]
    if current.startswith("-"):
        return [f for f in FLAGS if f.startswith(current)]
    if len(words) == 1 and " " not in current:
        return [c for c in SUBCOMMANDS + EXAMPLES if c.startswith(current)]
    if words[0] in SUBCOMMANDS and words[0] != "ask":
        return []
    return _request_candidates(words)


def contexts(options: KubectlOptions) -> list[str]:
    return [c.get("name", "") for c in document(options)["contexts"]]


def main(argv: list[str] | None = None) -> None:
    words = sys.argv[1:] if argv is None else argv
    for c in candidates(words):
        print(c)
    print(f":{NO_FILE_COMP}")
