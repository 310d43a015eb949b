"""A user whose kubeconfig holds only a client certificate ships records through the cluster's API
server: the collector also serves as an aggregated API (APIService v1.audit.kubechat.io), the API
server authenticates the user and forwards the request with X-Remote-User/X-Remote-Group over its
front-proxy client certificate, and the collector binds the records to that user. A real sandbox,
a real `kubectl chat collector serve` on the real node's bridge address (the API server cannot
reach loopback through a Service), and the detached shipper each run starts."""

import base64
import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml
from collector_support import run_cli, serve_for_cluster

from kubechat import https as http
from kubechat import paths
from kubechat.audit import AuditTrail, autoship, locate
from kubechat.ledger.protocol import AGGREGATED_API, API_GROUP, API_VERSION
from kubechat.sandbox import pki

pytestmark = pytest.mark.integration
NAMESPACE, SERVICE = "kubechat-audit-api", "kubechat-collector"
APISERVICE = f"{API_VERSION}.{API_GROUP}"


def _admin(sandbox, *args, input_text=None, check=True):
    return subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        input=input_text,
        capture_output=True,
        text=True,
        check=check,
        timeout=90,
    )


def _node_ip(sandbox, node: str) -> str:
    jsonpath = '{.status.addresses[?(@.type=="InternalIP")].address}'
    return _admin(sandbox, "get", "node", node, "-o", f"jsonpath={jsonpath}").stdout.strip()


def _front_proxy(sandbox, d: Path) -> tuple[Path, list[str]]:
    """The front-proxy CA and allowed names, where an aggregated API reads them."""
    cm = json.loads(
        _admin(
            sandbox,
            "-n",
            "kube-system",
            "get",
            "configmap",
            "extension-apiserver-authentication",
            "-o",
            "json",
        ).stdout
    )["data"]
    ca = d / "front-proxy-ca.crt"
    ca.write_text(cm["requestheader-client-ca-file"])
    return ca, json.loads(cm["requestheader-allowed-names"])


def _register_apiservice(sandbox, ip: str, port: int, ca: str) -> None:
    """What an administrator installs: the Service and its endpoint, the APIService, and create on
    keys and records for every authenticated user (the API server checks it before forwarding)."""
    objects = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": SERVICE, "namespace": NAMESPACE},
            "spec": {"ports": [{"name": "https", "port": 443, "targetPort": port}]},
        },
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": SERVICE, "namespace": NAMESPACE},
            "subsets": [{"addresses": [{"ip": ip}], "ports": [{"name": "https", "port": port}]}],
        },
        {
            "apiVersion": "apiregistration.k8s.io/v1",
            "kind": "APIService",
            "metadata": {"name": APISERVICE},
            "spec": {
                "group": API_GROUP,
                "version": API_VERSION,
                "service": {"namespace": NAMESPACE, "name": SERVICE, "port": 443},
                "caBundle": base64.b64encode(Path(ca).read_bytes()).decode(),
                "groupPriorityMinimum": 1000,
                "versionPriority": 15,
            },
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "kubechat-audit-shipper"},
            "rules": [{"apiGroups": [API_GROUP], "resources": ["keys", "records"], "verbs": ["create"]}],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "kubechat-audit-shipper"},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "kubechat-audit-shipper",
            },
            "subjects": [
                {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"}
            ],
        },
    ]
    doc = json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    _admin(sandbox, "apply", "-f", "-", input_text=doc)
    waited = _admin(
        sandbox, "wait", "--for=condition=Available", f"apiservice/{APISERVICE}", "--timeout=60s", check=False
    )
    assert waited.returncode == 0, _admin(sandbox, "get", "apiservice", APISERVICE, "-o", "yaml").stdout


