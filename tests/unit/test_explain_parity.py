"""`policy explain` takes the same path as a real run: over the adversarial corpus, explain and
the conversation send the policy the same input (same -A scoping, namespace, mode, identity,
replica facts), so they get the same decision."""

import json
from pathlib import Path

import pytest
import yaml

from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import rbac
from kubechat.safety.explain import explain
from kubechat.safety.policy import Decision

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "data" / "adversarial.yaml").read_text())
CASES = [c["argv"] for c in CORPUS["argv"] if "argv" in c and c["argv"]]


def _decide(inp, settings=None):
    # Deterministic in the input: two paths that build the same input get the same decision.
    return Decision(allow=inp.risk == "read", reasons=[inp.model_dump_json()], source="test")


@pytest.fixture
def online(tmp_path, monkeypatch):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "x",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "staging"}}],
            }
        )
    )
    monkeypatch.setattr("kubechat.safety.evaluate.decide", _decide)
    # The cluster says who we are (the same answer for both paths).
    monkeypatch.setattr(rbac, "whoami", lambda options=None: rbac.Identity("alice", ["kubechat:developers"]))
    monkeypatch.setattr("kubechat.safety.replicas.current_replicas", lambda *a, **k: 4)
    monkeypatch.setenv("KUBECHAT_MODE", "write")
    return KubectlOptions(kubeconfig=str(kubeconfig), all_namespaces=True)


@pytest.mark.parametrize("argv", CASES, ids=[repr(" ".join(a))[:60] for a in CASES])
def test_explain_and_a_real_run_decide_alike(online, argv):
    from kubechat.config import resolve_mode

    conv = Conversation(online, ui=None, settings=Settings(mode=resolve_mode(False), rbac_precheck=False))
    from kubechat.safety.evaluate import scoped_argv

    target = conv.target()
    preview = conv._assess("r", scoped_argv(list(argv), online), "rules", target)
    got = explain(argv=list(argv), options=online)
    assert got.decision.reasons == preview.reasons  # the whole policy input, serialised
    assert (got.decision.allow, got.decision.confirm) == (preview.policy_allow, preview.confirm)
