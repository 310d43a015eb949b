"""What each kubectl command needs from RBAC, and the Role to ask for (no cluster needed)."""

import pytest
import yaml

from kubechat.errors import ClusterUnreachableError, KubechatError
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import rbac
from kubechat.safety.rbac import AccessCheck, Identity, RbacResult, required_access, role_request_yaml


def needs(command: str, ns: str = "dev") -> set[tuple]:
    return {
        (c.verb, c.resource, c.group, c.subresource, c.namespace, c.name)
        for c in required_access(command.split(), ns)
    }


@pytest.mark.parametrize(
    "command,expected",
    [
        ("get pods", {("list", "pods", "", "", "dev", "")}),
        ("get pods -A", {("list", "pods", "", "", "", "")}),
        ("get pod web-1 -n prod", {("get", "pods", "", "", "prod", "web-1")}),
        (
            "get deploy -w",
            {("list", "deployments", "apps", "", "dev", ""), ("watch", "deployments", "apps", "", "dev", "")},
        ),
        ("get nodes", {("list", "nodes", "", "", "", "")}),
        ("describe svc web", {("get", "services", "", "", "dev", "web")}),
        ("logs web-1", {("get", "pods", "", "log", "dev", "web-1")}),
        (
            "logs deploy/web",
            {("get", "deployments", "apps", "", "dev", "web"), ("get", "pods", "", "log", "dev", "")},
        ),
        ("exec -it web-1 -- sh", {("create", "pods", "", "exec", "dev", "web-1")}),
        ("cp web-1:/a b", {("create", "pods", "", "exec", "dev", "web-1")}),
        ("attach web-1", {("create", "pods", "", "attach", "dev", "web-1")}),
        ("port-forward web-1 8080:80", {("create", "pods", "", "portforward", "dev", "web-1")}),
        ("debug web-1 --image=busybox", {("patch", "pods", "", "ephemeralcontainers", "dev", "web-1")}),
        ("top pods", {("list", "pods", "metrics.k8s.io", "", "dev", "")}),
        ("events", {("list", "events", "", "", "dev", "")}),
        ("delete pod web-1 -n prod", {("delete", "pods", "", "", "prod", "web-1")}),
        (
            "delete pods -l app=web",
            {("list", "pods", "", "", "dev", ""), ("deletecollection", "pods", "", "", "dev", "")},
        ),
        ("scale deploy web --replicas=3", {("patch", "deployments", "apps", "scale", "dev", "web")}),
        ("scale sts/db --replicas=3", {("patch", "statefulsets", "apps", "scale", "dev", "db")}),
        ("rollout restart deploy/web", {("patch", "deployments", "apps", "", "dev", "web")}),
        (
            "rollout undo deploy/web",
            {
                ("patch", "deployments", "apps", "", "dev", "web"),
                ("list", "replicasets", "apps", "", "dev", ""),
            },
        ),
        (
            "drain node-1",
            {
                ("patch", "nodes", "", "", "", "node-1"),
                ("list", "pods", "", "", "", ""),
                ("create", "pods", "", "eviction", "", ""),
            },
        ),
        ("cordon node-1", {("patch", "nodes", "", "", "", "node-1")}),
        ("label pods web-1 a=b", {("patch", "pods", "", "", "dev", "web-1")}),
        ("create deployment web --image=nginx", {("create", "deployments", "apps", "", "dev", "")}),
        ("create secret generic s --from-literal=a=b", {("create", "secrets", "", "", "dev", "")}),
        ("create token build-bot", {("create", "serviceaccounts", "", "token", "dev", "build-bot")}),
        ("run tmp --image=busybox", {("create", "pods", "", "", "dev", "")}),
        (
            "certificate approve csr-1",
            {("update", "certificatesigningrequests", "certificates.k8s.io", "approval", "", "csr-1")},
        ),
        ("apply -f app.yaml", set()),  # objects come from a file
        ("version", set()),
        ("config use-context x", set()),
    ],
)
def test_required_access(command, expected):
    assert needs(command) == expected


def test_unknown_resource_is_marked_for_discovery():
    (chk,) = required_access(["get", "widgets"], "dev")
    assert chk.group == "*" and chk.resource == "widgets"


def test_message_names_verb_resource_and_namespace():
    r = RbacResult(allowed=False, missing=[AccessCheck("delete", "pods", namespace="prod")])
    assert r.message == "you need `delete` on `pods` in `prod`"
    r = RbacResult(allowed=False, missing=[AccessCheck("patch", "nodes", name="n1")])
    assert r.message == "you need `patch` on `nodes` cluster-wide (for `n1`)"
    assert RbacResult(allowed=True).message == "RBAC allows it"


def test_role_request_is_minimal_and_valid():
    missing = [
        AccessCheck("delete", "pods", namespace="prod", name="web-1"),
        AccessCheck("patch", "deployments", "apps", "scale", namespace="prod", name="web"),
        AccessCheck("create", "pods", "", "eviction", namespace=""),
    ]
    docs = list(yaml.safe_load_all(role_request_yaml(missing, Identity(user="alice@example.com"))))
    kinds = [d["kind"] for d in docs]
    assert kinds == ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]
    role = docs[2]
    assert role["metadata"] == {"name": "kubectl-chat-alice-example-com", "namespace": "prod"}
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"], "resourceNames": ["web-1"]},
        {
            "apiGroups": ["apps"],
            "resources": ["deployments/scale"],
            "verbs": ["patch"],
            "resourceNames": ["web"],
        },
    ]
    assert docs[3]["subjects"] == [
        {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice@example.com"}
    ]
    assert docs[0]["rules"] == [{"apiGroups": [""], "resources": ["pods/eviction"], "verbs": ["create"]}]


def test_role_request_for_service_account():
    docs = list(
        yaml.safe_load_all(
            role_request_yaml(
                [AccessCheck("list", "pods", namespace="ci")], Identity(user="system:serviceaccount:ci:bot")
            )
        )
    )
    assert docs[1]["subjects"] == [{"kind": "ServiceAccount", "name": "bot", "namespace": "ci"}]


def test_missing_kubeconfig_is_a_clear_error(tmp_path):
    with pytest.raises(KubechatError, match="cannot load the kubeconfig"):
        rbac.whoami(KubectlOptions(kubeconfig=str(tmp_path / "nope")))


def test_unreachable_server_is_cluster_unreachable(tmp_path):
    kc = tmp_path / "kc"
    kc.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "team"}}],
                "current-context": "x",
            }
        )
    )
    opts = KubectlOptions(kubeconfig=str(kc))
    assert rbac.context_info(opts) == rbac.ContextInfo(context="x", cluster="c", namespace="team")
    with pytest.raises(ClusterUnreachableError) as err:
        rbac.whoami(opts)
    assert "The connection to the server 127.0.0.1:1 was refused" in err.value.message
    assert "sandbox up" in err.value.hint
    with pytest.raises(ClusterUnreachableError):
        rbac.check(["delete", "pod", "x"], opts)