@pytest.fixture(scope="module")
def aggregated(sandbox, real_node, tmp_path_factory):
    d = tmp_path_factory.mktemp("aggregated-collector")
    ip = _node_ip(sandbox, real_node)
    front_proxy_ca, allowed = _front_proxy(sandbox, d)
    extra = ["--reader-user", "alice", "--requestheader-client-ca", str(front_proxy_ca)]
    extra += [arg for name in allowed for arg in ("--requestheader-allowed-name", name)]
    with serve_for_cluster(sandbox, d, *extra, host=ip, tls_names=(f"{SERVICE}.{NAMESPACE}.svc",)) as (
        url,
        ca,
        _,
    ):
        _register_apiservice(sandbox, ip, int(url.rsplit(":", 1)[1]), ca)
        try:
            yield url, ca
        finally:
            _admin(sandbox, "delete", "apiservice", APISERVICE, "--ignore-not-found", check=False)


@pytest.fixture(autouse=True)
def own_discovery_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECHAT_TESTBIN", str(paths.testbin_dir()))
    monkeypatch.setenv("KUBECHAT_CACHE", str(tmp_path / "cache"))


def _reader_get(url: str, ca: str, sandbox, path: str, **params) -> dict:
    with http.client(ca) as client:
        resp = client.get(
            f"{url}{path}", params=params, headers={"Authorization": f"Bearer {sandbox.tokens['alice']}"}
        )
    resp.raise_for_status()
    return resp.json()


def test_client_certificate_user_records_ship_through_the_api_server(
    sandbox, aggregated, capsys, monkeypatch
):
    url, ca = aggregated
    kubeconfig = yaml.safe_load(sandbox.limited_kubeconfig.read_text())
    user = kubeconfig["users"][0]["user"]
    assert "token" not in user and "client-certificate" in str(user)  # a certificate, no token
    monkeypatch.setenv(locate.COLLECTOR_ENV, url)
    monkeypatch.setenv(locate.COLLECTOR_CA_ENV, ca)
    monkeypatch.setenv(locate.COLLECTOR_CLUSTER_ENV, sandbox.server)
    request = f"list pods in {sandbox.limited_namespace}"
    code, out = run_cli(
        capsys, "--kubeconfig", str(sandbox.limited_kubeconfig), "--no-model", "--plain", request
    )
    assert code == 0, out
    audit_id = json.loads(list(AuditTrail().spool.raw_records())[-1])["auditID"]
    start = time.monotonic()
    while True:  # shipped by the detached shipper: nobody runs `audit ship`
        items = _reader_get(url, ca, sandbox, "/v1/records", username=sandbox.limited_user)["items"]
        if audit_id in {item["auditID"] for item in items}:
            break
        state = autoship.read_state()
        assert time.monotonic() - start < 20, f"record not at the collector; shipper state: {state}"
        time.sleep(0.2)
    took = time.monotonic() - start
    record = next(item for item in items if item["auditID"] == audit_id)
    assert record["user"]["username"] == sandbox.limited_user
    # The key that signed it is bound to the user (and groups) the API server authenticated.
    bindings = [
        b for b in _reader_get(url, ca, sandbox, "/v1/keys")["items"] if b["key_id"] == record["keyID"]
    ]
    assert [b["username"] for b in bindings] == [sandbox.limited_user]
    assert {"kubechat:viewers", "system:authenticated"} <= set(bindings[0]["groups"])
    assert autoship.read_state()["last_error"] is None
    print(f"client-certificate user's record at the collector {took:.1f}s after the run returned")


