"""The collector's Helm chart passes `helm lint` and renders the objects the collector needs."""

import subprocess
from pathlib import Path

import pytest
import yaml

from kubechat import paths

pytestmark = pytest.mark.integration
CHART = Path(__file__).resolve().parents[2] / "deploy" / "helm" / "kubectl-chat-collector"


@pytest.fixture(scope="module")
def helm():
    path = paths.testbin_dir() / "helm"
    if not path.exists():
        pytest.fail(f"{path} is missing: build it with `make testbin`")
    return path


def _helm(helm, *args):
    proc = subprocess.run([str(helm), *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_helm_lint_passes(helm):
    out = _helm(helm, "lint", "--strict", str(CHART))
    assert "0 chart(s) failed" in out


def test_rendered_chart_runs_the_collector_with_its_keys_and_storage(helm):
    docs = [d for d in yaml.safe_load_all(_helm(helm, "template", "audit", str(CHART))) if d]
    by_kind = {d["kind"]: d for d in docs}
    assert {"Deployment", "Service", "PersistentVolumeClaim", "ServiceAccount"} <= set(by_kind)
    pod = by_kind["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"][:2] == ["collector", "serve"]
    assert "--key-file=/etc/collector/keys/records.key" in container["args"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["keys"]["secret"]["secretName"] == "kubectl-chat-collector-keys"
    assert (
        volumes["data"]["persistentVolumeClaim"]["claimName"]
        == by_kind["PersistentVolumeClaim"]["metadata"]["name"]
    )
    assert pod["serviceAccountName"] == by_kind["ServiceAccount"]["metadata"]["name"]
    assert by_kind["Service"]["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    assert "ClusterRole" not in by_kind  # selfsubjectreview needs no extra permissions


def test_tokenreview_identity_adds_exactly_the_permission_it_needs(helm):
    out = _helm(helm, "template", "audit", str(CHART), "--set", "identity=tokenreview")
    docs = {d["kind"]: d for d in yaml.safe_load_all(out) if d}
    assert docs["ClusterRole"]["rules"] == [
        {"apiGroups": ["authentication.k8s.io"], "resources": ["tokenreviews"], "verbs": ["create"]}
    ]


def test_discovery_configmap_readable_by_every_authenticated_user_and_nothing_more(helm, tmp_path):
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    out = _helm(
        helm,
        *("template", "audit", str(CHART), "--namespace", "audit"),
        *("--set", "discovery.checkpointPublicKey=PUBKEY", "--set-file", f"discovery.caBundle={ca}"),
    )
    docs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(out) if d}
    cm = docs[("ConfigMap", "kubechat-collector")]
    assert cm["metadata"]["namespace"] == "kubechat-system"
    assert cm["data"] == {
        "url": "https://audit-kubectl-chat-collector.audit.svc:8443",
        "ca.crt": ca.read_text(),
        "checkpoint-public-key": "PUBKEY",
    }
    role = docs[("Role", "kubechat-collector-discovery")]
    assert role["metadata"]["namespace"] == "kubechat-system"
    assert role["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": ["kubechat-collector"],
            "verbs": ["get"],
        }
    ]
    binding = docs[("RoleBinding", "kubechat-collector-discovery")]
    assert binding["roleRef"]["name"] == "kubechat-collector-discovery"
    assert binding["subjects"] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"}
    ]
    url = _helm(helm, "template", "audit", str(CHART), "--set", "discovery.url=https://audit.example.com")
    assert 'url: "https://audit.example.com"' in url
