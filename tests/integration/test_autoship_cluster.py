"""Records reach the collector by themselves: `kubectl chat` requests against the real sandbox,
a real `kubectl chat collector serve` over TLS that learns who ships from the API server, and the
detached shipper each run starts. Nobody runs `audit ship` here."""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from collector_support import run_cli, serve_for_cluster

from kubechat import https as http
from kubechat import paths
from kubechat.audit import AuditTrail, RecordInput, UserInfo, autoship, locate
from kubechat.ports import free_port

pytestmark = pytest.mark.integration
POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def collector(sandbox, tmp_path_factory):
    d = tmp_path_factory.mktemp("autoship-collector")
    with serve_for_cluster(sandbox, d, "--reader-user", "alice") as (url, ca, _):
        yield url, ca


@pytest.fixture(autouse=True)
def own_discovery_cache(tmp_path, monkeypatch):
    """Discovery is cached per API server; each test starts without that cache (binaries stay)."""
    monkeypatch.setenv("KUBECHAT_TESTBIN", str(paths.testbin_dir()))
    monkeypatch.setenv("KUBECHAT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(locate.COLLECTOR_ENV, raising=False)


def _admin(sandbox, *args, check=True):
    return subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=60,
    )


def _ask(capsys, sandbox, request: str) -> str:
    kubeconfig = str(sandbox.token_kubeconfigs["alice"])
    code, out = run_cli(capsys, "--kubeconfig", kubeconfig, "--no-model", "--plain", request)
    assert code == 0, out
    return json.loads(list(AuditTrail().spool.raw_records())[-1])["auditID"]


def _collected(url: str, ca: str, token: str) -> set[str]:
    with http.client(ca) as client:
        resp = client.get(f"{url}/v1/records", headers={"Authorization": f"Bearer {token}"})
    resp.raise_for_status()
    return {item["auditID"] for item in resp.json()["items"]}


def _wait_collected(url, ca, token, ids: set[str], within: float = 10.0) -> float:
    start = time.monotonic()
    while not ids <= _collected(url, ca, token):
        assert time.monotonic() - start < within, "records did not reach the collector in time"
        time.sleep(0.2)
    return time.monotonic() - start


def _wait_shipper_done(timeout: float = 30.0) -> None:
    spool = autoship.spool_path()
    deadline = time.monotonic() + timeout
    while (fd := autoship.try_lock(spool)) is None:
        assert time.monotonic() < deadline, "the shipper did not exit"
        time.sleep(0.1)
    autoship.unlock(fd)


def test_discovered_collector_gets_the_record_without_audit_ship(
    sandbox, collector, capsys, tmp_path, monkeypatch
):
    url, ca = collector
    _admin(sandbox, "create", "namespace", locate.NAMESPACE, check=False)
    _admin(sandbox, "-n", locate.NAMESPACE, "delete", "configmap", locate.NAME, "--ignore-not-found")
    _admin(
        sandbox,
        *("-n", locate.NAMESPACE, "create", "configmap", locate.NAME),
        f"--from-literal={locate.URL_KEY}={url}",
        f"--from-file={locate.CA_KEY}={ca}",
    )
    # What the chart grants: every authenticated user may read that one ConfigMap.
    _admin(
        sandbox,
        *("-n", locate.NAMESPACE, "create", "role", "kubechat-collector-discovery", "--verb=get"),
        *("--resource=configmaps", f"--resource-name={locate.NAME}"),
        check=False,
    )
    _admin(
        sandbox,
        *("-n", locate.NAMESPACE, "create", "rolebinding", "kubechat-collector-discovery"),
        "--role=kubechat-collector-discovery",
        "--group=system:authenticated",
        check=False,
    )
    # Not pinned yet: whoever can write that ConfigMap could have named their own server, so the
    # shipper sends it nothing (not even the token) and status says why.
    unpinned = _ask(capsys, sandbox, "list pods in staging")
    _wait_shipper_done()
    status = ["audit", "status", "--kubeconfig", str(sandbox.token_kubeconfigs["alice"]), "-o", "json"]
    data = json.loads(run_cli(capsys, *status)[1])
    assert "not pinned" in data["collector"]["untrusted"] and data["pending"] == 1
    assert unpinned not in _collected(url, ca, sandbox.tokens["alice"])
    # The administrator pins the collector's CA in the system config: no setup for users.
    system = tmp_path / "system-config.yaml"
    fingerprint = locate.ca_fingerprints(Path(ca).read_text())[0]
    system.write_text(f"audit:\n  trusted_collectors: ['{fingerprint}', '{url}']\n")
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    audit_id = _ask(capsys, sandbox, "list pods in staging")
    took = _wait_collected(url, ca, sandbox.tokens["alice"], {unpinned, audit_id})
    _wait_shipper_done()
    code, out = run_cli(capsys, *status)
    data = json.loads(out)
    assert code == 0 and data["collector"]["url"] == url and data["collector"]["source"] == "discovered"
    assert data["collector"]["server"] == sandbox.server and "untrusted" not in data["collector"]
    assert data["pending"] == 0 and data["lastSuccess"] and data["lastError"] is None
    print(f"record at the collector {took:.1f}s after the run returned")


