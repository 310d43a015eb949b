"""The sandbox is real Kubernetes: RBAC denies, controllers schedule, kwok runs pods, CRDs serve."""

import json
import subprocess
import time

import pytest

from kubechat.sandbox import cluster, processes

pytestmark = pytest.mark.integration


def kubectl(sb, kubeconfig, *args, check=False):
    return subprocess.run(
        [str(sb.kubectl), "--kubeconfig", str(kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def test_limited_user_is_denied_delete_by_the_api_server(sandbox):
    result = kubectl(sandbox, sandbox.limited_kubeconfig, "delete", "configmap", "web-config", "-n", "prod")
    assert result.returncode != 0
    assert "forbidden" in result.stderr.lower()
    assert f'User "{sandbox.limited_user}" cannot delete resource "configmaps"' in result.stderr
    # …while the object is still there and the same user may read it.
    still = kubectl(
        sandbox, sandbox.limited_kubeconfig, "get", "configmap", "web-config", "-n", "prod", "-o", "name"
    )
    assert still.stdout.strip() == "configmap/web-config"


def test_limited_user_cannot_read_other_namespaces(sandbox):
    result = kubectl(sandbox, sandbox.limited_kubeconfig, "get", "pods", "-n", "dev")
    assert result.returncode != 0 and "forbidden" in result.stderr.lower()


def test_new_deployment_pods_reach_running(sandbox):
    kubectl(
        sandbox,
        sandbox.admin_kubeconfig,
        "create",
        "deployment",
        "probe",
        "--image=nginx:1.27",
        "--replicas=2",
        "-n",
        "dev",
        check=True,
    )
    deadline = time.monotonic() + 60
    phases: list[str] = []
    while time.monotonic() < deadline:
        out = kubectl(
            sandbox, sandbox.admin_kubeconfig, "get", "pods", "-n", "dev", "-l", "app=probe", "-o", "json"
        )
        pods = json.loads(out.stdout)["items"]
        phases = [p["status"].get("phase") for p in pods]
        if len(pods) == 2 and all(ph == "Running" for ph in phases):
            break
        time.sleep(0.5)
    assert phases == ["Running", "Running"]
    # Scheduled onto a kwok node by the real scheduler.
    assert all(p["spec"]["nodeName"].startswith("kwok-node-") for p in pods)
    kubectl(sandbox, sandbox.admin_kubeconfig, "delete", "deployment", "probe", "-n", "dev", "--wait=false")


def test_api_resources_lists_the_seeded_crd(sandbox):
    out = kubectl(
        sandbox, sandbox.admin_kubeconfig, "api-resources", "--api-group=ops.kubechat.io", check=True
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("backups"))
    assert "bk" in line.split() and "Backup" in line


def test_seeded_unhealthy_pods_explain_themselves(sandbox):
    pod = json.loads(
        kubectl(
            sandbox,
            sandbox.admin_kubeconfig,
            "get",
            "pod",
            "payments-worker",
            "-n",
            "prod",
            "-o",
            "json",
            check=True,
        ).stdout
    )
    waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    pending = json.loads(
        kubectl(
            sandbox,
            sandbox.admin_kubeconfig,
            "get",
            "pod",
            "report-generator",
            "-n",
            "staging",
            "-o",
            "json",
            check=True,
        ).stdout
    )
    assert pending["status"]["phase"] == "Pending"


def test_token_users_authenticate(sandbox):
    out = kubectl(
        sandbox, sandbox.token_kubeconfigs["alice"], "auth", "whoami", "-o", "json", check=True
    ).stdout
    assert json.loads(out)["status"]["userInfo"]["username"] == "alice"


def test_up_twice_is_harmless_and_status_is_running(sandbox):
    before = cluster.load_state(sandbox.dir)
    again = cluster.up(sandbox.dir)
    assert [c["pid"] for c in again.components] == [c["pid"] for c in before.components]
    state, comps = cluster.status(sandbox.dir)
    assert state.ready and all(c.running for c in comps)


def test_separate_sandbox_down_frees_every_port_and_recovers_stale_state(tmp_path):
    d = tmp_path / "sb2"
    state = cluster.up(d)
    ports = dict(state.ports)
    pids = [c["pid"] for c in state.components]
    # Kill one component behind the sandbox's back: `up` must notice and rebuild.
    processes.stop(processes.Component(**state.components[-1]))
    recovered = cluster.up(d)
    assert recovered.ready
    assert [c["pid"] for c in recovered.components] != pids
    ports.update(recovered.ports)
    stopped = cluster.down(d)
    assert set(stopped) == set(cluster.START_ORDER)
    assert not any(processes.port_in_use(p) for p in ports.values())
    assert cluster.load_state(d) is None


def test_ctrl_c_during_up_stops_everything_started(tmp_path):
    import os
    import signal
    import sys
    from pathlib import Path

    d = tmp_path / "sb3"
    exe = Path(sys.executable).parent / "kubectl-chat"
    proc = subprocess.Popen(
        [str(exe), "sandbox", "up", "--dir", str(d)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started: list[dict] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(started) < 2:  # etcd and kube-apiserver launched
        state = cluster.load_state(d) if (d / "state.json").exists() else None
        started = state.components if state else []
        time.sleep(0.1)
    assert len(started) >= 2
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    for comp in started:
        assert not processes.is_alive(processes.Component(**comp)), comp["name"]
    assert cluster.load_state(d) is None
