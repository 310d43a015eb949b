"""RBAC pre-checks and identity against the real sandbox cluster (admin, and the limited user
`jane`: view in prod only), and the policy + RBAC pair on real identities."""

import subprocess

import pytest
import yaml

from kubechat.errors import ClusterUnreachableError
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import rbac, sidecar
from kubechat.safety.policy import PolicySettings, build_input, decide

pytestmark = pytest.mark.integration


def opts(kubeconfig, **kw) -> KubectlOptions:
    return KubectlOptions(kubeconfig=str(kubeconfig), **kw)


def test_whoami(sandbox):
    admin = rbac.whoami(opts(sandbox.admin_kubeconfig))
    assert "system:masters" in admin.groups
    jane = rbac.whoami(opts(sandbox.limited_kubeconfig))
    assert jane.user == sandbox.limited_user
    assert "system:authenticated" in jane.groups


def test_whoami_honours_impersonation(sandbox):
    me = rbac.whoami(opts(sandbox.admin_kubeconfig, as_user="someone", as_groups=["team-a", "team-b"]))
    assert me.user == "someone"
    assert {"team-a", "team-b"} <= set(me.groups)


def test_allowed_read(sandbox):
    ns = sandbox.limited_namespace
    r = rbac.check(["get", "pods", "-n", ns], opts(sandbox.limited_kubeconfig))
    assert r.allowed and r.missing == [] and r.request_yaml == ""
    assert [(c.verb, c.resource, c.namespace) for c, ok, _ in r.checks] == [("list", "pods", ns)]


def test_denied_delete_names_the_permission_and_the_role_fixes_it(sandbox):
    ns = sandbox.limited_namespace
    limited = opts(sandbox.limited_kubeconfig)
    argv = ["delete", "pod", "web-0", "-n", ns]
    r = rbac.check(argv, limited)
    assert not r.allowed
    assert r.message == f"you need `delete` on `pods` in `{ns}` (for `web-0`)"
    docs = list(yaml.safe_load_all(r.request_yaml))
    assert [d["kind"] for d in docs] == ["Role", "RoleBinding"]
    assert docs[0]["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"], "resourceNames": ["web-0"]}
    ]
    assert docs[1]["subjects"][0]["name"] == sandbox.limited_user

    # The admin applies exactly what was asked for; the pre-check then passes.
    apply = subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), "apply", "-f", "-"],
        input=r.request_yaml,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert apply.returncode == 0, apply.stderr
    try:
        assert rbac.check(argv, limited).allowed
        assert not rbac.check(["delete", "pod", "other", "-n", ns], limited).allowed  # still minimal
    finally:
        subprocess.run(
            [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), "delete", "-f", "-"],
            input=r.request_yaml,
            capture_output=True,
            text=True,
            timeout=60,
        )


def test_denied_outside_namespace_and_subresources(sandbox):
    limited = opts(sandbox.limited_kubeconfig)
    r = rbac.check(["get", "pods", "-n", "staging"], limited)
    assert not r.allowed and r.message == "you need `list` on `pods` in `staging`"
    r = rbac.check(["exec", "web-0", "-n", sandbox.limited_namespace, "--", "sh"], limited)
    assert not r.allowed and "`create` on `pods/exec`" in r.message
    r = rbac.check(["scale", "deploy/web", "--replicas=2", "-n", sandbox.limited_namespace], limited)
    assert not r.allowed and "`patch` on `deployments.apps/scale`" in r.message
    r = rbac.check(["drain", "node-1"], limited)
    assert not r.allowed and "cluster-wide" in r.message
    assert "ClusterRole" in r.request_yaml


def test_admin_is_allowed_and_impersonation_is_honoured(sandbox):
    argv = ["delete", "pod", "web-0", "-n", sandbox.limited_namespace]
    assert rbac.check(argv, opts(sandbox.admin_kubeconfig)).allowed
    as_jane = opts(sandbox.admin_kubeconfig, as_user=sandbox.limited_user, as_groups=["kubechat:viewers"])
    r = rbac.check(argv, as_jane)
    assert not r.allowed and r.missing[0].verb == "delete"


