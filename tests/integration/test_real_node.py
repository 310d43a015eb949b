"""The sandbox's real node runs real containers, and kubectl chat's logs, exec and port-forward
reach them through the API server and the kubelet like on any cluster."""

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest
import requests

from kubechat.ports import free_port
from kubechat.sandbox import real_node as node

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"
NAMESPACE = "dev"


def _kubectl(sandbox, *args, input_text=None):
    return subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        input=input_text,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def probe_pod(sandbox, real_node) -> dict:
    """A pod of the probe image on the real node, Running (waited for, not assumed)."""
    name = "real-probe"
    manifest = node.pod_manifest(name, NAMESPACE)
    created = _kubectl(sandbox, "apply", "-f", "-", input_text=json.dumps(manifest))
    assert created.returncode == 0, created.stderr
    waited = _kubectl(
        sandbox, "wait", "--for=condition=Ready", f"pod/{name}", "-n", NAMESPACE, "--timeout=90s"
    )
    pod = json.loads(_kubectl(sandbox, "get", "pod", name, "-n", NAMESPACE, "-o", "json").stdout)
    assert waited.returncode == 0, f"{waited.stderr}\n{json.dumps(pod.get('status'), indent=1)}"
    yield pod
    _kubectl(sandbox, "delete", "pod", name, "-n", NAMESPACE, "--wait=false")


@pytest.fixture
def chat(sandbox_chat_env):
    env = sandbox_chat_env

    def run(*args: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120, env=env, **kw)

    run.env = env
    return run


def test_a_pod_that_selects_the_real_node_runs_a_real_container(sandbox, probe_pod, real_node):
    assert probe_pod["spec"]["nodeName"] == real_node
    assert probe_pod["status"]["phase"] == "Running"
    (status,) = probe_pod["status"]["containerStatuses"]
    assert status["containerID"].startswith("containerd://") and status["ready"] is True
    assert status["image"].endswith(node.PROBE_IMAGE.split("/", 1)[1])
    assert probe_pod["status"]["podIP"].startswith(node.SUBNET_PREFIX + ".")
    # The kwok nodes stay, and the real node keeps pods that did not ask for it away (taint).
    nodes = json.loads(_kubectl(sandbox, "get", "nodes", "-o", "json").stdout)["items"]
    names = {n["metadata"]["name"] for n in nodes}
    assert real_node in names and any(n.startswith("kwok-node-") for n in names)
    real = next(n for n in nodes if n["metadata"]["name"] == real_node)
    assert node.NODE_TAINT in [
        {k: t.get(k) for k in ("key", "value", "effect")} for t in real["spec"].get("taints", [])
    ]
    info = real["status"]["nodeInfo"]
    assert info["containerRuntimeVersion"].startswith("containerd://")
    server_version = json.loads(_kubectl(sandbox, "version", "-o", "json").stdout)["serverVersion"]
    assert info["kubeletVersion"] == server_version["gitVersion"]  # same Kubernetes build


def test_logs_through_kubectl_chat_come_from_the_container(chat, probe_pod):
    out = chat("--no-model", f"show logs of pod {probe_pod['metadata']['name']} in {NAMESPACE}")
    assert out.returncode == 0, out.stderr
    assert f"sandbox-probe serving on :{node.PROBE_PORT}" in out.stdout


def test_exec_through_kubectl_chat_runs_in_the_container(chat, probe_pod):
    name = probe_pod["metadata"]["name"]
    denied = chat("--no-model", f"run hostname in pod {name} in {NAMESPACE}")
    assert denied.returncode == 3 and "nothing was run" in denied.stderr  # a write: read-only refuses
    out = chat(
        "--no-model",
        "--write",
        "--yes",
        f"run hostname in pod {name} in {NAMESPACE}",
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr
    assert f"kubectl exec {name} -n {NAMESPACE} -- hostname" in out.stderr
    assert out.stdout.strip() == name  # the pod's UTS namespace, not this machine's
    assert name != os.uname().nodename


def test_port_forward_through_kubectl_chat_reaches_the_container(chat, probe_pod):
    name, port = probe_pod["metadata"]["name"], free_port()
    proc = subprocess.Popen(
        [
            str(EXE),
            "--no-model",
            "--write",
            "--yes",
            f"port-forward pod {name} {port}:{node.PROBE_PORT} in {NAMESPACE}",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=chat.env,
    )
    try:
        body, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = requests.get(f"http://127.0.0.1:{port}/through-port-forward", timeout=2).text
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert body == f"hello from {name}\n", proc.stderr.read() if proc.poll() is not None else body
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    logs = chat("--no-model", f"show logs of pod {name} in {NAMESPACE}").stdout
    assert "request GET /through-port-forward" in logs  # the request went into the container


def test_sandbox_status_shows_the_real_node(sandbox, real_node, chat):
    out = chat("sandbox", "status", "--dir", str(sandbox.dir))
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert any(ln.split()[:1] == ["kubelet"] and "running" in ln for ln in lines)
    assert any(ln.split()[:1] == ["containerd"] and "running" in ln for ln in lines)
    assert f"real node {real_node} ({node.NODE_LABEL}=true): running" in out.stdout


def test_without_a_kubelet_the_sandbox_stays_up_with_a_one_line_note(sandbox, tmp_path, chat):
    """A second view of the running sandbox (its control plane only) asked for a real node on a
    machine without a kubelet: nothing starts, nothing of the sandbox stops, the note says why."""
    from kubechat.sandbox import cluster

    state = cluster.load_state(sandbox.dir)
    view = tmp_path / "view"
    view.mkdir()
    control_plane = [c for c in state.components if c["name"] in cluster.START_ORDER]
    (view / "state.json").write_text(
        json.dumps({**asdict(state), "dir": str(view), "components": control_plane})
    )
    bins = tmp_path / "bin"
    bins.mkdir()
    for name, path in cluster.find_binaries().items():
        (bins / name).symlink_to(path)
    (bins / "sandbox-probe").write_bytes(b"")  # everything but the kubelet
    after = cluster.add_real_node(view, bin_dir=bins)
    assert after.real_node == ""
    # On a machine without containerd the list is longer; the kubelet is always named, last.
    assert after.real_node_note.startswith(
        "real node not started: the real node cannot run here: not installed:"
    )
    assert after.real_node_note.endswith(" kubelet")
    assert [c["name"] for c in after.components] == list(cluster.START_ORDER)
    assert cluster.is_running(view) and cluster.is_running(sandbox.dir)
    out = chat("sandbox", "status", "--dir", str(view))
    assert out.returncode == 0 and out.stdout.splitlines()[-1].strip() == after.real_node_note
