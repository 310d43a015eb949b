"""A preview never changes the cluster. For every write verb the client previews with a server
dry-run, the command goes through the whole turn (policy, RBAC pre-check, server dry-run, preview,
confirmation) and is declined; the cluster must be exactly as before, including commands whose
argv carries a container command after `--` (where an appended flag would be an argument of that
command and kubectl would really create the object)."""

import hashlib
import json
import subprocess

import pytest
from test_conversation import ScriptedUI

from kubechat import verbs
from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions
from kubechat.translate import Translation

pytestmark = pytest.mark.integration

NODE = "kwok-node-1"

# One or more argvs per verb that is previewed with a server dry-run; `--` forms wherever kubectl
# accepts a container command.
CASES = {
    "create": [
        ["create", "deployment", "dr-deploy", "--image=nginx", "-n", "dev"],
        ["create", "deployment", "dr-deploy-cmd", "--image=busybox", "-n", "dev", "--", "sleep", "60"],
        ["create", "deployment", "dr-deploy-empty", "--image=busybox", "-n", "dev", "--"],
        ["create", "job", "dr-job", "--image=busybox", "-n", "dev", "--", "echo", "hi"],
        [
            "create",
            "cronjob",
            "dr-cron",
            "--image=busybox",
            "--schedule=*/5 * * * *",
            "-n",
            "dev",
            "--",
            "true",
        ],
        ["create", "configmap", "dr-cm", "--from-literal=a=b", "-n", "dev"],
        ["create", "namespace", "dr-ns"],
        ["create", "service", "clusterip", "dr-svc", "--tcp=80:80", "-n", "dev"],
    ],
    "run": [
        ["run", "dr-pod", "--image=busybox", "-n", "dev", "--", "sleep", "3600"],
        ["run", "dr-pod-sh", "--image=busybox", "-n", "dev", "--command", "--", "sleep", "60"],
        ["run", "dr-pod-plain", "--image=nginx", "-n", "dev"],
    ],
    "delete": [
        ["delete", "configmap", "app-settings", "-n", "dev"],
        # kubectl reads `--dry_run` as `--dry-run` and the last value wins: a second dry-run flag
        # must stop the server dry-run, never follow it
        ["delete", "configmap", "app-settings", "-n", "dev", "--dry_run=none"],
    ],
    "scale": [["scale", "deployment", "sandbox-app", "--replicas=4", "-n", "dev"]],
    "label": [["label", "deployment", "sandbox-app", "dr=yes", "-n", "dev"]],
    "annotate": [["annotate", "deployment", "sandbox-app", "dr=yes", "-n", "dev"]],
    "expose": [["expose", "deployment", "sandbox-app", "--port=80", "--name=dr-exposed", "-n", "dev"]],
    "set": [
        ["set", "image", "deployment/sandbox-app", "*=nginx:1.27", "-n", "dev"],
        ["set", "env", "deployment/sandbox-app", "DR=yes", "-n", "dev"],
    ],
    "patch": [["patch", "deployment", "sandbox-app", "-n", "dev", "-p", '{"spec":{"replicas":3}}']],
    "apply": [["apply", "-f", "MANIFEST"]],
    "replace": [["replace", "-f", "MANIFEST_EXISTING"]],
    "cordon": [["cordon", NODE]],
    "uncordon": [["uncordon", "kwok-node-0"]],
    "drain": [["drain", NODE, "--ignore-daemonsets", "--force", "--delete-emptydir-data"]],
    "taint": [["taint", "nodes", NODE, "dr=yes:NoSchedule"]],
    "autoscale": [["autoscale", "deployment", "sandbox-app", "--min=1", "--max=3", "-n", "dev"]],
}

# Objects that change by themselves (heartbeats, leader election, status) are not state we act on.
_SKIP_KINDS = {"Event", "Lease", "EndpointSlice", "Endpoints", "ComponentStatus"}
_VOLATILE_ANNOTATIONS = {"kwok.x-k8s.io/node"}


def kubectl(sandbox, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def cluster_state(sandbox) -> dict[tuple[str, str, str], str]:
    """(kind, namespace, name) → digest of what a write could change: labels, annotations, spec,
    data, and the generation."""
    names = kubectl(sandbox, "api-resources", "--verbs=list", "-o", "name").stdout.split()
    got = kubectl(sandbox, "get", ",".join(names), "-A", "-o", "json")
    assert got.returncode == 0, got.stderr
    state = {}
    for item in json.loads(got.stdout)["items"]:
        if item["kind"] in _SKIP_KINDS:
            continue
        meta = item["metadata"]
        notes = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in _VOLATILE_ANNOTATIONS}
        facts = [meta.get("labels"), notes, item.get("spec"), item.get("data"), meta.get("generation")]
        key = (item["kind"], meta.get("namespace", ""), meta["name"])
        state[key] = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()
    return state


@pytest.fixture
def prepared(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    # uncordon must have something to undo
    assert kubectl(sandbox, "cordon", "kwok-node-0").returncode == 0
    manifest = tmp_path / "new.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dr-applied, namespace: dev}\ndata: {a: b}\n"
    )
    existing = tmp_path / "existing.yaml"
    existing.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-settings, namespace: dev}\ndata: {MODE: replaced}\n"
    )
    yield {"MANIFEST": str(manifest), "MANIFEST_EXISTING": str(existing)}
    kubectl(sandbox, "uncordon", "kwok-node-0")


def test_every_server_dry_run_verb_has_a_case():
    assert set(CASES) == {s.name for s in verbs.all_specs() if s.server_dry_run}


@pytest.mark.parametrize("dry_run", [False, True], ids=["declined", "dry-run"])
def test_no_preview_changes_cluster_state(sandbox, prepared, monkeypatch, dry_run):
    argvs = [[prepared.get(a, a) for a in argv] for cases in CASES.values() for argv in cases]
    current: list[list[str]] = []

    def translated(self, request):
        argv = current[0]
        return Translation(request=request, argv=argv, command="kubectl " + " ".join(argv), source="rules")

    monkeypatch.setattr(Conversation, "_translate", translated)
    before = cluster_state(sandbox)
    ui = ScriptedUI(yes=False, typed=None)  # sees every preview, agrees to nothing
    conv = Conversation(
        KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig)),
        ui,
        Settings(mode="write", use_model=False, dry_run=dry_run),
    )
    previewed = []
    for argv in argvs:
        current[:] = [argv]
        out = conv.handle("preview " + argv[0])
        assert out.status == ("dry-run" if dry_run else "cancelled"), (argv, out.status, out.message)
        assert out.exit_code is None
        previewed.append((argv, out.preview.dry_run_output))
    after = cluster_state(sandbox)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == [], f"a preview changed the cluster: {changed}"
    # The server dry-run really ran (the API server answered), so the check above means something.
    # (kubectl's patch and taint do not add "(server dry run)" to what they print)
    answered = [argv for argv, text in previewed if text]
    unanswered = [argv for argv, _ in previewed if argv not in answered]
    assert unanswered == [["delete", "configmap", "app-settings", "-n", "dev", "--dry_run=none"]]
