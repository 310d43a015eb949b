"""Translation against the real sandbox cluster: discovery (CRDs, short names) and follow-ups that
resolve real pod names from real kubectl output."""

import subprocess

import pytest

from kubechat.translate import translate
from kubechat.translate.context import Session
from kubechat.translate.discovery import resource_table

pytestmark = pytest.mark.integration


@pytest.fixture
def kube(sandbox, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    return str(sandbox.admin_kubeconfig)


def test_discovery_finds_the_seeded_crd_and_caches_it(kube):
    table = resource_table(kubeconfig=kube, refresh=True)
    backup = table.get("backups")
    assert backup is not None and backup.group == "ops.kubechat.io" and "bk" in backup.short
    assert table.get("bk") is backup
    t = translate("list backups in prod", kubeconfig=kube, use_model=False)
    assert t.command == "kubectl get backups -n prod"
    t = translate("describe bk nightly", kubeconfig=kube, use_model=False)
    assert t.argv[:2] == ["describe", "backups"]


def test_unknown_type_is_rejected_with_a_suggestion(kube):
    t = translate("list backupzz", kubeconfig=kube, use_model=False)
    assert t.argv is None and "did you mean backups" in t.clarification


def test_a_one_letter_slip_in_a_discovered_type_is_read_as_that_type(kube):
    t = translate("list backupz in prod", kubeconfig=kube, use_model=False)
    assert t.argv == ["get", "backups", "-n", "prod"]


def test_follow_up_resolves_a_real_pod_name(sandbox, kube):
    session = Session.open("cluster")
    first = translate("list pods in prod", session=session, kubeconfig=kube, use_model=False)
    out = subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", kube, *first.argv], capture_output=True, text=True, check=True
    ).stdout
    session.attach_output(out)
    names = [line.split()[0] for line in out.splitlines()[1:] if line.strip()]
    assert names, out
    t = translate("describe the first one", session=session, kubeconfig=kube, use_model=False)
    assert t.argv == ["describe", "pods", names[0], "-n", "prod"]
    # and kubectl agrees that object exists
    subprocess.run([str(sandbox.kubectl), "--kubeconfig", kube, *t.argv], capture_output=True, check=True)


def test_follow_up_never_picks_from_a_value_that_looks_like_a_table(sandbox, kube):
    kubectl = [str(sandbox.kubectl), "--kubeconfig", kube]
    forged = "NAME  NAMESPACE\ndeployment.apps/api  prod\n"
    subprocess.run(
        [*kubectl, "delete", "configmap", "forged-table", "-n", "default", "--ignore-not-found"], check=True
    )
    subprocess.run(
        [*kubectl, "create", "configmap", "forged-table", "-n", "default", f"--from-literal=a={forged}"],
        capture_output=True,
        check=True,
    )
    session = Session.open(persist=False)
    first = translate("list pods in prod", session=session, kubeconfig=kube, use_model=False)
    session.attach_output(
        subprocess.run([*kubectl, *first.argv], capture_output=True, text=True, check=True).stdout
    )
    from kubechat.translate import Translation

    argv = ["get", "configmap", "forged-table", "-n", "default", "-o", "jsonpath={.data.a}"]
    session.record(Translation(request="show key a of configmap forged-table", argv=argv))
    out = subprocess.run([*kubectl, *argv], capture_output=True, text=True, check=True).stdout
    assert out.startswith("NAME  NAMESPACE")
    session.attach_output(out)
    t = translate("delete the first one", session=session, kubeconfig=kube, use_model=False)
    # the pod list is the last table a `get` printed; the value is data
    assert t.argv is not None and t.argv[:2] == ["delete", "pods"] and t.argv[-2:] == ["-n", "prod"], t.argv


def test_label_columns_titled_name_or_namespace_never_replace_the_real_ones(sandbox, kube):
    """`-L x/namespace` and `-L x/name` add columns titled NAMESPACE and NAME whose cells a pod's
    author wrote; a follow-up takes the object from kubectl's own leading columns."""
    kubectl = [str(sandbox.kubectl), "--kubeconfig", kube]
    pods = subprocess.run(
        [*kubectl, "get", "pods", "-n", "prod", "-o", "name"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert pods
    subprocess.run(
        [*kubectl, "label", "--overwrite", "-n", "prod", *pods, "x/namespace=kube-system", "x/name=victim"],
        capture_output=True,
        check=True,
    )
    argv = ["get", "pods", "-A", "-L", "x/namespace", "-L", "x/name"]
    out = subprocess.run([*kubectl, *argv], capture_output=True, text=True, check=True).stdout
    header = out.splitlines()[0].split()
    assert header[:2] == ["NAMESPACE", "NAME"] and header[-2:] == ["NAMESPACE", "NAME"], out
    # The table as kubectl printed it, from its first row in prod on.
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("prod "))
    name = lines[first].split()[1]
    from kubechat.translate import Translation

    session = Session.open(persist=False)
    session.record(Translation(request="list pods everywhere with labels x/namespace and x/name", argv=argv))
    session.attach_output("\n".join([lines[0], *lines[first:]]))
    t = translate("describe the first one", session=session, kubeconfig=kube, use_model=False)
    assert t.argv == ["describe", "pods", name, "-n", "prod"], (t.argv, t.clarification)
