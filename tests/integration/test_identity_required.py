"""A command runs only under the identity the API server confirms: policy rules keyed on users and
groups mean nothing for "unknown". Offline, a request is translated and judged, never run."""

import json
import subprocess

import pytest
from test_conversation import ScriptedUI

from kubechat.conversation import Conversation, Settings
from kubechat.errors import KubechatError
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import rbac

pytestmark = pytest.mark.integration


def replicas(sandbox, ns: str, name: str) -> int:
    got = subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), "get", "deployment", name]
        + ["-n", ns, "-o", "json"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return json.loads(got.stdout)["spec"]["replicas"]


@pytest.fixture
def options(sandbox, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    return KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig))


def test_offline_shows_the_command_and_runs_nothing(options, sandbox):
    start = replicas(sandbox, "staging", "web")
    ui = ScriptedUI(yes=True, typed="web")
    conv = Conversation(options, ui, Settings(mode="write", use_model=False, offline=True, assume_yes=True))
    out = conv.handle(f"scale deployment web in staging to {start + 2}")
    assert out.status == "dry-run" and out.exit_code is None
    assert out.preview is not None and out.preview.argv[0] == "scale"
    assert not any(e[0].startswith("ask") for e in ui.events)
    assert replicas(sandbox, "staging", "web") == start
    record = list(conv.trail.spool.records())[-1]
    assert record.responseStatus.code is None


def test_offline_read_is_not_run_either(options):
    ui = ScriptedUI()
    conv = Conversation(options, ui, Settings(use_model=False, offline=True))
    out = conv.handle("list deployments in prod")
    assert out.status == "dry-run" and out.stdout == ""


@pytest.mark.parametrize("precheck", [True, False], ids=["rbac-precheck", "no-precheck"])
def test_unconfirmed_identity_runs_nothing(options, sandbox, monkeypatch, precheck):
    """The review of who we are fails (an API server that refuses it, a flaky proxy): the write that
    kubectl could otherwise perform is refused, with or without the RBAC pre-check."""

    def refuse(_options=None):
        raise KubechatError("SelfSubjectReview refused")

    monkeypatch.setattr(rbac, "whoami", refuse)
    start = replicas(sandbox, "staging", "web")
    ui = ScriptedUI(yes=True, typed="web")
    settings = Settings(mode="write", use_model=False, assume_yes=True, rbac_precheck=precheck)
    conv = Conversation(options, ui, settings)
    out = conv.handle(f"scale deployment web in staging to {start + 1}")
    assert out.status == "error", (out.status, out.message)
    assert "did not confirm who you are" in out.message
    assert replicas(sandbox, "staging", "web") == start
    diag = conv.handle("why is payments-worker failing in prod?")
    assert diag.status == "error" and diag.stdout == ""
