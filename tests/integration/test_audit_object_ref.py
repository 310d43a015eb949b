"""The audit record names the object a command acted on, against the real sandbox, OPA and
spool: `delete pod web-1 -n staging` is recorded as pods / web-1 / staging."""

import subprocess

import pytest
from test_conversation import ScriptedUI

from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions
from kubechat.translate import Translation

pytestmark = pytest.mark.integration


def api(sandbox, *args):
    return subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_delete_is_recorded_with_the_pod_it_deleted(sandbox, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    api(sandbox, "create", "namespace", "staging")
    made = api(sandbox, "run", "web-1", "--image=nginx", "-n", "staging")
    assert made.returncode == 0, made.stderr
    argv = ["delete", "pod", "web-1", "-n", "staging"]
    ui = ScriptedUI(yes=True, typed="web-1")
    conv = Conversation(
        KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig)), ui, Settings(mode="write", use_model=False)
    )
    monkeypatch.setattr(conv, "_translate", lambda r: Translation(request=r, argv=argv, source="rules"))
    out = conv.handle("delete the pod web-1 in staging")
    assert out.status == "executed", (out.status, out.message, out.stderr)
    (record,) = list(conv.trail.spool.records())
    ref = record.objectRef
    assert (ref.resource, ref.name, ref.namespace, ref.apiGroup) == ("pods", "web-1", "staging", None)
    assert record.verb == "delete"
    assert api(sandbox, "get", "pod", "web-1", "-n", "staging").returncode != 0  # really gone
