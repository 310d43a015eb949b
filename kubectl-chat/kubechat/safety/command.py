"""Parse a kubectl argv (without the leading "kubectl") the way kubectl's flag parser (pflag) does,
so the safety checks see the same verb, resource, names and namespace that kubectl will act on.

This parser is deliberately separate from translation: the safety layer trusts nothing upstream.
Flags it does not know are ambiguous (kubectl may or may not take the next word as their value),
so `interpretations()` yields every reading and callers take the most cautious one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .. import verbs
from ..verbs._common import generic_targets

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
GLOBAL_SHORT_VALUE = {"n": "--namespace", "s": "--server", "v": "--v"}
GLOBAL_BOOL_FLAGS = HARMLESS_GLOBAL_BOOL_FLAGS | {"--insecure-skip-tls-verify"}

# Everything per verb (its own flags and shorthands, its subcommands, how its words name
# objects) comes from the verb registry, kubechat/verbs/.


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
    choice_points: int = 0  # unknown `--flag` words that may or may not take the next word

    @property
    def verb(self) -> str:
        return self.positionals[0] if self.positionals else ""

    @property
    def spec(self) -> verbs.VerbSpec | None:
        """What the registry knows about this verb; None for a word that is not a kubectl verb."""
        return verbs.lookup(self.verb)

    @property
    def args(self) -> list[str]:
        return self.positionals[1:]

    @property
    def subcommand(self) -> str:
        """`rollout undo` → "undo", `config use-context` → "use-context", `create deployment` → "deployment"."""
        return verbs.subcommand_of(self.verb, self.args)

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
        """The global connection and identity flags in argv (`-s` counts as `--server`). A verb's
        own flag of the same name (`create rolebinding --user`, `config set-cluster --server`)
        shadows the global one: cobra uses the command's flag wherever it stands in argv."""
        own = verbs.own_flags(self.verb, self.subcommand)
        return sorted(f for f in self.flags if f in CONNECTION_FLAGS and f not in own)

    def targets(self) -> tuple[str, list[str]]:
        """(canonical resource, names) from `pods a b`, `pod/a deploy/b`, `pods,svc`, or as the
        verb's spec reads its words (`logs POD`, `drain NODE`, `create KIND NAME`)."""
        spec = self.spec
        if spec is not None and not spec.objects:  # contexts, topics, paths: no objects
            return "", []
        if spec is not None and spec.targets is not None:
            return spec.targets(self, self.objects)
        return generic_targets(self.objects)


def _truthy(v: str | None) -> bool:
    return v is None or v.lower() not in {"false", "0"}


def long_takes_value(verb: str, name: str) -> bool | None:
    """Whether a long flag takes the next word; None when neither kubectl's global flags nor any
    verb in the registry knows it."""
    if name in GLOBAL_VALUE_FLAGS and name not in verbs.own_flags(verb):
        return True
    known = verbs.flag_takes_value(verb, name)
    if known is not None:
        return known
    if name in GLOBAL_BOOL_FLAGS:
        return False
    return None


def normalize_flag(name: str) -> str:
    """A long flag's name as kubectl reads it (pflag's word-separator normalisation)."""
    return "--" + name[2:].replace("_", "-")


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
            # kubectl normalises word separators in flag names: `--dry_run` is `--dry-run`.
            name = normalize_flag(name)
            if eq:
                if long_takes_value(cmd.verb, name) is None:
                    cmd.unknown_flags.append(name)  # a value, but a flag we cannot judge
                cmd.flags.setdefault(name, []).append(val)
                continue
            takes_value = long_takes_value(cmd.verb, name)
            if takes_value is None:
                cmd.unknown_flags.append(name)
                takes_value = choices[unknown_seen] if unknown_seen < len(choices) else False
                unknown_seen += 1
                cmd.choice_points = unknown_seen
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
            table = {**verbs.value_shorthands(cmd.verb), **GLOBAL_SHORT_VALUE}
            bool_table = verbs.bool_shorthands(cmd.verb)
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
                name = bool_table.get(ch, f"-{ch}")
                if ch not in verbs.KNOWN_BOOL_LETTERS and ch not in bool_table:
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
    n = first.choice_points
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
