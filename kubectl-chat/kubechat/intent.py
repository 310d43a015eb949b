"""The Intent: what a request asks kubectl to do, as data. It is the one type that flows from
translation to risk, policy, RBAC and audit, and it round-trips with a kubectl argv list
(the words after `kubectl`): `Intent.from_argv(intent.to_argv())` gives the same intent back.

The argv grammar here is a model of kubectl's own: a (sub)command path such as `get`,
`rollout restart` or `create secret generic`; positionals (TYPE, NAME, TYPE/NAME, extra
arguments such as `key=value`); flags, long or short, `--flag=v` or `--flag v`; and, after
`--`, a command for `exec`/`run`/`create job`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

# Multi-word commands: first word -> its subcommands (a nested dict for a third level).
SUBCOMMANDS: dict[str, dict[str, dict | None]] = {
    "rollout": dict.fromkeys(["status", "restart", "undo", "history", "pause", "resume"]),
    "config": dict.fromkeys(
        [
            "current-context",
            "get-contexts",
            "get-clusters",
            "get-users",
            "use-context",
            "use",
            "set-context",
            "set-cluster",
            "set-credentials",
            "set",
            "unset",
            "view",
            "delete-context",
            "delete-cluster",
            "delete-user",
            "rename-context",
        ]
    ),
    "auth": dict.fromkeys(["can-i", "whoami", "reconcile"]),
    "create": {
        **dict.fromkeys(
            [
                "namespace",
                "deployment",
                "configmap",
                "job",
                "cronjob",
                "serviceaccount",
                "clusterrole",
                "clusterrolebinding",
                "role",
                "rolebinding",
                "ingress",
                "quota",
                "token",
                "priorityclass",
                "poddisruptionbudget",
            ]
        ),
        "secret": dict.fromkeys(["generic", "tls", "docker-registry"]),
        "service": dict.fromkeys(["clusterip", "nodeport", "loadbalancer", "externalname"]),
    },
    "set": dict.fromkeys(["image", "env", "resources", "serviceaccount", "selector", "subject"]),
    "top": dict.fromkeys(["pod", "node"]),
    "certificate": dict.fromkeys(["approve", "deny"]),
    "cluster-info": dict.fromkeys(["dump"]),
    "plugin": dict.fromkeys(["list"]),
    "kuberc": dict.fromkeys(["view", "set"]),
    "apply": dict.fromkeys(["view-last-applied", "set-last-applied", "edit-last-applied"]),
}
# Aliases kubectl accepts for subcommand words.
SUBCOMMAND_ALIASES = {
    "create": {
        "ns": "namespace",
        "cm": "configmap",
        "sa": "serviceaccount",
        "deploy": "deployment",
        "svc": "service",
        "cj": "cronjob",
        "pdb": "poddisruptionbudget",
        "resourcequota": "quota",
        "pc": "priorityclass",
    },
    "top": {"pods": "pod", "po": "pod", "nodes": "node", "no": "node"},
    "set": {"sa": "serviceaccount"},
}
TOP_LEVEL = {
    "get",
    "describe",
    "delete",
    "logs",
    "exec",
    "attach",
    "port-forward",
    "scale",
    "autoscale",
    "expose",
    "run",
    "label",
    "annotate",
    "edit",
    "explain",
    "events",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "api-resources",
    "api-versions",
    "cluster-info",
    "version",
    "wait",
    "proxy",
    "options",
    "patch",
    "replace",
    "apply",
    "cp",
    "debug",
    "diff",
    "kustomize",
    "completion",
    "certificate",
    "plugin",
    "kuberc",
    "rollout",
    "config",
    "auth",
    "create",
    "set",
    "top",
}

# How a command's positionals are read.
#   resource: TYPE[,TYPE] [NAME...] or TYPE/NAME...      target: NAME or TYPE/NAME (pods by default)
#   nodes: node NAMEs                                     plain: anything, kept as args
RESOURCE_VERBS = {
    "get",
    "describe",
    "delete",
    "label",
    "annotate",
    "edit",
    "scale",
    "autoscale",
    "expose",
    "wait",
    "patch",
    "rollout status",
    "rollout restart",
    "rollout undo",
    "rollout history",
    "rollout pause",
    "rollout resume",
    "set image",
    "set env",
    "set resources",
    "set serviceaccount",
    "set selector",
    "set subject",
    "taint",
    "explain",
    "apply view-last-applied",
}
TARGET_VERBS = {"logs", "exec", "attach", "port-forward", "top pod", "debug"}
NODE_VERBS = {"cordon", "uncordon", "drain", "top node"}

# Value-taking short flags -> long name. Per-verb overrides first.
SHORT_FLAGS = {
    "n": "namespace",
    "o": "output",
    "l": "selector",
    "c": "container",
    "L": "label-columns",
    "f": "filename",
    "s": "server",
    "r": "replicas",
    "k": "kustomize",
    "e": "env",
}
SHORT_BOOL = {"A": "all-namespaces", "i": "stdin", "t": "tty", "w": "watch", "q": "quiet", "R": "recursive"}
VERB_SHORT_OVERRIDES = {
    "logs": {"f": ("follow", False), "p": ("previous", False)},
    "exec": {"p": ("pod", True)},
    "get": {"w": ("watch", False)},
    "rollout status": {"w": ("watch", False)},
    "port-forward": {},
}
# Long flags that never take a separate value (a value only with `=`).
BOOL_FLAGS = {
    "all",
    "all-namespaces",
    "overwrite",
    "list",
    "recursive",
    "raw",
    "show-labels",
    "prefix",
    "previous",
    "follow",
    "force",
    "interactive",
    "watch",
    "watch-only",
    "stdin",
    "tty",
    "expose",
    "name-only",
    "current",
    "all-containers",
    "all-pods",
    "ignore-errors",
    "insecure-skip-tls-verify",
    "namespaced",
    "save-config",
    "local",
    "rm",
    "dry-run",
    "ignore-daemonsets",
    "delete-emptydir-data",
    "disable-eviction",
    "no-headers",
    "wait",
    "show-kind",
    "ignore-not-found",
    "now",
    "record",
    "quiet",
    "keep-annotations",
    "embed-certs",
    "show-managed-fields",
    "privileged",
    "attach",
    "leave-stdin-open",
    "timestamps",
    "flatten",
    "minify",
    "for-create",
    "show-events",
    "sort",
    "keep-going",
    "server-side",
}

_NEWLINE = re.compile(r"[\r\n\x00]")


class Flag(BaseModel):
    """One flag by its long name (no dashes); value None for a boolean flag given bare."""

    name: str
    value: str | None = None


class Intent(BaseModel):
    """A kubectl command as data. Render with `to_argv()`; build from argv with `from_argv()`."""

    verb: str = Field(description="command path: 'get', 'rollout restart', 'create secret generic'")
    resource: str | None = Field(None, description="resource type(s) as typed: 'pods', 'deploy', 'pod,svc'")
    names: list[str] = Field(default_factory=list, description="object names")
    slash: bool = Field(False, description="render a single name as TYPE/NAME")
    args: list[str] = Field(default_factory=list, description="further positionals: key=value, ports, ...")
    namespace: str | None = None
    all_namespaces: bool = False
    selector: str | None = None
    field_selector: str | None = None
    output: str | None = None
    flags: list[Flag] = Field(default_factory=list, description="every other flag, long names")
    command: list[str] = Field(default_factory=list, description="words after `--` (exec, run, create job)")

    # ---- convenience -------------------------------------------------------------------------
    def flag(self, name: str) -> str | None:
        for f in self.flags:
            if f.name == name:
                return f.value if f.value is not None else "true"
        return None

    def has_flag(self, name: str) -> bool:
        return any(f.name == name for f in self.flags)

    def set_flag(self, name: str, value: str | None = None, *, append: bool = False) -> None:
        if not append:
            self.flags = [f for f in self.flags if f.name != name]
        self.flags.append(Flag(name=name, value=value))

    @property
    def root(self) -> str:
        return self.verb.split()[0]

    # ---- rendering ---------------------------------------------------------------------------
    def to_argv(self) -> list[str]:
        argv = self.verb.split()
        if self.resource and self.names and self.slash:
            argv += [f"{self.resource}/{n}" for n in self.names]
        else:
            if self.resource:
                argv.append(self.resource)
            argv += self.names
        argv += self.args
        if self.namespace:
            # config set-context has its own --namespace (the context's default namespace)
            argv += [f"--namespace={self.namespace}"] if self.root == "config" else ["-n", self.namespace]
        if self.all_namespaces:
            argv.append("--all-namespaces")
        if self.selector:
            argv += ["-l", self.selector]
        if self.field_selector:
            argv.append(f"--field-selector={self.field_selector}")
        if self.output:
            argv += ["-o", self.output]
        for f in self.flags:
            argv.append(f"--{f.name}" if f.value is None else f"--{f.name}={f.value}")
        if self.command:
            argv += ["--", *self.command]
        return argv

    def command_string(self) -> str:
        """The command as one shell-quoted line, for display only (execution always uses argv)."""
        import shlex

        return "kubectl " + " ".join(shlex.quote(a) for a in self.to_argv())

    # ---- parsing -----------------------------------------------------------------------------
    @classmethod
    def from_argv(cls, argv: list[str]) -> Intent:
        """Parse a kubectl argv (without `kubectl`). Raises ValueError when it is not a command
        this model understands (an unknown command, a newline in a word)."""
        argv = list(argv)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        for a in argv:
            if _NEWLINE.search(a):
                raise ValueError("a word contains a newline or NUL")
        command: list[str] = []
        if "--" in argv:
            i = argv.index("--")
            argv, command = argv[:i], argv[i + 1 :]
        verb, rest = _split_verb(argv)
        positionals: list[str] = []
        flags: list[Flag] = []
        overrides = VERB_SHORT_OVERRIDES.get(verb, {})
        i = 0
        while i < len(rest):
            tok = rest[i]
            i += 1
            if tok.startswith("--") and len(tok) > 2:
                name, eq, value = tok[2:].partition("=")
                if eq:
                    flags.append(Flag(name=name, value=value))
                elif name in BOOL_FLAGS or i >= len(rest):
                    flags.append(Flag(name=name))
                else:
                    flags.append(Flag(name=name, value=rest[i]))
                    i += 1
            elif tok.startswith("-") and len(tok) > 1 and not _is_number(tok):
                body = tok[1:]
                j = 0
                while j < len(body):
                    ch = body[j]
                    if ch in overrides:
                        long, takes = overrides[ch]
                    elif ch in SHORT_FLAGS:
                        long, takes = SHORT_FLAGS[ch], True
                    elif ch in SHORT_BOOL:
                        long, takes = SHORT_BOOL[ch], False
                    else:
                        long, takes = ch, False
                    if takes:
                        value = body[j + 1 :]
                        if value.startswith("="):
                            value = value[1:]
                        if not value:
                            if i >= len(rest):
                                raise ValueError(f"flag -{ch} needs a value")
                            value = rest[i]
                            i += 1
                        flags.append(Flag(name=long, value=value))
                        break
                    if body[j + 1 : j + 2] == "=":
                        flags.append(Flag(name=long, value=body[j + 2 :]))
                        break
                    flags.append(Flag(name=long))
                    j += 1
            else:
                positionals.append(tok)
        intent = cls(verb=verb, command=command)
        _assign_positionals(intent, positionals)
        for f in flags:
            if f.name == "namespace" and f.value is not None:
                intent.namespace = f.value
            elif f.name == "all-namespaces" and f.value in (None, "true"):
                intent.all_namespaces = True
            elif f.name == "selector" and f.value is not None and intent.selector is None:
                intent.selector = f.value
            elif f.name == "field-selector" and f.value is not None:
                intent.field_selector = f.value
            elif f.name == "output" and f.value is not None:
                intent.output = f.value
            else:
                intent.flags.append(f)
        return intent


def _is_number(tok: str) -> bool:
    return bool(re.fullmatch(r"-\d+(\.\d+)?", tok))


def _split_verb(argv: list[str]) -> tuple[str, list[str]]:
    """Find the command path; flags may come before it (`kubectl -n x get pods`)."""
    before: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        tok = argv[i]
        before.append(tok)
        i += 1
        if tok in ("-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--as"):
            if i < len(argv):
                before.append(argv[i])
                i += 1
    if i >= len(argv):
        raise ValueError("no kubectl command given")
    first = argv[i]
    if first not in TOP_LEVEL:
        raise ValueError(f"unknown kubectl command {first!r}")
    words = [first]
    i += 1
    table = SUBCOMMANDS.get(first)
    while table is not None and i < len(argv):
        word = SUBCOMMAND_ALIASES.get(words[0], {}).get(argv[i], argv[i]) if len(words) == 1 else argv[i]
        if word not in table:
            break
        words.append(word)
        table = table[word]
        i += 1
    verb = " ".join(words)
    if verb == "config use":
        verb = "config use-context"
    return verb, before + argv[i:]


def _assign_positionals(intent: Intent, pos: list[str]) -> None:
    verb = intent.verb
    if verb in RESOURCE_VERBS:
        if not pos:
            return
        first = pos[0]
        if "/" in first and verb != "explain" and not first.startswith("/"):
            # TYPE/NAME [TYPE/NAME...]: one type with names when they agree.
            slashed = [p for p in pos if "/" in p and "=" not in p]
            types = {p.split("/", 1)[0] for p in slashed}
            if len(types) == 1:
                intent.resource = types.pop()
                intent.names = [p.split("/", 1)[1] for p in slashed]
                intent.slash = True
                intent.args = [p for p in pos if p not in slashed]
                return
            intent.args = pos
            return
        if verb in ("label", "annotate", "taint", "set env") and _looks_like_kv(first):
            intent.resource = None
            intent.args = pos
            return
        intent.resource = first
        rest = pos[1:]
        if verb == "explain":
            intent.args = rest
            return
        if verb in ("label", "annotate", "taint", "set image", "set env", "set resources"):
            k = 0
            while k < len(rest) and not _looks_like_kv(rest[k]):
                k += 1
            intent.names, intent.args = rest[:k], rest[k:]
            return
        if verb == "set serviceaccount" and len(rest) >= 2:
            intent.names, intent.args = rest[:-1], rest[-1:]
            return
        intent.names = rest
    elif verb in TARGET_VERBS:
        if not pos:
            return
        first = pos[0]
        if "/" in first:
            intent.resource, name = first.split("/", 1)
            intent.names = [name]
            intent.slash = True
        else:
            intent.names = [first]
        intent.args = pos[1:]
    elif verb in NODE_VERBS:
        intent.names = pos
    else:
        if verb.startswith("create ") or verb in (
            "run",
            "config use-context",
            "config delete-context",
            "config delete-cluster",
            "config delete-user",
            "config set-cluster",
            "config set-context",
            "certificate approve",
            "certificate deny",
        ):
            if pos:
                intent.names, intent.args = pos[:1], pos[1:]
            return
        intent.args = pos


def _looks_like_kv(tok: str) -> bool:
    """A label/annotation/taint/env argument: key=value, key-, key:Effect."""
    return "=" in tok or tok.endswith("-") or (":" in tok and not tok.startswith("http"))
