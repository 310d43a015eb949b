"""Intent ⇄ argv: parsing, rendering and the round trip on every reference command we know."""

import glob
import json

import pytest

from kubechat.intent import Intent
from kubechat.translate.compare import canonical, split_command

EVAL = sorted(glob.glob("/work/shared/eval/*.jsonl"))


def _eval_commands():
    for path in EVAL:
        for line in open(path):
            row = json.loads(line)
            if row.get("kubectl"):
                yield row["kubectl"]


@pytest.mark.skipif(not EVAL, reason="evaluation sets not present")
def test_every_eval_command_round_trips():
    failures = []
    n = 0
    for cmd in _eval_commands():
        n += 1
        argv = split_command(cmd)
        intent = Intent.from_argv(argv)
        back = intent.to_argv()
        if canonical(back) != canonical(argv) or Intent.from_argv(back) != intent:
            failures.append((cmd, back))
    assert n > 500
    assert failures == []


@pytest.mark.parametrize(
    "argv, verb, resource, names",
    [
        (["get", "pods", "-n", "prod"], "get", "pods", []),
        (["-n", "x", "delete", "pod,svc", "--all"], "delete", "pod,svc", []),
        (["rollout", "restart", "deployment/web"], "rollout restart", "deployment", ["web"]),
        (["create", "secret", "generic", "s", "--from-literal=a=b"], "create secret generic", None, ["s"]),
        (["config", "use-context", "prod-eu"], "config use-context", None, ["prod-eu"]),
        (["logs", "-f", "-c", "ruby", "web-1"], "logs", None, ["web-1"]),
        (["top", "pods"], "top pod", None, []),
        (["create", "ns", "team"], "create namespace", None, ["team"]),
    ],
)
def test_parse_shapes(argv, verb, resource, names):
    it = Intent.from_argv(argv)
    assert (it.verb, it.resource, it.names) == (verb, resource, names)


def test_flags_short_long_and_values():
    it = Intent.from_argv(["logs", "-f", "-p", "web", "--tail", "20", "-c=app", "--since=1h"])
    assert it.has_flag("follow") and it.has_flag("previous")
    assert it.flag("tail") == "20" and it.flag("container") == "app" and it.flag("since") == "1h"
    it = Intent.from_argv(["get", "pods", "-oyaml", "-lapp=web", "-A"])
    assert (it.output, it.selector, it.all_namespaces) == ("yaml", "app=web", True)


def test_command_after_double_dash_and_render():
    it = Intent.from_argv(["exec", "-it", "web", "--", "ls", "-la", "/tmp"])
    assert it.command == ["ls", "-la", "/tmp"]
    assert it.to_argv()[-4:] == ["--", "ls", "-la", "/tmp"]
    assert Intent.from_argv(it.to_argv()) == it


@pytest.mark.parametrize("bad", [[], ["frobnicate", "pods"], ["get", "pods\nrm"], ["-n", "x"]])
def test_rejects_non_commands(bad):
    with pytest.raises(ValueError):
        Intent.from_argv(bad)


def test_command_string_is_shell_quoted():
    it = Intent(verb="annotate", resource="pods", names=["foo"], args=["description=my frontend"])
    assert it.command_string() == "kubectl annotate pods foo 'description=my frontend'"
