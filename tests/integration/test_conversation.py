"""The conversation library driven directly (the CLI is a thin layer over it), against the real
sandbox, the real OPA sidecar and the real audit spool, with a scripted UI answering prompts."""

import json
import subprocess
from contextlib import nullcontext

import pytest

from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions

pytestmark = pytest.mark.integration


class ScriptedUI:
    """Records what was shown; answers confirmations from a script."""

    def __init__(self, yes: bool = True, typed: str | None = None):
        self.yes, self.typed = yes, typed
        self.events: list[tuple[str, object]] = []

    def thinking(self):
        return nullcontext()

    def info(self, text):
        self.events.append(("info", text))

    def clarify(self, q):
        self.events.append(("clarify", q))

    def preview(self, p):
        self.events.append(("preview", p))

    def denied(self, p, why, detail=""):
        self.events.append(("denied", why))

    def confirm_yes(self, p):
        self.events.append(("ask-yes", p.command))
        return self.yes

    def confirm_typed(self, p, phrase):
        self.events.append(("ask-typed", phrase))
        return self.typed == phrase

    def stdout(self, line):
        pass

    def stderr(self, line):
        pass

    def finished(self, o):
        self.events.append(("finished", o.status))


def api(sandbox, *args):
    return subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def options(sandbox, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    return KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig))


def test_every_outcome_is_audited_with_identity_and_decision(options):
    ui = ScriptedUI()
    conv = Conversation(options, ui, Settings(mode="read-only", use_model=False))
    read = conv.handle("list deployments in prod")
    denied = conv.handle("delete namespace prod")
    vague = conv.handle("fix my cluster")
    assert (read.status, denied.status, vague.status) == ("executed", "denied", "clarify")
    records = list(conv.trail.spool.records())
    assert [r.annotations["kubechat.io/status"] for r in records] == ["executed", "denied", "clarify"]
    assert {r.user.username for r in records} == {"sandbox-admin"}
    assert records[0].policy.decision == "allow" and records[0].responseStatus.code == 0
    assert records[1].policy.decision == "deny" and records[1].stage == "Denied"
    assert records[1].responseStatus.code is None  # never ran
    assert "web" in read.stdout


def test_large_scale_down_needs_typed_confirmation(options, sandbox):
    api(sandbox, "scale", "deployment", "web", "-n", "prod", "--replicas=3")
    ui = ScriptedUI(yes=True, typed=None)  # says yes, but never types the name
    conv = Conversation(options, ui, Settings(mode="write", use_model=False, assume_yes=True))
    out = conv.handle("scale deployment web in prod to 1")
    assert out.status == "cancelled"
    assert out.preview.risk == "destructive"
    assert ("ask-typed", "web") in ui.events
    got = json.loads(api(sandbox, "get", "deployment", "web", "-n", "prod", "-o", "json").stdout)
    assert got["spec"]["replicas"] == 3


def test_write_shows_server_dry_run_then_runs_after_yes(options, sandbox):
    ui = ScriptedUI(yes=True)
    conv = Conversation(options, ui, Settings(mode="write", use_model=False))
    out = conv.handle("label deployment api in dev team=payments")
    assert out.status == "dry-run-failed"  # there is no api deployment in dev: the server dry run says so
    out = conv.handle("label deployment sandbox-app in dev team=payments")
    assert out.status == "executed", out
    assert "(server dry run)" in (out.preview.dry_run_output or "")
    assert ("ask-yes", out.preview.command) in ui.events
    labels = json.loads(api(sandbox, "get", "deployment", "sandbox-app", "-n", "dev", "-o", "json").stdout)
    assert labels["metadata"]["labels"]["team"] == "payments"


def test_unreachable_policy_engine_denies_writes(options, sandbox, monkeypatch):
    monkeypatch.setenv("KUBECHAT_OPA_URL", "http://127.0.0.1:9")
    ui = ScriptedUI(yes=True)
    conv = Conversation(options, ui, Settings(mode="write", use_model=False))
    out = conv.handle("scale deployment web in staging to 5")
    assert out.status == "denied"
    assert out.preview.policy_available is False
    assert not any(e[0] == "ask-yes" for e in ui.events)
    record = list(conv.trail.spool.records())[-1]
    assert record.policy.decision == "error"


def test_dry_run_never_executes(options, sandbox):
    ui = ScriptedUI(yes=True)
    conv = Conversation(options, ui, Settings(mode="write", use_model=False, dry_run=True))
    out = conv.handle("delete configmap app-settings in dev")
    assert out.status == "dry-run" and out.exit_code is None
    assert not any(e[0].startswith("ask") for e in ui.events)
    assert api(sandbox, "get", "configmap", "app-settings", "-n", "dev").returncode == 0


def test_diagnosis_reads_status_events_and_previous_logs(options):
    ui = ScriptedUI()
    conv = Conversation(options, ui, Settings(use_model=False))
    out = conv.handle("why is payments-worker failing in prod?")
    assert out.status == "executed"
    assert "CrashLoopBackOff" in out.message
    assert "panic: connect to database" in out.stdout
    assert "kubectl logs payments-worker -n prod --previous" in out.stdout


def test_unreachable_cluster_is_one_clear_error_and_nothing_runs(unreachable_kubeconfig):
    ui = ScriptedUI()
    conv = Conversation(KubectlOptions(kubeconfig=str(unreachable_kubeconfig)), ui, Settings(use_model=False))
    out = conv.handle("list pods in prod")
    assert out.status == "error" and out.exit_code is None
    assert (
        out.message
        == "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?"
    )
    record = list(conv.trail.spool.records())[-1]
    assert record.stage == "Failed" and record.responseStatus.code is None
