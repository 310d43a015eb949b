"""The collector's Helm chart passes `helm lint` and renders the objects the collector needs."""

import base64
import json
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


def _render(helm, *args) -> dict[tuple[str, str], dict]:
    out = _helm(helm, "template", "audit", str(CHART), "--namespace", "kubechat-system", *args)
    return {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(out) if d}


def _pod(docs) -> dict:
    return docs[("Deployment", "audit-kubectl-chat-collector")]["spec"]["template"]["spec"]


def test_rendered_chart_runs_the_collector_with_its_keys_and_storage(helm):
    docs = _render(helm)
    kinds = {kind for kind, _ in docs}
    assert {"Deployment", "Service", "PersistentVolumeClaim", "ServiceAccount", "Secret"} <= kinds
    pod = _pod(docs)
    (container,) = pod["containers"]
    assert container["args"][:2] == ["collector", "serve"]
    assert "--key-file=/etc/collector/keys/records.key" in container["args"]
    assert "--tls-cert=/etc/collector/tls/tls.crt" in container["args"]
    assert not any(a.startswith("--api-server") for a in container["args"])  # in-cluster by default
    for probe in (container["readinessProbe"], container["livenessProbe"]):
        assert probe["httpGet"] == {"path": "/healthz", "port": "https", "scheme": "HTTPS"}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["keys"]["secret"]["secretName"] == "audit-kubectl-chat-collector-keys"
    assert volumes["tls"]["secret"]["secretName"] == "audit-kubectl-chat-collector-tls"
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "audit-kubectl-chat-collector"
    assert ("PersistentVolumeClaim", "audit-kubectl-chat-collector") in docs
    assert pod["serviceAccountName"] == "audit-kubectl-chat-collector"
    assert not {"nodeSelector", "tolerations", "hostNetwork"} & set(pod)  # generic defaults
    service = docs[("Service", "audit-kubectl-chat-collector")]
    assert service["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    assert service["spec"]["ports"] == [{"name": "https", "port": 8443, "targetPort": "https"}]
    assert "ClusterRole" not in kinds  # selfsubjectreview needs no extra permissions
    assert "ServiceMonitor" not in kinds  # only when the Prometheus Operator is there


def test_keys_and_a_certificate_are_generated_when_none_are_given(helm, tmp_path):
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID

    from kubechat.collector.crypto import BodyCipher, CheckpointSigner

    docs = _render(helm, "--set", "tls.extraHosts={10.1.2.3,audit.example.com}")
    keys = docs[("Secret", "audit-kubectl-chat-collector-keys")]
    tls = docs[("Secret", "audit-kubectl-chat-collector-tls")]
    for secret in (keys, tls):  # uninstalling must not orphan the records they seal
        assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    files = {k: base64.b64decode(v) for k, v in keys["data"].items()}
    assert set(files) == {"records.key", "checkpoint-signing.pem"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    BodyCipher.from_file(tmp_path / "records.key")  # AES-256, base64, as init-keys writes it
    CheckpointSigner.from_file(tmp_path / "checkpoint-signing.pem")  # raises unless Ed25519
    assert tls["type"] == "kubernetes.io/tls" and set(tls["data"]) == {"tls.crt", "tls.key", "ca.crt"}
    ca_pem = base64.b64decode(tls["data"]["ca.crt"])
    cert = x509.load_pem_x509_certificate(base64.b64decode(tls["data"]["tls.crt"]))
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_pem))
    names = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    assert "audit-kubectl-chat-collector.kubechat-system.svc" in names.get_values_for_type(x509.DNSName)
    assert "audit.example.com" in names.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["10.1.2.3"]
    # Users and `helm test` are given the same CA as the one that signed the certificate.
    assert docs[("ConfigMap", "kubechat-collector")]["data"]["ca.crt"] == ca_pem.decode()
    assert docs[("ConfigMap", "audit-kubectl-chat-collector-ca")]["data"]["ca.crt"] == ca_pem.decode()


def test_existing_secrets_are_used_and_nothing_is_generated(helm):
    docs = _render(helm, "--set", "keys.existingSecret=my-keys", "--set", "tls.existingSecret=my-tls")
    assert not [name for kind, name in docs if kind == "Secret"]
    volumes = {v["name"]: v for v in _pod(docs)["volumes"]}
    assert volumes["keys"]["secret"]["secretName"] == "my-keys"
    assert volumes["tls"]["secret"]["secretName"] == "my-tls"


