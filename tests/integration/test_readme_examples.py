"""The README's "Using it" examples, run as written against the sandbox, in the README's order,
from one terminal (follow-ups resolve against that terminal's conversation), each checked for
what its comment promises. The bare interactive `kubectl chat` is driven in tmux by
tests/e2e/test_repl_terminal.py."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"
README = Path(__file__).parents[2] / "README.md"


def readme_examples() -> list[list[str]]:
    """The argv after `kubectl chat` of each line of the README's "Using it" code block."""
    text = README.read_text()
    block = re.search(r"## Using it\s+```bash\n(.*?)```", text, re.S)
    assert block, "README has no 'Using it' bash block"
    out = []
    for line in block.group(1).splitlines():
        command = line.split("#", 1)[0].strip()
        if command.startswith("kubectl chat"):
            out.append(shlex.split(command)[2:])
    return out


@pytest.fixture
def terminal():
    """One pseudo-terminal for the whole walk-through: typed confirmations are read from a
    terminal, and the default conversation is this terminal's."""
    leader, follower = os.openpty()
    yield leader, follower
    os.close(follower)
    os.close(leader)


def test_the_readme_examples_do_what_the_readme_says(sandbox, sandbox_chat_env, terminal):
    leader, follower = terminal
    env = sandbox_chat_env
    kubectl = [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig)]

    def chat(args: list[str], answer: str | None = None) -> subprocess.CompletedProcess:
        if answer is not None:
            os.write(leader, answer.encode() + b"\n")
        return subprocess.run(
            [str(EXE), "--no-model", "--plain", *args],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
        )

    def replicas(ns: str) -> str:
        got = subprocess.run(
            [*kubectl, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return got.stdout.strip()

    examples = readme_examples()
    assert examples[-1] == [], "the block ends with the interactive `kubectl chat`"
    failing, scale, delete, why, first = examples[:5]
    assert len(examples) == 6

    # A read: runs at once; a note first says what kubectl cannot select.
    out = chat(failing)
    assert out.returncode == 0, out.stdout + out.stderr
    shown = out.stdout + out.stderr
    assert "note: kubectl cannot select" in shown and "payments-worker" in out.stdout

    # A write: preview, server dry-run, then y/N.
    before = replicas("staging")
    try:
        out = chat(scale, answer="y")
        assert out.returncode == 0, out.stdout + out.stderr
        assert "staging" in out.stdout + out.stderr  # the preview names the namespace
        assert replicas("staging") == "3"
    finally:
        subprocess.run(
            [*kubectl, "scale", "deployment", "web", "-n", "staging", f"--replicas={before}"], timeout=30
        )

    # Destructive: type the object's name.
    pod = delete[-1].split()[2]  # "delete pod web-7d9c in staging"
    subprocess.run([*kubectl, "delete", "pod", pod, "-n", "staging", "--ignore-not-found"], timeout=60)
    made = subprocess.run(
        [*kubectl, "run", pod, "--image=nginx", "-n", "staging"], capture_output=True, timeout=30
    )
    assert made.returncode == 0, made.stderr
    out = chat(delete, answer=pod)
    assert out.returncode == 0, out.stdout + out.stderr
    gone = subprocess.run([*kubectl, "get", "pod", pod, "-n", "staging"], capture_output=True, timeout=30)
    assert gone.returncode != 0

    # get + events + logs --previous, summarised.
    out = chat(why)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "kubectl get pod payments-worker -n prod" in out.stdout
    assert "logs" in out.stdout and "--previous" in out.stdout and "summary:" in out.stdout

    # Follow-ups resolve against this terminal's last output.
    out = chat(first)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"kubectl describe (pod|pods) \S+ -n prod", out.stdout + out.stderr), out.stdout
