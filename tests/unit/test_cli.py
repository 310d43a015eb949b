"""The CLI surface: kubectl-style invocation, help for every command, no tracebacks."""

import subprocess
import sys
from pathlib import Path

import click

from kubechat import __version__, cli

EXE = Path(sys.executable).parent / "kubectl-chat"


def run(*args, **kw):
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=60, **kw)


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"kubectl chat {__version__}"


def test_help_starts_with_kubectl_chat():
    out = run("--help")
    assert out.returncode == 0
    assert out.stdout.startswith("kubectl chat")


def test_every_command_has_help():
    ctx = click.Context(cli.cli)
    for name in [n for n, _, _ in cli.COMMANDS]:
        cmd = cli.cli.get_command(ctx, name)
        assert cmd is not None and (cmd.help or "").strip(), f"{name} lacks help"
        if isinstance(cmd, click.Group):
            for sub in cmd.commands.values():
                assert (sub.help or sub.short_help or "").strip(), f"{name} {sub.name} lacks help"


def test_unknown_first_word_is_a_request_and_flags_may_come_first():
    ctx = click.Context(cli.cli)
    rest = cli.cli.parse_args(ctx, ["-n", "prod", "list pods"])
    words = [*getattr(ctx, "_protected_args", []), *rest]
    assert words == ["ask", "-n", "prod", "list pods"]
    ctx = click.Context(cli.cli)
    rest = cli.cli.parse_args(ctx, ["sandbox", "status"])
    assert [*getattr(ctx, "_protected_args", []), *rest] == ["sandbox", "status"]


def test_user_errors_have_no_traceback(tmp_path):
    out = run("sandbox", "env", "--dir", str(tmp_path / "nothing"))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "sandbox up" in out.stderr


def test_bad_flag_is_a_usage_error():
    out = run("--no-such-flag", "x")
    assert out.returncode == 2 and "No such option" in out.stderr and "Traceback" not in out.stderr


def test_mistyped_paths_are_caught_before_anything_runs(tmp_path):
    out = run("--kubeconfig", str(tmp_path / "nope"), "list pods")
    assert out.returncode == 2 and "does not exist" in out.stderr and "Traceback" not in out.stderr
    out = run("--offline", "--model", str(tmp_path / "nope.gguf"), "list pods")
    assert out.returncode == 2 and "model file" in out.stderr and "model list" in out.stderr
