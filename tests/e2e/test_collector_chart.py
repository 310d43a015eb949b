"""The collector's Helm chart installed for real: `helm install --wait` starts the collector on the
sandbox's real node, `kubectl chat` finds it through the chart's discovery ConfigMap and ships
every record there by itself, `helm upgrade` keeps the data and the keys, `helm test` passes, and
the collector's pod deleted while 200 commands run loses and duplicates no record.

How users reach it here: the sandbox has no kube-proxy and no cluster DNS, so neither a Service's
ClusterIP nor a NodePort is routed, and its API server listens on loopback only. The chart's
`hostNetwork` option puts the collector in the node's network namespace: users reach it at the
real node's bridge address (the discovered URL, in the generated certificate through
tls.extraHosts) and it reaches the API server where the user does. A port-forward would make the
discovered URL a loopback port that lives only as long as the process holding it.
The SQLite store is on a hostPath directory (the sandbox has no storage provisioner)."""

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kubechat import paths
from kubechat.audit import AuditTrail, autoship, locate
from kubechat.ports import free_port
from kubechat.sandbox import real_node as node

from .dist_support import build_image

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "kubectl-chat-collector"
EXE = Path(sys.executable).parent / "kubectl-chat"
RELEASE, NAMESPACE = "audit", locate.NAMESPACE
FULLNAME = f"{RELEASE}-kubectl-chat-collector"
USER = "alice"  # a token user who operates staging; the chart makes her a reader of the log
SHIP_WITHIN_S = 10.0


@pytest.fixture(scope="module")
def image_archive() -> Path:
    return build_image()


def _run(argv: list, env: dict | None = None, timeout: float = 300, check: bool = True):
    out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, env=env, timeout=timeout)
    assert not check or out.returncode == 0, f"{argv[:3]}: {out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def admin_env(sandbox) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{paths.testbin_dir()}:{os.environ['PATH']}",
        "KUBECONFIG": str(sandbox.admin_kubeconfig),
    }


def _kubectl(sandbox, *args, check=True):
    return _run([sandbox.kubectl, "--kubeconfig", sandbox.admin_kubeconfig, *args], check=check)


def _helm(admin_env, *args, check=True):
    return _run([paths.testbin_dir() / "helm", *args], env=admin_env, check=check)


def _node_ip(sandbox) -> str:
    jsonpath = '{.status.addresses[?(@.type=="InternalIP")].address}'
    return _kubectl(sandbox, "get", "node", node.NODE_NAME, "-o", f"jsonpath={jsonpath}").stdout.strip()


@pytest.fixture(scope="module")
def installed(sandbox, real_node, image_archive, admin_env, tmp_path_factory):
    """The chart installed with the sandbox's values; yields (url, values file, install seconds)."""
    _run([EXE, "sandbox", "load-image", "--dir", sandbox.dir, image_archive], env=admin_env)
    work = tmp_path_factory.mktemp("chart")
    data = work / "collector-data"
    data.mkdir(mode=0o700)
    os.chown(data, 65532, 65532)  # the collector's uid: a hostPath gets no fsGroup
    port = free_port()
    url = f"https://{_node_ip(sandbox)}:{port}"
    values = work / "sandbox-values.yaml"
    values.write_text(
        yaml.safe_dump(
            {
                "nodeSelector": {node.NODE_LABEL: "true"},
                "tolerations": [{"key": node.NODE_LABEL, "operator": "Exists", "effect": "NoSchedule"}],
                "hostNetwork": True,
                "port": port,
                "persistence": {"type": "hostPath", "hostPath": str(data)},
                "tls": {"extraHosts": [url.split("//")[1].rsplit(":", 1)[0]]},
                "apiServer": sandbox.server,
                "readerUsers": [USER],
                "discovery": {"url": url},
                "aggregatedAPI": {"enabled": True},  # certificate users ship through the API server
            }
        )
    )
    _kubectl(sandbox, "delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true")
    start = time.monotonic()
    install = _helm(
        admin_env,
        *("install", RELEASE, CHART, "-n", NAMESPACE, "--create-namespace", "--wait", "--timeout", "3m"),
        *("-f", values),
        check=False,
    )
    took = time.monotonic() - start
    try:
        if install.returncode != 0:
            pods = _kubectl(sandbox, "-n", NAMESPACE, "describe", "pods", check=False).stdout
            logs = _kubectl(sandbox, "-n", NAMESPACE, "logs", f"deploy/{FULLNAME}", check=False)
            pytest.fail(f"helm install failed: {install.stderr}\n{pods[-3000:]}\n{logs.stdout}{logs.stderr}")
        yield url, values, took
    finally:
        _helm(admin_env, "uninstall", RELEASE, "-n", NAMESPACE, "--wait", check=False)
        _kubectl(sandbox, "delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false", check=False)


