"""A diagnosis ("why is X failing?") against the real sandbox, OPA and spool: every read goes
through the policy and the RBAC pre-check like any command, and every read is audited, one record
per read naming its command and object, all tied to the one request by the turn's id. A read the
user's RBAC forbids is not run, and the diagnosis says so."""

import pytest
from test_conversation import ScriptedUI, api

from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions
from kubechat.turn import TURN_ID

pytestmark = pytest.mark.integration


def test_every_read_of_a_diagnosis_has_its_own_record(sandbox, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    conv = Conversation(
        KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig)), ScriptedUI(), Settings(use_model=False)
    )
    out = conv.handle("why is payments-worker failing in prod?")
    assert out.status == "executed", (out.status, out.message)
    records = list(conv.trail.spool.records())
    assert [r.argv for r in records] == [
        ["get", "pod", "payments-worker", "-n", "prod", "-o", "json"],
        [
            "get",
            "events",
            "-n",
            "prod",
            "--field-selector",
            "involvedObject.name=payments-worker",
            "-o",
            "json",
        ],
        ["logs", "payments-worker", "-n", "prod", "--previous", "--tail=20"],
    ]
    refs = [(r.objectRef.resource, r.objectRef.name, r.objectRef.namespace) for r in records]
    assert refs == [
        ("pods", "payments-worker", "prod"),
        ("events", None, "prod"),
        ("pods", "payments-worker", "prod"),
    ]
    assert {r.request for r in records} == {"why is payments-worker failing in prod?"}
    assert len({r.annotations[TURN_ID] for r in records}) == 1
    assert [r.annotations["kubechat.io/step"] for r in records] == ["1", "2", "3"]
    assert all(r.stage == "ResponseComplete" and r.responseStatus.code == 0 for r in records)
    assert all(r.policy.decision == "allow" and r.rbac.allowed is True for r in records)
    assert out.record_id == records[-1].auditID
    assert conv.trail.verify().ok


@pytest.fixture
def pod_without_events_access(sandbox, tmp_path):
    """A namespace where the limited user may get pods and nothing else (not list events)."""
    ns = "diagnose-limited"
    api(sandbox, "create", "namespace", ns)
    made = api(sandbox, "run", "lonely", "--image=nginx", "-n", ns)
    assert made.returncode == 0, made.stderr
    role = f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: pod-reader, namespace: {ns}}}
rules: [{{apiGroups: [""], resources: [pods], verbs: [get]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: pod-reader, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}}
subjects: [{{kind: User, name: {sandbox.limited_user}, apiGroup: rbac.authorization.k8s.io}}]
"""
    (tmp_path / "role.yaml").write_text(role)
    applied = api(sandbox, "apply", "-f", str(tmp_path / "role.yaml"))
    assert applied.returncode == 0, applied.stderr
    yield ns
    api(sandbox, "delete", "namespace", ns, "--wait=false")


def test_a_read_rbac_forbids_is_not_run_and_is_reported(sandbox, pod_without_events_access, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    ns = pod_without_events_access
    conv = Conversation(
        KubectlOptions(kubeconfig=str(sandbox.limited_kubeconfig)), ScriptedUI(), Settings(use_model=False)
    )
    out = conv.handle(f"why is pod lonely failing in {ns}?")
    assert out.status == "executed", (out.status, out.message)
    events = ["get", "events", "-n", ns, "--field-selector", "involvedObject.name=lonely", "-o", "json"]
    # The pod was read; the events were not, and the diagnosis names what was missing.
    assert "kubectl get pod lonely" in out.stdout
    assert "checked:\n  kubectl get pod lonely" in out.stdout and "  kubectl get events" not in out.stdout
    assert f"skipped `kubectl get events -n {ns}" in out.stdout
    assert f"you need `list` on `events` in `{ns}`" in out.stdout
    got, refused = list(conv.trail.spool.records())
    assert got.argv[:3] == ["get", "pod", "lonely"] and got.stage == "ResponseComplete"
    assert (got.objectRef.resource, got.objectRef.name, got.objectRef.namespace) == ("pods", "lonely", ns)
    assert refused.argv == events
    assert refused.stage == "Denied" and refused.responseStatus.code is None  # never ran
    assert refused.annotations["kubechat.io/status"] == "rbac-denied"
    assert refused.rbac.allowed is False
    assert (refused.objectRef.resource, refused.objectRef.namespace) == ("events", ns)
    assert got.user.username == refused.user.username == sandbox.limited_user
    assert got.annotations[TURN_ID] == refused.annotations[TURN_ID]
