"""Parsing `kubectl api-resources -o wide`, merging CRDs into the table, and the per-context cache."""

import os
import stat

from kubechat.translate import discovery
from kubechat.translate.resources import BUILTIN_TABLE

API_RESOURCES = """NAME          SHORTNAMES   APIVERSION             NAMESPACED   KIND         VERBS                                     CATEGORIES
bindings                   v1                     true         Binding      [create]
pods          po           v1                     true         Pod          [create delete get list patch watch]     all
nodes         no           v1                     false        Node         [create delete get list patch watch]
backups       bk           ops.kubechat.io/v1     true         Backup       [delete get list patch create watch]
deployments   deploy       apps/v1                true         Deployment   [create delete get list patch watch]     all
"""


def test_parse_api_resources_handles_empty_short_names():
    types = {t.plural: t for t in discovery.parse_api_resources(API_RESOURCES)}
    assert types["bindings"].short == () and types["bindings"].namespaced
    assert types["nodes"].namespaced is False and types["nodes"].short == ("no",)
    assert types["backups"].group == "ops.kubechat.io" and types["backups"].kind == "Backup"
    assert "list" in types["pods"].verbs


def test_crds_merge_into_the_builtin_table():
    table = BUILTIN_TABLE.with_types(discovery.parse_api_resources(API_RESOURCES))
    assert table.get("bk").plural == "backups"
    assert table.get("backup").plural == "backups"
    assert table.get("po").plural == "pods"
    assert table.suggest("backupz") == "backups"


def test_discovery_runs_kubectl_once_per_context_and_caches(tmp_path, monkeypatch):
    calls = tmp_path / "calls"
    fake = tmp_path / "kubectl"
    out = tmp_path / "out.txt"
    out.write_text(API_RESOURCES)
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {calls}\n'
        'case "$*" in *current-context*) echo ctx-a ;; *api-resources*) cat ' + str(out) + " ;; esac\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\n")
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(fake))
    monkeypatch.setenv("KUBECHAT_CACHE", str(tmp_path / "cache"))
    discovery._memo.clear()
    table = discovery.resource_table(kubeconfig=str(kubeconfig))
    assert table.get("bk").plural == "backups"
    discovery._memo.clear()
    table = discovery.resource_table(kubeconfig=str(kubeconfig))  # from the on-disk cache
    assert table.get("bk").plural == "backups"
    assert calls.read_text().count("api-resources") == 1
    assert any(p.suffix == ".json" for p in (tmp_path / "cache" / "discovery").iterdir())


def test_unreachable_cluster_falls_back_to_builtins(tmp_path, monkeypatch):
    fake = tmp_path / "kubectl"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(fake))
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text("x")
    discovery._memo.clear()
    assert discovery.resource_table(kubeconfig=str(kubeconfig)) is BUILTIN_TABLE
    assert os.environ["KUBECHAT_KUBECTL"] == str(fake)