@pytest.fixture
def user(sandbox, installed, isolated_home, tmp_path) -> tuple[dict[str, str], Path]:
    """(environment, CA file) of a user whose administrator pinned the chart's collector: its URL
    and the CA the chart generated, as the discovery ConfigMap publishes them."""
    url = installed[0]
    cm = json.loads(_kubectl(sandbox, "-n", NAMESPACE, "get", "configmap", locate.NAME, "-o", "json").stdout)
    ca = tmp_path / "collector-ca.crt"
    ca.write_text(cm["data"][locate.CA_KEY])
    (fingerprint,) = locate.ca_fingerprints(ca.read_text())
    system = tmp_path / "system-config.yaml"
    # The cluster pin lets certificate users ship through this cluster's aggregated API.
    pins = [url, fingerprint, {"url": url, "cluster": sandbox.server}]
    system.write_text(yaml.safe_dump({"audit": {"trusted_collectors": pins}}))
    env = {
        **os.environ,
        "PATH": f"{paths.testbin_dir()}:{os.environ['PATH']}",
        "KUBECONFIG": str(sandbox.token_kubeconfigs[USER]),
        "KUBECHAT_HOME": str(isolated_home),
        "KUBECHAT_SYSTEM_CONFIG": str(system),
        "KUBECHAT_TESTBIN": str(paths.testbin_dir()),
        "KUBECHAT_CACHE": str(tmp_path / "cache"),  # discovery is cached per API server
    }
    env.pop(locate.COLLECTOR_ENV, None)
    return env, ca


def _chat(env, *args) -> str:
    """Run one request; return the auditID of the record it left in the spool."""
    _run([EXE, "--no-model", "--plain", *args], env=env, timeout=120)
    return json.loads(list(AuditTrail().spool.raw_records())[-1])["auditID"]


def _collected(env, url: str, ca: Path) -> list[dict]:
    out = _run(
        [EXE, "audit", "query", "--collector", url, "--ca-file", ca, "-o", "json"], env=env, timeout=60
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]  # JSON lines


def _wait_collected(env, url, ca, ids: set[str], within: float) -> float:
    start = time.monotonic()
    while not ids <= {r["auditID"] for r in _collected(env, url, ca)}:
        assert time.monotonic() - start < within, f"records {ids} did not reach {url} within {within}s"
        time.sleep(0.3)
    return time.monotonic() - start


def _secret_data(sandbox, name: str) -> dict:
    got = _kubectl(sandbox, "-n", NAMESPACE, "get", "secret", name, "-o", "json").stdout
    return json.loads(got)["data"]