def test_forwarded_user_headers_without_the_front_proxy_certificate_are_refused(
    sandbox, aggregated, tmp_path
):
    url, ca = aggregated
    forged = {"X-Remote-User": "sandbox-admin", "X-Remote-Group": "system:masters"}
    body = {"keyID": "x", "publicKey": "x", "proof": "x"}
    with http.client(ca) as client:
        for path in (f"{AGGREGATED_API}/v1/keys", f"{AGGREGATED_API}/v1/records", "/v1/keys"):
            resp = client.post(f"{url}{path}", json=body, headers=forged)
            assert resp.status_code == 401, (path, resp.status_code, resp.text)
        # Reads are not opened by the headers either.
        assert client.get(f"{url}/v1/records", headers=forged).status_code == 401
    # A certificate of the front-proxy CA with a name the API server does not use: refused.
    pki_dir = sandbox.dir / "pki"
    front_proxy_ca = pki.CertPair(pki_dir / "front-proxy-ca.crt", pki_dir / "front-proxy-ca.key")
    other = pki.issue(front_proxy_ca, tmp_path, "other", "not-the-front-proxy")
    with http.client(ca, cert=(str(other.cert), str(other.key))) as client:
        resp = client.post(f"{url}{AGGREGATED_API}/v1/keys", json=body, headers=forged)
    assert resp.status_code == 401 and "not an allowed front proxy" in resp.text
    # A user's certificate of the cluster CA is no front-proxy certificate: the handshake fails.
    admin = pki.CertPair(pki_dir / "admin.crt", pki_dir / "admin.key")
    with pytest.raises(httpx.HTTPError), http.client(ca, cert=(str(admin.cert), str(admin.key))) as client:
        client.post(f"{url}{AGGREGATED_API}/v1/keys", json=body, headers=forged)


def test_identity_headers_a_user_sends_through_the_api_server_name_nobody_else(sandbox, aggregated):
    """What jane adds to her own request (the headers in any spelling, twice, an upgrade that
    would turn the API server's connection into her tunnel) does not reach the collector as an
    identity: the key is bound to jane and the groups the API server named."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kubechat.audit.kube import api_server_client
    from kubechat.audit.ship import registration_payload
    from kubechat.ledger.sign import encode_public, key_id

    def payload():
        private = Ed25519PrivateKey.generate()
        return registration_payload(
            private, key_id(private.public_key()), encode_public(private.public_key())
        )

    server, client = api_server_client(str(sandbox.limited_kubeconfig))
    forged = [
        [("X-Remote-User", "alice"), ("X-Remote-Group", "system:masters"), ("X-Remote-Extra-Scopes", "x")],
        [("x-remote-user", "alice"), ("x-remote-group", "kubechat:auditors")],
        [("X_Remote_User", "alice"), ("X_Remote_Group", "system:masters")],
        [("X-Remote-User", "alice"), ("X-Remote-User", "bob")],
    ]
    with client:
        for headers in forged:
            resp = client.post(f"{server}{AGGREGATED_API}/v1/keys", json=payload(), headers=headers)
            assert resp.status_code == 201, (headers, resp.text)
            bound = resp.json()
            assert bound["username"] == sandbox.limited_user, headers
            assert set(bound["groups"]) == {"kubechat:viewers", "system:authenticated"}, headers
        for protocol in ("websocket", "SPDY/3.1"):
            upgrade = {"Connection": "Upgrade", "Upgrade": protocol, "Sec-WebSocket-Version": "13"}
            resp = client.post(
                f"{server}{AGGREGATED_API}/v1/keys",
                json=payload(),
                headers={**upgrade, "Sec-WebSocket-Key": "x"},
            )
            assert resp.status_code != 101, protocol
        # Reading through the aggregated API is not granted, in any spelling of the path.
        for path in ("/v1/records", "/v1/../../../v1/records", "/v1/%2e%2e/%2e%2e/%2e%2e/v1/records"):
            assert client.get(f"{server}{AGGREGATED_API}{path}").status_code == 403, path


def test_audit_ship_by_hand_goes_through_the_api_server_too(sandbox, aggregated, capsys, monkeypatch):
    url, ca = aggregated
    monkeypatch.setenv(autoship.AUTOSHIP_ENV, "off")  # only the command below ships
    monkeypatch.setenv(locate.COLLECTOR_ENV, url)
    monkeypatch.setenv(locate.COLLECTOR_CA_ENV, ca)
    monkeypatch.setenv(locate.COLLECTOR_CLUSTER_ENV, sandbox.server)
    kubeconfig = str(sandbox.limited_kubeconfig)
    code, out = run_cli(
        capsys,
        "--kubeconfig",
        kubeconfig,
        "--no-model",
        "--plain",
        f"list services in {sandbox.limited_namespace}",
    )
    assert code == 0, out
    audit_id = json.loads(list(AuditTrail().spool.raw_records())[-1])["auditID"]
    code, out = run_cli(capsys, "audit", "ship", "--kubeconfig", kubeconfig)
    assert code == 0 and "shipped 1 new" in out, out
    items = _reader_get(url, ca, sandbox, "/v1/records", username=sandbox.limited_user)["items"]
    assert audit_id in {item["auditID"] for item in items}


def test_another_aggregated_api_cannot_settle_records_meant_for_the_collector(
    sandbox, aggregated, capsys, monkeypatch, tmp_path
):
    """The cluster's aggregated API is whoever registered it (here a collector with a checkpoint
    key of its own), not necessarily the collector the user ships to: what it acknowledges does not
    count, and the record stays in the spool for the user's collector."""
    kubeconfig = str(sandbox.limited_kubeconfig)
    with serve_for_cluster(sandbox, tmp_path, "--reader-user", "alice") as (url, ca, _):
        monkeypatch.setenv(autoship.AUTOSHIP_ENV, "off")
        monkeypatch.setenv(locate.COLLECTOR_ENV, url)
        monkeypatch.setenv(locate.COLLECTOR_CA_ENV, ca)
        monkeypatch.setenv(locate.COLLECTOR_CLUSTER_ENV, sandbox.server)
        request = f"list services in {sandbox.limited_namespace}"
        code, out = run_cli(capsys, "--kubeconfig", kubeconfig, "--no-model", "--plain", request)
        assert code == 0, out
        trail = AuditTrail()
        audit_id = json.loads(list(trail.spool.raw_records())[-1])["auditID"]
        code, out = run_cli(capsys, "audit", "ship", "--kubeconfig", kubeconfig)
        assert code == 1 and "checkpoint key" in out, out
        assert trail.spool.pending_count() >= 1
        items = _reader_get(url, ca, sandbox, "/v1/records", username=sandbox.limited_user)["items"]
        assert audit_id not in {item["auditID"] for item in items}