def test_placement_network_and_storage_values_reach_the_pods(helm):
    toleration = {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}
    docs = _render(
        helm,
        *("--set", "nodeSelector.dedicated=audit", "--set-json", f"tolerations=[{json.dumps(toleration)}]"),
        *("--set", "hostNetwork=true", "--set", "port=9443", "--set", "apiServer=https://10.0.0.1:6443"),
        *("--set", "persistence.type=hostPath", "--set", "persistence.hostPath=/srv/audit"),
        *("--set", "discovery.url=https://10.1.2.3:9443"),
    )
    pod = _pod(docs)
    test_pod = docs[("Pod", "audit-kubectl-chat-collector-test-healthz")]["spec"]
    for spec in (pod, test_pod):  # the test pod runs the same image, so it goes where the image is
        assert spec["nodeSelector"] == {"dedicated": "audit"} and spec["tolerations"] == [toleration]
    assert pod["hostNetwork"] is True and pod["dnsPolicy"] == "ClusterFirstWithHostNet"
    (container,) = pod["containers"]
    assert "--listen=0.0.0.0:9443" in container["args"] and container["ports"][0]["containerPort"] == 9443
    assert "--api-server=https://10.0.0.1:6443" in container["args"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["data"]["hostPath"] == {"path": "/srv/audit", "type": "Directory"}
    assert not [name for kind, name in docs if kind == "PersistentVolumeClaim"]
    (check,) = test_pod["containers"]
    assert check["args"] == [
        "collector",
        "healthz",
        "https://10.1.2.3:9443",
        "--ca-file=/etc/collector/ca/ca.crt",
    ]
    numeric = _render(helm, "--set", "podAnnotations.restarted-at=1795994201")  # a number in --set
    annotations = numeric[("Deployment", "audit-kubectl-chat-collector")]["spec"]["template"]["metadata"]
    assert annotations["annotations"]["restarted-at"] == "1795994201"  # the API takes strings only
    empty = _pod(_render(helm, "--set", "persistence.type=emptyDir"))
    assert {v["name"]: v for v in empty["volumes"]}["data"] == {"name": "data", "emptyDir": {}}


def test_bad_storage_values_fail_with_one_clear_line(helm):
    bad = subprocess.run(
        [str(helm), "template", "audit", str(CHART), "--set", "persistence.type=nfs"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "persistence.type must be pvc, hostPath or emptyDir" in bad.stderr
    bad = subprocess.run(
        [str(helm), "template", "audit", str(CHART), "--set", "persistence.type=hostPath"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "needs persistence.hostPath" in bad.stderr


def test_a_front_proxy_ca_without_allowed_names_fails(helm, tmp_path):
    """Any certificate of that CA could otherwise send identity headers as the API server."""
    from kubechat.collector.tlscert import make_self_signed

    ca = tmp_path / "front-proxy-ca.crt"
    make_self_signed(["127.0.0.1"], ca, tmp_path / "front-proxy-ca.key")
    given = ["--set", "aggregatedAPI.enabled=true", "--set-file", f"aggregatedAPI.frontProxyCA={ca}"]
    bad = subprocess.run([str(helm), "template", "audit", str(CHART), *given], capture_output=True, text=True)
    assert bad.returncode != 0 and "aggregatedAPI.frontProxyCA needs aggregatedAPI.allowedNames" in bad.stderr
    pod = _pod(_render(helm, *given, "--set", "aggregatedAPI.allowedNames={front-proxy-client}"))
    args = pod["containers"][0]["args"]
    assert "--requestheader-allowed-name=front-proxy-client" in args


def test_service_monitor_scrapes_metrics_over_tls_with_the_collector_ca(helm):
    docs = _render(helm, "--set", "metrics.serviceMonitor.enabled=true")
    (endpoint,) = docs[("ServiceMonitor", "audit-kubectl-chat-collector")]["spec"]["endpoints"]
    assert endpoint["port"] == "https" and endpoint["scheme"] == "https" and endpoint["path"] == "/metrics"
    assert endpoint["tlsConfig"]["ca"]["secret"] == {
        "name": "audit-kubectl-chat-collector-tls",
        "key": "ca.crt",
    }
    assert endpoint["tlsConfig"]["serverName"] == "audit-kubectl-chat-collector.kubechat-system.svc"


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
