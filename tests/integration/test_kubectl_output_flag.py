"""`kubectl chat -o FORMAT "REQUEST"` keeps kubectl's meaning: the format goes to the kubectl that
runs, as a flag of the command the policy judges; the JSON description of the outcome is
`--output-format chat-json`. Piped, nothing is hard-wrapped and the command is still shown."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"


@pytest.fixture
def chat(sandbox_chat_env):
    env = sandbox_chat_env

    def run(*args: str) -> subprocess.CompletedProcess:
        # stdout and stderr are pipes: the way scripts see kubectl chat.
        return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120, env=env)

    return run


def test_o_formats_reach_kubectl(chat):
    out = chat("-o", "yaml", "get deployment web in prod")
    assert out.returncode == 0, out.stderr
    assert "kind: Deployment" in out.stdout and "name: web" in out.stdout
    assert "kubectl get --output=yaml deployments web -n prod" in out.stderr
    out = chat("-o", "name", "list pods in prod")
    assert (
        out.returncode == 0 and out.stdout.split() and all(ln.startswith("pod/") for ln in out.stdout.split())
    )
    out = chat("-o", "jsonpath={.items[*].metadata.name}", "list deployments in prod")
    assert out.returncode == 0 and "web" in out.stdout.split()
    out = chat("-o", "custom-columns=NAME:.metadata.name,NS:.metadata.namespace", "list pods in prod")
    assert out.returncode == 0 and out.stdout.splitlines()[0].split() == ["NAME", "NS"]
    out = chat("-o", "wide", "list pods in prod")
    assert out.returncode == 0 and "NODE" in out.stdout.splitlines()[0]


def test_the_policy_judges_the_format(chat):
    # A secret's metadata is a read; its data, with -o yaml, is refused.
    out = chat("-o", "yaml", "get secret db-credentials in prod")
    assert out.returncode == 3
    assert "kubectl get --output=yaml secrets db-credentials -n prod" in out.stderr
    assert "reading secret contents" in out.stderr and "nothing was run" in out.stderr
    assert "password" not in out.stdout


def test_a_conflicting_format_is_a_clear_error(chat):
    out = chat("-o", "yaml", "get deployment web in prod as json")
    assert out.returncode == 2
    assert out.stderr.startswith("error: -o yaml conflicts") and "Traceback" not in out.stderr
    out = chat("-o", "yaml", "why is payments-worker failing in prod?")
    assert out.returncode == 2 and out.stderr.startswith("error: -o yaml does not apply to a diagnosis")


def test_the_chat_envelope_has_its_own_name(chat):
    out = chat("--output-format", "chat-json", "list pods in prod")
    assert out.returncode == 0
    doc = json.loads(out.stdout)
    assert doc["status"] == "executed" and doc["argv"] == ["get", "pods", "-n", "prod"]
    assert "payments-worker" in doc["stdout"]


def test_piped_output_is_never_hard_wrapped_and_plain_still_shows_the_command(chat):
    columns = ",".join(f"COLUMN_{i}:.metadata.name" for i in range(12))  # a 300-column command
    out = chat("--plain", "-o", f"custom-columns={columns}", "list pods in prod")
    assert out.returncode == 0
    line = next(ln for ln in out.stderr.splitlines() if ln.startswith("→ kubectl get"))
    assert len(line) > 300 and line.endswith("read · allowed · context sandbox-admin, namespace prod")
    assert f"--output=custom-columns={columns}" in line
    assert len(out.stdout.splitlines()[0]) > 100  # kubectl's own wide table, unwrapped
    # The full plain preview of a write: the command on one line.
    jsonpath = "jsonpath=" + "".join(f"{{.metadata.name}}-{i} " for i in range(16))
    out = chat("--plain", "--write", "--dry-run", "-o", jsonpath, "scale deployment web in staging to 3")
    assert out.returncode == 0, out.stderr
    command = next(ln for ln in out.stderr.splitlines() if ln.startswith("command: kubectl scale"))
    assert len(command) > 300 and command.endswith("--replicas=3")
