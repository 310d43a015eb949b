"""Completion against the sandbox: object names come from the cluster, in the namespace the
request will run in, after the words people type ("logs of pay"); namespaces after -n, /ns and
"in"; users from the local audit log after `audit query --user`. The shell's candidates and the
REPL's Tab share the logic; both are checked here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.document import Document

from kubechat import completion, paths
from kubechat.audit.spool import default_path
from kubechat.kubectl_options import KubectlOptions
from kubechat.repl import ChatCompleter

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"


@pytest.fixture
def on_path(monkeypatch):
    monkeypatch.setenv("PATH", f"{paths.testbin_dir()}:{os.environ['PATH']}")


@pytest.fixture
def shell(sandbox, on_path):
    def complete(*words: str) -> list[str]:
        return completion.candidates(["--kubeconfig", str(sandbox.admin_kubeconfig), *words])

    return complete


def tab(completer: ChatCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), None)]


@pytest.fixture
def repl(sandbox, on_path):
    return ChatCompleter(KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig)), offline=False)


def test_names_follow_natural_phrasing_in_the_namespace_said(shell):
    # No namespace said and none in the default one: the pod comes with the namespace it is in.
    assert shell("logs", "of", "pay") == ["payments-worker in prod"]
    assert shell("-n", "prod", "logs", "of", "pay") == ["payments-worker"]
    assert shell("show", "logs", "in", "staging", "of", "rep") == ["report-generator"]
    assert shell("scale", "deployment", "w") == ["web in prod", "web in staging"]
    assert shell("--namespace", "staging", "scale", "w") == ["web"]
    assert shell("describe", "deployment", "in", "dev", "") == ["sandbox-app"]
    # One quoted word: the candidate is the whole word, which the shell replaces whole.
    assert shell('"logs of pay') == ["logs of payments-worker in prod"]
    assert shell("drain", "kwok-node-") and all(n.startswith("kwok-node-") for n in shell("drain", "kwok-"))


def test_namespaces_not_resource_types_after_n_and_in(shell):
    assert shell("-n", "st") == ["staging"]
    assert {"prod", "staging", "dev"} <= set(shell("list", "pods", "-n", ""))
    assert "pods" not in shell("list", "pods", "-n", "")
    assert shell("list", "pods", "in", "d") == ["default", "dev"]


def test_audit_query_user_offers_users_of_the_local_audit_log(sandbox, shell, isolated_home):
    assert shell("audit", "query", "--user", "") == []  # no log yet, and completion creates none
    assert not default_path().exists()
    env = {**os.environ, "KUBECHAT_HOME": str(isolated_home)}
    for kubeconfig in (sandbox.admin_kubeconfig, sandbox.limited_kubeconfig):
        out = subprocess.run(
            [str(EXE), "--kubeconfig", str(kubeconfig), "--no-model", "list pods in prod"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert out.returncode == 0, out.stderr
    assert completion.candidates(["audit", "query", "--user", ""]) == [sandbox.limited_user, "sandbox-admin"]
    assert completion.candidates(["audit", "query", "--user", "j"]) == [sandbox.limited_user]


def test_repl_tab_completes_names_namespaces_and_slash_arguments(repl):
    assert tab(repl, "logs of pay") == ["payments-worker in prod"]
    assert tab(repl, "/ns st") == ["staging"]
    assert tab(repl, "/mode w") == ["write"]
    assert "sandbox-admin" in tab(repl, "/context sandbox")
    assert tab(repl, "list pods -n pr") == ["prod"]
    repl.options.namespace = "prod"  # what /ns prod does
    assert tab(repl, "logs of pay") == ["payments-worker"]
    assert tab(repl, "describe deployments w") == ["web"]
    assert tab(repl, "list pods in staging, then logs of rep") == ["report-generator"]