def test_records_reach_the_installed_collector_by_themselves(sandbox, installed, user):
    url, _, install_s = installed
    env, ca = user
    pods = json.loads(_kubectl(sandbox, "-n", NAMESPACE, "get", "pods", "-o", "json").stdout)["items"]
    (pod,) = [p for p in pods if p["metadata"]["name"].startswith(FULLNAME)]
    assert pod["spec"]["nodeName"] == node.NODE_NAME and pod["status"]["phase"] == "Running"
    (container,) = pod["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["scheme"] == "HTTPS" and container["livenessProbe"]

    read = _chat(env, "list pods in staging")
    write = _chat(env, "--write", "--yes", "scale deployment web in staging to 2")
    took = _wait_collected(env, url, ca, {read, write}, SHIP_WITHIN_S)
    status = json.loads(_run([EXE, "audit", "status", "-o", "json"], env=env).stdout)
    assert status["collector"]["url"] == url and status["collector"]["source"] == "discovered"
    records = {r["auditID"]: r for r in _collected(env, url, ca)}
    assert records[read]["user"]["username"] == USER and records[write]["user"]["username"] == USER
    print(f"helm install --wait {install_s:.1f}s; both records at the collector {took:.1f}s after the write")


def test_a_client_certificate_users_records_ship_through_the_api_server(
    sandbox, installed, user, tmp_path, monkeypatch
):
    """jane's kubeconfig holds a client certificate and no token: her records go through the API
    server to the chart's aggregated API, bound to her and the groups the API server named."""
    from kubechat import https as http

    url, _, _ = installed
    reader_env, ca = user
    home = tmp_path / "jane-home"  # her own spool and signing key, as on her own machine
    monkeypatch.setenv("KUBECHAT_HOME", str(home))
    env = {**reader_env, "KUBECONFIG": str(sandbox.limited_kubeconfig), "KUBECHAT_HOME": str(home)}
    audit_id = _chat(env, f"list pods in {sandbox.limited_namespace}")
    took = _wait_collected(reader_env, url, ca, {audit_id}, SHIP_WITHIN_S)
    record = next(r for r in _collected(reader_env, url, ca) if r["auditID"] == audit_id)
    assert record["user"]["username"] == sandbox.limited_user
    with http.client(str(ca)) as client:
        resp = client.get(f"{url}/v1/keys", headers={"Authorization": f"Bearer {sandbox.tokens[USER]}"})
    bound = [b for b in resp.json()["items"] if b["key_id"] == record["keyID"]]
    assert [b["username"] for b in bound] == [sandbox.limited_user]
    assert "system:authenticated" in bound[0]["groups"]  # named by the API server, not the client
    print(f"a client-certificate user's record at the chart's collector {took:.1f}s after the run")


def test_upgrade_keeps_the_data_and_the_keys_and_helm_test_passes(sandbox, installed, user, admin_env):
    url, values, _ = installed
    env, ca = user
    before = _chat(env, "list deployments in staging")
    _wait_collected(env, url, ca, {before}, SHIP_WITHIN_S)
    keys, tls = _secret_data(sandbox, f"{FULLNAME}-keys"), _secret_data(sandbox, f"{FULLNAME}-tls")
    old_pod = _kubectl(
        sandbox, "-n", NAMESPACE, "get", "pods", "-o", "jsonpath={.items[*].metadata.uid}"
    ).stdout

    start = time.monotonic()
    _helm(
        admin_env,
        *("upgrade", RELEASE, CHART, "-n", NAMESPACE, "--wait", "--timeout", "3m", "-f", values),
        *("--set", f"podAnnotations.upgraded-at={int(time.time())}"),  # a new pod, from the same data
    )
    upgrade_s = time.monotonic() - start
    new_pod = _kubectl(
        sandbox, "-n", NAMESPACE, "get", "pods", "-o", "jsonpath={.items[*].metadata.uid}"
    ).stdout
    assert new_pod and new_pod != old_pod
    assert _secret_data(sandbox, f"{FULLNAME}-keys") == keys
    assert _secret_data(sandbox, f"{FULLNAME}-tls") == tls
    cm = json.loads(_kubectl(sandbox, "-n", NAMESPACE, "get", "configmap", locate.NAME, "-o", "json").stdout)
    assert cm["data"][locate.CA_KEY] == base64.b64decode(tls["ca.crt"]).decode()
    assert before in {r["auditID"] for r in _collected(env, url, ca)}  # the store outlived its pod
    after = _chat(env, "list services in staging")
    _wait_collected(env, url, ca, {after}, SHIP_WITHIN_S)  # the same keys still sign and seal

    start = time.monotonic()
    tested = _helm(admin_env, "test", RELEASE, "-n", NAMESPACE, "--logs", "--timeout", "2m", check=False)
    test_s = time.monotonic() - start
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "Phase:          Succeeded" in tested.stdout and f"{url}/healthz: ok" in tested.stdout
    print(f"helm upgrade --wait {upgrade_s:.1f}s; helm test {test_s:.1f}s")


COMMANDS = 200
# The collector's own pods: not the helm test pod, which carries the release's labels too.
COLLECTOR_PODS = f"app.kubernetes.io/instance={RELEASE},!app.kubernetes.io/component"


def _collector_pods(sandbox) -> list[dict]:
    got = _kubectl(sandbox, "-n", NAMESPACE, "get", "pods", "-l", COLLECTOR_PODS, "-o", "json")
    return json.loads(got.stdout)["items"]


def _ready(pod: dict) -> bool:
    conditions = pod.get("status", {}).get("conditions") or []
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def test_deleting_the_collector_pod_while_commands_run_loses_and_duplicates_nothing(sandbox, installed, user):
    url, _, _ = installed
    env, ca = user
    (old,) = _collector_pods(sandbox)
    deleted_at = back_at = None
    most_pending = 0  # records waiting in the spool while the collector was away
    start = time.monotonic()
    for n in range(COMMANDS):
        if n == COMMANDS // 4:
            _kubectl(sandbox, "-n", NAMESPACE, "delete", "pod", old["metadata"]["name"], "--wait=false")
            deleted_at = time.monotonic()
        if deleted_at and not back_at and n % 5 == 0:
            pods = _collector_pods(sandbox)
            if any(p["metadata"]["uid"] != old["metadata"]["uid"] and _ready(p) for p in pods):
                back_at = time.monotonic()
        _chat(env, ["list pods in staging", "list deployments in staging", "get services in staging"][n % 3])
        if deleted_at and not back_at:
            most_pending = max(most_pending, autoship.backlog()[0])
    commands_s = time.monotonic() - start
    assert back_at, "the collector did not come back while the commands ran"
    assert most_pending > 0, "no record waited for the collector: the outage was not exercised"
    ours = [json.loads(r)["auditID"] for r in AuditTrail().spool.raw_records()]
    assert len(ours) >= COMMANDS and len(set(ours)) == len(ours)
    catch_up = _wait_collected(env, url, ca, set(ours), 60.0)
    mine = [r["auditID"] for r in _collected(env, url, ca) if r["auditID"] in set(ours)]
    assert sorted(mine) == sorted(ours)  # every record once: none lost, none stored twice
    verified = _run(
        [EXE, "audit", "verify", "--collector", url, "--ca-file", ca], env=env, check=False, timeout=120
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{len(ours)} local records match the collector's entries and receipts" in verified.stdout
    print(
        f"{COMMANDS} commands in {commands_s:.0f}s; collector pod gone {back_at - deleted_at:.0f}s"
        f" ({most_pending} records pending at most);"
        f" all {len(ours)} records at the collector {catch_up:.1f}s after the last command"
    )
