"""Parse a kubectl argv (without the leading "kubectl") the way kubectl's flag parser (pflag) does,
so the safety checks see the same verb, resource, names and namespace that kubectl will act on.

This parser is deliberately separate from translation: the safety layer trusts nothing upstream.
Flags it does not know are ambiguous (kubectl may or may not take the next word as their value),
so `interpretations()` yields every reading and callers take the most cautious one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .resources import canonical_resource

# kubectl's global flags (`kubectl options`, 1.34, plus klog flags older kubectls still accept),
# split by what they do. This is the one table of them: the parser, the risk classes and the
# policy input all read it.
#
# Connection and identity: which server, which credentials, whose identity, which kubeconfig or
# kuberc. In a request they would send the user's credentials elsewhere, act as someone else, or
# aim the command at a cluster other than the one the policy decided for.
CONNECTION_VALUE_FLAGS = {
    "--as",
    "--as-group",
    "--as-uid",
    "--cache-dir",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--cluster",
    "--context",
    "--kubeconfig",
    "--kuberc",
    "--password",
    "--server",
    "--tls-server-name",
    "--token",
    "--user",
    "--username",
}
CONNECTION_FLAGS = CONNECTION_VALUE_FLAGS | {"--insecure-skip-tls-verify"}
# Diagnostics that write files on this machine: profiles (`--profile` other than `none` writes
# `--profile-output`, default ./profile.pprof, truncating it) and klog's log files.
LOCAL_OUTPUT_FLAGS = {"--profile", "--profile-output", "--log-file", "--log-dir"}
# Harmless: where in the cluster, how long to wait, how much to log to stderr.
HARMLESS_GLOBAL_VALUE_FLAGS = {
    "--namespace",
    "--request-timeout",
    "--v",
    "--vmodule",
    "--log-file-max-size",
    "--log-flush-frequency",
    "--stderrthreshold",
    "--log-backtrace-at",
}
HARMLESS_GLOBAL_BOOL_FLAGS = {"--disable-compression", "--match-server-version", "--warnings-as-errors"}
GLOBAL_VALUE_FLAGS = CONNECTION_VALUE_FLAGS | LOCAL_OUTPUT_FLAGS | HARMLESS_GLOBAL_VALUE_FLAGS
# Commands whose own flags shadow a global one of the same name (cobra uses the command's flag
# wherever it stands in argv): `create rolebinding --user` names a subject, `config set-cluster
# --server` is the value to store. These are not connection flags there.
SHADOWED_CONNECTION_FLAGS = {
    ("create", "rolebinding"): {"--user"},
    ("create", "clusterrolebinding"): {"--user"},
    ("set", "subject"): {"--user"},
    ("config", "set-context"): {"--cluster", "--user"},
    ("config", "set-credentials"): {
        "--client-certificate",
        "--client-key",
        "--token",
        "--username",
        "--password",
    },
    ("config", "set-cluster"): {
        "--server",
        "--certificate-authority",
        "--insecure-skip-tls-verify",
        "--tls-server-name",
    },
}
GLOBAL_SHORT_VALUE = {"n": "--namespace", "s": "--server", "v": "--v"}

# Value-taking flags of individual commands. A flag listed here takes a value on every command
# that has it; kubectl keeps these consistent.
COMMAND_VALUE_FLAGS = {
    # output and selection
    "--output",
    "--selector",
    "--field-selector",
    "--template",
    "--sort-by",
    "--label-columns",
    "--chunk-size",
    "--subresource",
    "--resource-version",
    "--output-directory",
    "--namespaces",
    "--raw",  # get/create/replace/delete --raw PATH; `config view --raw` is a boolean (below)
    # files and sources
    "--filename",
    "--kustomize",
    "--prune-allowlist",
    "--field-manager",
    "--patch",
    "--patch-file",
    "--type",
    "--from-literal",
    "--from-file",
    "--from-env-file",
    "--from",
    "--cert",
    "--key",
    "--docker-server",
    "--docker-username",
    "--docker-password",
    "--docker-email",
    # workloads
    "--replicas",
    "--current-replicas",
    "--image",
    "--image-pull-policy",
    "--env",
    "--labels",
    "--overrides",
    "--restart",
    "--pod-running-timeout",
    "--port",
    "--target-port",
    "--protocol",
    "--name",
    "--external-ip",
    "--load-balancer-ip",
    "--session-affinity",
    "--cluster-ip",
    "--tcp",
    "--node-port",
    "--clusterip",
    "--schedule",
    "--hard",
    "--scopes",
    "--value",
    "--description",
    "--preemption-policy",
    "--min",
    "--max",
    "--cpu-percent",
    "--cpu",
    "--to-revision",
    "--revision",
    "--limits",
    "--requests",
    "--containers",
    "--keys",
    "--prefix",
    "--resource-name",
    "--verb",
    "--resource",
    "--role",
    "--clusterrole",
    "--serviceaccount",
    "--group",
    "--duration",
    "--audience",
    "--bound-object-kind",
    "--bound-object-name",
    "--bound-object-uid",
    # logs, exec, debug, cp, port-forward, proxy, wait, drain
    "--container",
    "--since",
    "--since-time",
    "--tail",
    "--max-log-requests",
    "--limit-bytes",
    "--pod-selector",
    "--timeout",
    "--grace-period",
    "--skip-wait-for-delete-timeout",
    "--target",
    "--copy-to",
    "--set-image",
    "--profile",
    "--custom",
    "--retries",
    "--for",
    "--address",
    "--accept-hosts",
    "--accept-paths",
    "--reject-methods",
    "--reject-paths",
    "--api-prefix",
    "--www",
    "--www-prefix",
    "--unix-socket",
    # discovery and explain
    "--api-group",
    "--verbs",
    "--api-version",
    # config set-cluster / set-credentials
    "--proxy-url",
    "--exec-command",
    "--exec-api-version",
    "--exec-arg",
    "--exec-env",
    "--exec-interactive-mode",
    "--auth-provider",
    "--auth-provider-arg",
    # kustomize
    "--helm-command",
    "--helm-api-versions",
    "--helm-kube-version",
    "--load-restrictor",
    "--mount",
    "--network-name",
    "--reorder",
}

# Short flags that take a value. Some letters mean different things per command (`logs -f` is
# --follow, `apply -f` is --filename), so the table is per verb with a common default.
SHORT_VALUE_DEFAULT = {
    "o": "--output",
    "l": "--selector",
    "f": "--filename",
    "c": "--container",
    "k": "--kustomize",
}
SHORT_VALUE_BY_VERB = {
    "logs": {"o": "--output", "l": "--selector", "c": "--container"},  # -f/-p are booleans here
    "patch": {**SHORT_VALUE_DEFAULT, "p": "--patch"},
    "get": {**SHORT_VALUE_DEFAULT, "L": "--label-columns"},
    "run": {**SHORT_VALUE_DEFAULT, "l": "--labels"},
    "events": {"o": "--output"},
    "exec": {"c": "--container", "f": "--filename"},
    "attach": {"c": "--container"},
    "cp": {"c": "--container"},
    "debug": {"c": "--container", "o": "--output", "f": "--filename"},
    "proxy": {"p": "--port", "P": "--api-prefix", "w": "--www", "u": "--unix-socket"},
    "port-forward": {},
    "wait": SHORT_VALUE_DEFAULT,
    "top": {"l": "--selector"},
    "create": {**SHORT_VALUE_DEFAULT},
}

# Well-known boolean long flags. Anything not here and not value-taking is ambiguous.
BOOL_FLAGS = (
    {
        "--share-processes",
        "--disable-filter",
        "--exec-provide-cluster-info",
        "--global-default",
        "--current",
        "--set-raw-bytes",
        "--all",
        "--all-namespaces",
        "--watch",
        "--watch-only",
        "--force",
        "--prune",
        "--overwrite",
        "--stdin",
        "--tty",
        "--follow",
        "--previous",
        "--recursive",
        "--show-labels",
        "--show-kind",
        "--no-headers",
        "--ignore-not-found",
        "--wait",
        "--now",
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "--disable-eviction",
        "--quiet",
        "--record",
        "--local",
        "--server-side",
        "--force-conflicts",
        "--validate",
        "--timestamps",
        "--prefix",
        "--ignore-errors",
        "--all-containers",
        "--insecure-skip-tls-verify-backend",
        "--containers",
        "--use-protocol-buffers",
        "--sort-by-cpu",
        "--sort-by-memory",
        "--minify",
        "--flatten",
        "--raw-output",
        "--cascade",
        "--rm",
        "--privileged",
        "--command",  # run: the words after -- are the command itself
        "--keep-annotations",
        "--keep-labels",
        "--keep-liveness",
        "--keep-readiness",
        "--keep-startup",
        "--keep-init-containers",
        "--same-node",
        "--no-preserve",
        "--help",
        "--append-server-path",
        "--embed-certs",
        "--allow-missing-template-keys",
        "--list",
        "--namespaced",
        "--include-uninitialized",
        "--exit-code",
        "--expose",
        "--experimental",
        "--output-watch-events",
        "--subresources",
        "--remove-extra-permissions",
        "--remove-extra-subjects",
        "--dry-run",
        # kustomize
        "--enable-exec",
        "--enable-alpha-plugins",
        "--enable-helm",
        "--enable-managedby-label",
        "--as-current-user",
        "--network",
        "--helm-debug",
    }
    | HARMLESS_GLOBAL_BOOL_FLAGS
    | {"--insecure-skip-tls-verify"}
)
SHORT_BOOL = set("AwiqRtpfhPxyd")

# Long flags that are booleans on one verb but take a value elsewhere.
LONG_BOOL_BY_VERB = {"config": {"--raw"}, "top": {"--containers"}, "logs": {"--prefix"}}

# Flags whose value is optional and only given with "=" (pflag NoOptDefVal).
OPTIONAL_VALUE_FLAGS = {"--dry-run", "--cascade", "--validate", "--all-containers", "--show-managed-fields"}

# Verbs whose first positional is a subcommand.
SUBCOMMAND_VERBS = {"config", "rollout", "auth", "certificate", "create", "set", "plugin", "alpha", "apply"}
# `create` subcommands are resource kinds; `apply` has view-last-applied/set-last-applied/edit-last-applied.
APPLY_SUBCOMMANDS = {"view-last-applied", "set-last-applied", "edit-last-applied"}


class ParseError(ValueError):
    """The argv cannot be a kubectl command (for example a flag with a missing value)."""


@dataclass
class Command:
    """One reading of a kubectl argv."""

    argv: list[str]
    positionals: list[str] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)  # long name → values ("" for booleans)
    after_dash: list[str] = field(default_factory=list)  # what follows "--" (exec's command)
    unknown_flags: list[str] = field(default_factory=list)
    verb_index: int = -1  # where the verb stands in argv (-1: no verb)

    @property
    def verb(self) -> str:
        return self.positionals[0] if self.positionals else ""

    @property
    def args(self) -> list[str]:
        return self.positionals[1:]

    @property
    def subcommand(self) -> str:
        """`rollout undo` → "undo", `config use-context` → "use-context", `create deployment` → "deployment"."""
        if self.verb in SUBCOMMAND_VERBS and self.args:
            if self.verb == "apply" and self.args[0] not in APPLY_SUBCOMMANDS:
                return ""
            return self.args[0]
        return ""

    @property
    def objects(self) -> list[str]:
        """The resource/name words after the verb and subcommand."""
        return self.args[1:] if self.subcommand else self.args

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def value(self, flag: str) -> str | None:
        vals = self.flags.get(flag)
        return vals[-1] if vals else None

    @property
    def namespace(self) -> str:
        return self.value("--namespace") or ""

    @property
    def all_namespaces(self) -> bool:
        return self.has("--all-namespaces") and _truthy(self.value("--all-namespaces"))

    @property
    def output(self) -> str:
        return (self.value("--output") or "").lower()

    @property
    def connection_flags(self) -> list[str]:
        """The global connection and identity flags in argv (`-s` counts as `--server`)."""
        own = SHADOWED_CONNECTION_FLAGS.get((self.verb, self.subcommand), set())
        return sorted(f for f in self.flags if f in CONNECTION_FLAGS and f not in own)

    def targets(self) -> tuple[str, list[str]]:
        """(canonical resource, names) from `pods a b`, `pod/a deploy/b`, `pods,svc`."""
        objs = self.objects
        if self.verb in {"logs", "exec", "attach", "port-forward", "cp", "debug"}:
            return _pod_like_target(self.verb, objs)
        if self.verb in {"drain", "cordon", "uncordon"}:
            return "nodes", [o.split("/", 1)[-1] for o in objs]
        if self.verb == "taint":
            first = objs[0] if objs else ""
            if "/" in first:
                res, name = first.split("/", 1)
                return canonical_resource(res), [name]
            rest = [o for o in objs[1:] if "=" not in o and ":" not in o and not o.endswith("-")]
            return canonical_resource(first) if first else "nodes", rest[:1]
        if self.verb == "certificate":
            return "certificatesigningrequests", [o.split("/", 1)[-1] for o in objs]
        if self.verb == "create" and self.subcommand:
            return canonical_resource(self.subcommand), objs[:1]
        if self.verb in {"label", "annotate"}:
            objs = [o for o in objs if "=" not in o and not o.endswith("-")]
        if self.verb == "set" and objs:
            objs = [o for o in objs if "=" not in o]
        if not objs:
            return "", []
        if any("/" in o for o in objs):
            kinds = {canonical_resource(o.split("/", 1)[0]) for o in objs if "/" in o}
            names = [o.split("/", 1)[1] for o in objs if "/" in o]
            return ",".join(sorted(kinds)), names
        return ",".join(canonical_resource(r) for r in objs[0].split(",")), objs[1:]


def _truthy(v: str | None) -> bool:
    return v is None or v.lower() not in {"false", "0"}


def _pod_like_target(verb: str, objs: list[str]) -> tuple[str, list[str]]:
    if verb == "cp":
        # `cp ns/pod:/path local` or `cp local pod:/path`: the pod side has a colon.
        for o in objs:
            if ":" in o:
                pod = o.split(":", 1)[0]
                return "pods", [pod.split("/", 1)[-1]]
        return "pods", []
    if not objs:
        return "pods", []
    first = objs[0]
    if "/" in first:
        res, name = first.split("/", 1)
        return canonical_resource(res), [name]
    if verb == "debug" and first.startswith("node/"):
        return "nodes", [first[5:]]
    return "pods", [first]


def _short_value_table(verb: str) -> dict[str, str]:
    table = dict(SHORT_VALUE_BY_VERB.get(verb, SHORT_VALUE_DEFAULT))
    table.update(GLOBAL_SHORT_VALUE)
    return table


def _tokenize(argv: list[str], choices: list[bool]) -> Command:
    """One pass of pflag's rules; choices[i] says whether the i-th unknown long flag takes a value."""
    cmd = Command(argv=list(argv))
    unknown_seen = 0
    i = 0
    while i < len(argv):
        tok = argv[i]
        i += 1
        if tok == "--":
            cmd.after_dash = list(argv[i:])
            break
        if tok.startswith("--") and len(tok) > 2:
            name, eq, val = tok.partition("=")
            if eq:
                cmd.flags.setdefault(name, []).append(val)
                continue
            takes_value = name in GLOBAL_VALUE_FLAGS or name in COMMAND_VALUE_FLAGS
            if name in LONG_BOOL_BY_VERB.get(cmd.verb, ()):
                takes_value = False
            elif name in OPTIONAL_VALUE_FLAGS or (name in BOOL_FLAGS and not takes_value):
                takes_value = False
            elif not takes_value:
                cmd.unknown_flags.append(name)
                takes_value = choices[unknown_seen] if unknown_seen < len(choices) else False
                unknown_seen += 1
            if takes_value:
                if i >= len(argv):
                    raise ParseError(f"flag needs an argument: {name}")
                cmd.flags.setdefault(name, []).append(argv[i])
                i += 1
            else:
                cmd.flags.setdefault(name, []).append("")
            continue
        if tok.startswith("-") and len(tok) > 1 and tok != "-":
            # Shorthand cluster: `-it`, `-ojson`, `-nprod`, `-n=prod`.
            verb = cmd.verb
            table = _short_value_table(verb)
            body = tok[1:]
            j = 0
            while j < len(body):
                ch = body[j]
                j += 1
                if ch in table:
                    rest = body[j:]
                    if rest.startswith("="):
                        rest = rest[1:]
                    if rest:
                        cmd.flags.setdefault(table[ch], []).append(rest)
                    else:
                        if i >= len(argv):
                            raise ParseError(f"flag needs an argument: -{ch}")
                        cmd.flags.setdefault(table[ch], []).append(argv[i])
                        i += 1
                    break
                long = {
                    "A": "--all-namespaces",
                    "w": "--watch",
                    "i": "--stdin",
                    "t": "--tty",
                    "R": "--recursive",
                }
                if verb == "logs":
                    long.update({"f": "--follow", "p": "--previous"})
                name = long.get(ch, f"-{ch}")
                if ch not in SHORT_BOOL:
                    cmd.unknown_flags.append(f"-{ch}")
                cmd.flags.setdefault(name, []).append("")
            continue
        if not cmd.positionals:
            cmd.verb_index = i - 1
        cmd.positionals.append(tok)
    return cmd