@pytest.mark.parametrize("cluster", [None, "https://api.other-cluster.example:6443"])
def test_nothing_goes_through_the_api_server_of_a_cluster_the_collector_does_not_serve(
    sandbox, aggregated, capsys, monkeypatch, tmp_path, cluster
):
    """The kubeconfig points at a cluster whose aggregated API is not the user's collector: neither
    the records nor the key proofs reach it, and they stay pending with the reason."""
    aggregated_url, aggregated_ca = aggregated
    kubeconfig = str(sandbox.limited_kubeconfig)
    with serve_for_cluster(sandbox, tmp_path, "--reader-user", "alice") as (url, ca, _):
        monkeypatch.setenv(autoship.AUTOSHIP_ENV, "off")
        monkeypatch.setenv(locate.COLLECTOR_ENV, url)
        monkeypatch.setenv(locate.COLLECTOR_CA_ENV, ca)
        if cluster:
            monkeypatch.setenv(locate.COLLECTOR_CLUSTER_ENV, cluster)
        else:
            monkeypatch.delenv(locate.COLLECTOR_CLUSTER_ENV, raising=False)
        request = f"list services in {sandbox.limited_namespace}"
        code, out = run_cli(capsys, "--kubeconfig", kubeconfig, "--no-model", "--plain", request)
        assert code == 0, out
        trail = AuditTrail()
        record = json.loads(list(trail.spool.raw_records())[-1])
        code, out = run_cli(capsys, "audit", "ship", "--kubeconfig", kubeconfig)
        expected = "nothing is sent through another cluster" if cluster else "audit.collector.cluster"
        assert code == 1 and expected in out and len(out.strip().splitlines()) <= 2, out
        assert trail.spool.pending_count() >= 1
        reached = _reader_get(
            aggregated_url, aggregated_ca, sandbox, "/v1/records", username=sandbox.limited_user
        )
        assert record["auditID"] not in {item["auditID"] for item in reached["items"]}
        keys = _reader_get(aggregated_url, aggregated_ca, sandbox, "/v1/keys")["items"]
        assert record["keyID"] not in {k["key_id"] for k in keys}