def test_a_configmap_naming_another_server_gets_no_token(sandbox, collector, capsys, tmp_path, monkeypatch):
    """Someone who can write the discovery ConfigMap points it at their own TLS server, with their
    own CA (and the real checkpoint key, which is public): the pin is on the CA, so nothing goes."""
    from kubechat.collector.tlscert import make_self_signed

    url, ca = collector
    rogue_ca = tmp_path / "rogue-ca.crt"
    make_self_signed(["127.0.0.1"], rogue_ca, tmp_path / "rogue.key")
    system = tmp_path / "system-config.yaml"
    system.write_text(
        f"audit:\n  trusted_collectors: ['{locate.ca_fingerprints(Path(ca).read_text())[0]}']\n"
    )
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    _admin(sandbox, "create", "namespace", locate.NAMESPACE, check=False)
    _admin(sandbox, "-n", locate.NAMESPACE, "delete", "configmap", locate.NAME, "--ignore-not-found")
    _admin(
        sandbox,
        *("-n", locate.NAMESPACE, "create", "configmap", locate.NAME),
        f"--from-literal={locate.URL_KEY}=https://127.0.0.1:{free_port()}",
        f"--from-file={locate.CA_KEY}={rogue_ca}",
    )
    _ask(capsys, sandbox, "list pods in staging")
    _wait_shipper_done()
    state = autoship.read_state(autoship.spool_path())
    assert "not pinned" in (state.get("last_error") or "")
    assert locate.resolve(None, sandbox.server, ask_cluster=False) is None


def test_collector_down_spool_keeps_the_record_next_run_catches_up(sandbox, collector, capsys, isolated_home):
    url, ca = collector
    cfg = isolated_home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("audit:\n  ship_give_up_s: 2\n")
    down = f"https://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(locate.COLLECTOR_ENV, down)
        mp.setenv(locate.COLLECTOR_CA_ENV, ca)
        first = _ask(capsys, sandbox, "list pods in staging")
        _wait_shipper_done()
        code, out = run_cli(capsys, "audit", "status", "-o", "json")
    data = json.loads(out)
    assert data["collector"] == {"url": down, "source": "env", "server": None}
    assert data["pending"] == 1 and "cannot reach the collector" in data["lastError"]
    assert first not in _collected(url, ca, sandbox.tokens["alice"])

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(locate.COLLECTOR_ENV, url)
        mp.setenv(locate.COLLECTOR_CA_ENV, ca)
        second = _ask(capsys, sandbox, "list deployments in staging")
        _wait_collected(url, ca, sandbox.tokens["alice"], {first, second})
        _wait_shipper_done()
        assert autoship.backlog() == (0, None)


def test_require_collector_refuses_writes_not_reads_while_the_backlog_is_old(tmp_path, isolated_home):
    from kubechat.safety.policy import PolicySettings, build_input, decide

    bundle = tmp_path / "policies"
    shutil.copytree(POLICIES, bundle, ignore=shutil.ignore_patterns("*_test.rego"))
    data = json.loads((bundle / "data.json").read_text())
    data["kubectl_chat"]["config"]["audit"] = {"require_collector": True, "max_backlog_s": 3600}
    (bundle / "data.json").write_text(json.dumps(data))
    settings = PolicySettings(bundle=str(bundle), mode="write")
    write = ["scale", "deployment", "web", "--replicas=2", "-n", "staging"]
    read = ["get", "pods", "-n", "staging"]

    assert decide(build_input(write, mode="write"), settings).allow  # nothing pending

    old = time.time() - 2 * 3600
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(old))
    AuditTrail().record(RecordInput(user=UserInfo(username="alice"), request="get pods", received_at=stamp))
    refused = decide(build_input(write, mode="write"), settings)
    assert not refused.allow and any("have not reached the collector" in r for r in refused.reasons)
    assert decide(build_input(read, mode="write"), settings).allow