MAX_AMBIGUOUS = 6


def interpretations(argv: list[str]) -> list[Command]:
    """Every reading of argv: one per way its unknown long flags could take (or not) a value."""
    first = _tokenize(argv, [])
    n = len([f for f in first.unknown_flags if f.startswith("--")])
    if n == 0:
        return [first]
    if n > MAX_AMBIGUOUS:
        raise ParseError(f"too many unknown flags ({n}) to tell what the command does")
    readings = []
    for choice in itertools.product([False, True], repeat=n):
        try:
            readings.append(_tokenize(argv, list(choice)))
        except ParseError:
            continue
    return readings or [first]


def parse(argv: list[str]) -> Command:
    """The reading kubectl most likely uses (unknown flags taken as booleans)."""
    return _tokenize(argv, [])


def insert_flags(argv: list[str], *flags: str) -> list[str]:
    """argv with `flags` (each a single `--name=value` or boolean token) placed right after the verb.

    Appending is wrong twice over: after `--` a flag becomes an argument of the container's
    command (kubectl then really creates the object), and after a value-taking flag left without
    its value it becomes that value. Right after the verb it can only be a flag of the command.
    Raises ParseError when the argv has no verb that every reading agrees on."""
    for f in flags:
        if not f.startswith("--") or (f[2:].partition("=")[0] in ("", "-")):
            raise ParseError(f"not a single long flag: {f!r}")
    readings = interpretations(argv)
    positions = {r.verb_index for r in readings}
    if len(positions) != 1 or -1 in positions:
        raise ParseError("cannot tell where the command's verb is")
    at = positions.pop() + 1
    out = [*argv[:at], *flags, *argv[at:]]
    # Whatever kubectl's reading, the flags must be flags and the rest must be unchanged.
    for before, after in zip(readings, interpretations(out), strict=False):
        if after.after_dash != before.after_dash or after.positionals != before.positionals:
            raise ParseError("inserting flags would change the command")
    return out