def test_custom_resources_resolve_through_discovery(sandbox):
    r = rbac.check(["get", "backups", "-n", "prod"], opts(sandbox.admin_kubeconfig))
    assert r.allowed
    assert [(c.resource, c.group) for c, _, _ in r.checks] == [("backups", "ops.kubechat.io")]
    r = rbac.check(["get", "bk", "-n", "prod"], opts(sandbox.limited_kubeconfig))
    assert r.checks[0][0].group == "ops.kubechat.io"


def test_context_namespace_is_the_default(sandbox):
    info = rbac.context_info(opts(sandbox.limited_kubeconfig))
    assert info.context and info.cluster
    assert rbac.context_info(opts(sandbox.limited_kubeconfig, namespace="dev")).namespace == "dev"


def test_unreachable_api_server(sandbox, tmp_path):
    doc = yaml.safe_load(sandbox.limited_kubeconfig.read_text())
    for c in doc["clusters"]:
        c["cluster"]["server"] = "https://127.0.0.1:1"
    kc = tmp_path / "kubeconfig"
    kc.write_text(yaml.safe_dump(doc))
    with pytest.raises(ClusterUnreachableError) as err:
        rbac.check(["get", "pods"], opts(kc))
    assert "The connection to the server 127.0.0.1:1 was refused" in err.value.message and err.value.hint


@pytest.fixture
def opa(testbin, monkeypatch):
    monkeypatch.setenv("KUBECHAT_OPA", str(testbin / "opa"))
    yield
    sidecar.stop()


def _policy(argv, options, mode="write"):
    ident = rbac.whoami(options)
    ctx = rbac.context_info(options)
    inp = build_input(
        argv,
        user=ident.user,
        groups=ident.groups,
        cluster=ctx.cluster,
        context=ctx.context,
        mode=mode,
        default_namespace=ctx.namespace,
    )
    return decide(inp, PolicySettings())


def test_policy_and_rbac_with_real_identities(sandbox, opa):
    jane = opts(sandbox.limited_kubeconfig)
    ns = sandbox.limited_namespace

    # Allowed read: policy and RBAC agree.
    d = _policy(["get", "pods", "-n", ns], jane)
    assert d.allow and d.confirm == "none"
    assert rbac.check(["get", "pods", "-n", ns], jane).allowed

    # Denied by policy: jane is in kubechat:viewers, which may not write (before RBAC is asked).
    d = _policy(["scale", "deploy/web", "--replicas=2", "-n", ns], jane)
    assert not d.allow and any("kubechat:viewers" in r for r in d.reasons)

    # Denied by RBAC: policy allows alice (kubechat:operators) to scale, RBAC does not in prod.
    alice = opts(sandbox.token_kubeconfigs["alice"])
    argv = ["scale", "deploy/web", "--replicas=2", "-n", "prod"]
    d = _policy(argv, alice)
    assert d.allow and d.confirm == "yes"
    r = rbac.check(argv, alice)
    assert not r.allowed and r.message.startswith("you need `patch` on `deployments.apps/scale` in `prod`")


def test_current_replicas_make_large_scale_downs_destructive(sandbox):
    from kubechat.safety.replicas import current_replicas

    admin = opts(sandbox.admin_kubeconfig)
    argv = ["scale", "deploy/web", "--replicas=1", "-n", "prod"]
    now = current_replicas(argv, admin)
    assert now == 3  # the seeded prod/web
    assert build_input(argv, current_replicas=now).risk.value == "destructive"
    assert (
        build_input(["scale", "deploy/web", "--replicas=2", "-n", "prod"], current_replicas=now).risk.value
        == "write"
    )
    assert current_replicas(["scale", "deploy/missing", "--replicas=1", "-n", "prod"], admin) is None
