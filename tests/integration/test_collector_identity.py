"""Key binding against the real sandbox API server: the collector (a real `kubectl chat collector
serve` process) learns who holds a token by SelfSubjectReview, so a user cannot write as another."""

import base64
import subprocess

import pytest
import yaml
from collector_support import serve_for_cluster

from kubechat import https as http
from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.audit.kube import bearer_token, whoami

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def collector(sandbox, tmp_path_factory):
    with serve_for_cluster(sandbox, tmp_path_factory.mktemp("collector"), "--reader-user", "alice") as (
        url,
        ca,
        _,
    ):
        yield url, ca


def _trail(tmp_path, name):
    from kubechat.audit.keys import KeyStore

    return AuditTrail(spool_path=tmp_path / f"{name}.db", keys=KeyStore(tmp_path / f"{name}-keys"))


def test_identity_comes_from_the_cluster(sandbox, collector, tmp_path):
    url, ca = collector
    kubeconfig = str(sandbox.token_kubeconfigs["alice"])
    me = whoami(str(sandbox.kubectl), kubeconfig=kubeconfig)
    assert me.username == "alice" and "kubechat:operators" in me.groups
    trail = _trail(tmp_path, "alice")
    trail.record(RecordInput(user=me, request="get pods", verb="get"))
    result = trail.ship_pending(url, token=bearer_token(kubeconfig), ca_file=ca)
    assert result.ok and result.accepted == 1, result.describe()
    with http.client(ca) as client:
        keys = client.get(
            f"{url}/v1/keys", headers={"Authorization": f"Bearer {sandbox.tokens['alice']}"}
        ).json()
    assert {k["username"] for k in keys["items"]} == {"alice"}


def test_bob_cannot_write_as_alice(sandbox, collector, tmp_path):
    url, ca = collector
    trail = _trail(tmp_path, "bob")
    trail.record(
        RecordInput(user=UserInfo(username="alice", groups=["kubechat:operators"]), request="delete web")
    )
    result = trail.ship_pending(url, token=sandbox.tokens["bob"], ca_file=ca)
    assert not result.ok and "bound to 'bob'" in result.rejected[0][1]


def test_forged_token_cannot_register(sandbox, collector, tmp_path):
    url, ca = collector
    trail = _trail(tmp_path, "eve")
    trail.record(RecordInput(user=UserInfo(username="alice"), request="get secrets"))
    result = trail.ship_pending(url, token="not-a-real-token", ca_file=ca)
    assert not result.ok and "HTTP 401" in result.error and result.pending == 1


def test_records_without_registration_rejected(sandbox, collector, tmp_path):
    url, ca = collector
    trail = _trail(tmp_path, "anon")
    trail.record(RecordInput(user=UserInfo(username="alice"), request="get pods"))
    records = [b.decode() for b in trail.spool.raw_records()]
    with http.client(ca) as client:
        anonymous = client.post(f"{url}/v1/records", json={"records": records})
        resp = client.post(
            f"{url}/v1/records",
            json={"records": records},
            headers={"Authorization": f"Bearer {sandbox.tokens['bob']}"},
        )
    assert anonymous.status_code == 401
    assert resp.status_code == 200 and "unknown signing key" in resp.json()["results"][0]["reason"]


def test_tokenreview_with_the_collectors_own_service_account(sandbox, tmp_path):
    from kubechat.collector.identity import IdentityError, TokenReviewResolver

    def kubectl(*args):
        return subprocess.run(
            [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout

    kubectl("create", "serviceaccount", "audit-collector", "-n", "default")
    kubectl(
        "create",
        "clusterrolebinding",
        "audit-collector-auth",
        "--clusterrole=system:auth-delegator",
        "--serviceaccount=default:audit-collector",
    )
    own = tmp_path / "sa-token"
    own.write_text(kubectl("create", "token", "audit-collector", "-n", "default"))
    kubeconfig = yaml.safe_load(sandbox.token_kubeconfigs["alice"].read_text())
    ca = tmp_path / "ca.crt"
    ca.write_bytes(base64.b64decode(kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"]))
    resolver = TokenReviewResolver(sandbox.server, str(ca), own_token_file=str(own))
    user = resolver.resolve(sandbox.tokens["alice"])
    assert user.username == "alice" and "kubechat:operators" in user.groups
    with pytest.raises(IdentityError):
        resolver.resolve("not-a-real-token")
