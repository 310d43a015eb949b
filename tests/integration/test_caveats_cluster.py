"""Against the sandbox: what kubectl cannot select of a request is said before the command runs
(plain preview and the chat-json envelope), what it can select is in the command (a node, the
Warning type), and a change never widens an unselectable state to every object."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"


@pytest.fixture
def chat(sandbox_chat_env):
    # stderr into stdout: one stream, in the order the user sees the note and kubectl's table
    merged = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True, "timeout": 120}
    return lambda *args: subprocess.run([str(EXE), *args], env=sandbox_chat_env, **merged)


def test_the_caveat_is_shown_before_the_listing(chat):
    out = chat("--plain", "which pods in prod keep crash looping?")
    assert out.returncode == 0, out.stdout
    lines = out.stdout.splitlines()
    note = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("note: kubectl cannot select"))
    table = next(i for i, ln in enumerate(lines) if ln.startswith("payments-worker"))
    assert note < table
    assert "crash-looping pods" in lines[note] and "showing all pods in prod" in lines[note]
    command = next(ln for ln in lines if ln.startswith("→ kubectl"))
    assert command.startswith("→ kubectl get pods -n prod ")


def test_the_chat_json_envelope_carries_the_caveat(chat):
    out = chat("--output-format", "chat-json", "list the unhealthy pods in prod")
    assert out.returncode == 0, out.stdout
    doc = json.loads(out.stdout)
    assert doc["status"] == "executed" and doc["argv"] == ["get", "pods", "-n", "prod"]
    assert len(doc["caveats"]) == 1 and doc["caveats"][0].startswith("kubectl cannot select failing pods")
    assert "payments-worker" in doc["stdout"]


@pytest.mark.parametrize("node,present", [("kwok-node-0", True), ("kwok-node-1", False)])
def test_pods_placed_on_a_node_are_selected_by_its_name(chat, node, present):
    out = chat("--output-format", "chat-json", f"show me the pods placed on {node} in prod")
    doc = json.loads(out.stdout)
    assert doc["argv"] == ["get", "pods", "-n", "prod", f"--field-selector=spec.nodeName={node}"]
    assert doc["caveats"] == []
    assert ("payments-worker" in doc["stdout"]) is present  # the crash-looping pod is bound to node 0


def test_warnings_with_a_time_are_warning_events_and_the_time_is_named(chat):
    out = chat("--output-format", "chat-json", "were there any warnings in prod lately?")
    doc = json.loads(out.stdout)
    assert doc["argv"] == ["events", "-n", "prod", "--types=Warning"]
    assert "'lately'" in doc["caveats"][0]
    assert "BackOff" in doc["stdout"]


def test_a_change_never_widens_an_unselectable_state(chat, sandbox_chat_env):
    out = chat("--plain", "--write", "--yes", "delete all crashing pods in prod")
    assert out.returncode == 2, out.stdout  # a question, nothing run
    assert "kubectl cannot select crash-looping pods" in out.stdout
    still = subprocess.run(
        ["kubectl", "get", "pod", "payments-worker", "-n", "prod", "-o", "name"],
        capture_output=True,
        text=True,
        env=sandbox_chat_env,
        timeout=60,
    )
    assert still.stdout.strip() == "pod/payments-worker"


def test_the_record_keeps_the_caveat_the_user_was_shown(chat):
    shown = json.loads(chat("--output-format", "chat-json", "list the unhealthy pods in prod").stdout)
    out = chat("audit", "query", "--limit", "1", "-o", "json")
    assert out.returncode == 0, out.stdout
    (record,) = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert record["argv"] == ["get", "pods", "-n", "prod"]
    assert record["annotations"]["kubechat.io/caveats"] == " | ".join(shown["caveats"])
    assert shown["caveats"]
