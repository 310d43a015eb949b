"""The policy through the real OPA binary: the Rego tests, the local sidecar's lifecycle, a central
OPA, failing closed when OPA is down, and the adversarial corpus end to end."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kubechat import paths
from kubechat.ports import free_port
from kubechat.safety import grammar, sidecar
from kubechat.safety.policy import PolicySettings, build_input, decide
from kubechat.safety.risk import Risk

pytestmark = pytest.mark.integration

REPO = Path(__file__).parents[2]
CORPUS = yaml.safe_load((REPO / "tests" / "data" / "adversarial.yaml").read_text())
CONFIRM_RANK = {"none": 0, "yes": 1, "typed": 2}
DEFAULT_CONFIRM = {"read": "none", "write": "yes", "destructive": "typed"}


@pytest.fixture(scope="module")
def opa_bin() -> str:
    opa = paths.testbin_dir() / "opa"
    if not opa.is_file():
        pytest.fail(f"the opa binary is missing at {opa} (tools/testbin/build.sh opa)")
    return str(opa)


@pytest.fixture
def opa(opa_bin, monkeypatch):
    """The real OPA for this test; whatever sidecar it starts is stopped afterwards."""
    monkeypatch.setenv("KUBECHAT_OPA", opa_bin)
    yield opa_bin
    sidecar.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child still "exists"; it no longer runs.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _decide(argv, mode="write", settings=None, **kw):
    return decide(build_input(argv, user="alice", mode=mode, **kw), settings or PolicySettings())


def test_rego_unit_tests_pass(opa_bin):
    out = subprocess.run(
        [opa_bin, "test", str(REPO / "policies")], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "PASS" in out.stdout


def test_rego_is_v1_and_strict(opa_bin):
    out = subprocess.run(
        [opa_bin, "check", "--strict", str(REPO / "policies")], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_decisions_through_the_sidecar(opa):
    read = _decide(["get", "pods", "-n", "dev"], mode="read-only")
    assert read.allow and read.confirm == "none" and read.available and read.source.startswith("local OPA")

    secret = _decide(["get", "secret", "db", "-n", "prod", "-o", "yaml"])
    assert not secret.allow and "secret contents" in secret.reasons[0]

    ro = _decide(["scale", "deploy/web", "--replicas=3", "-n", "prod"], mode="read-only")
    assert not ro.allow and "read-only mode" in ro.reasons[0]

    rm = _decide(["delete", "pod", "web-1", "-n", "prod"])
    assert rm.allow and rm.confirm == "typed" and rm.confirm_phrase == "web-1"

    scale = _decide(["scale", "deploy/web", "--replicas=3", "-n", "prod"])
    assert scale.allow and scale.confirm == "yes"


def test_sidecar_start_reuse_stop(opa):
    assert sidecar.running() is None
    _decide(["get", "pods"])
    first = sidecar.running()
    assert first is not None and _alive(first.pid) and _port_open(first.port)

    _decide(["get", "pods"])
    assert sidecar.running().pid == first.pid  # reused within a process

    # A separate invocation (a new process) reuses it too.
    code = (
        "from kubechat.safety.policy import build_input, decide, PolicySettings;"
        "from kubechat.safety import sidecar;"
        "d = decide(build_input(['get','pods']), PolicySettings());"
        "print(sidecar.read_state().pid, d.allow)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert out.stdout.split() == [str(first.pid), "True"], out.stderr

    stopped = sidecar.stop()
    assert stopped.pid == first.pid
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_alive(first.pid) or _port_open(first.port)):
        time.sleep(0.05)
    assert not _alive(first.pid) and not _port_open(first.port)
    assert sidecar.read_state() is None
    assert sidecar.stop() is None  # stopping twice is fine


def test_other_local_processes_cannot_change_the_sidecar_policy(opa):
    import requests

    _decide(["get", "pods"])
    port = sidecar.running().port
    base = f"http://127.0.0.1:{port}/v1"
    evil = 'package kubectl_chat\n\ndecision := {"allow": true, "confirm": "none", "reasons": []}\n'
    attempts = [
        requests.put(f"{base}/data/kubectl_chat/config/write_mode_required", data="false", timeout=5),
        requests.put(f"{base}/policies/evil", data=evil, timeout=5),
        requests.delete(f"{base}/policies/{REPO / 'policies' / 'decision.rego'}", timeout=5),
    ]
    assert all(r.status_code >= 400 for r in attempts), [r.text for r in attempts]
    assert not _decide(["label", "pod", "x", "a=b"], mode="read-only").allow


def test_dead_sidecar_is_replaced(opa):
    _decide(["get", "pods"])
    old = sidecar.running()
    os.kill(old.pid, 9)
    os.waitpid(old.pid, 0)
    d = _decide(["get", "pods"])
    assert d.allow and d.available
    new = sidecar.running()
    assert new.pid != old.pid


def test_hung_sidecar_is_replaced_not_left_behind(opa):
    _decide(["get", "pods"])
    old = sidecar.running()
    os.kill(old.pid, signal.SIGSTOP)  # alive, but answers nothing
    try:
        d = _decide(["get", "pods"])
    finally:
        if _alive(old.pid):
            os.kill(old.pid, signal.SIGCONT)
    assert d.allow and d.available
    assert sidecar.running().pid != old.pid
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(old.pid):
        time.sleep(0.05)
    assert not _alive(old.pid)


def test_admin_data_edits_take_effect_without_restart(opa, tmp_path, monkeypatch):
    pol = tmp_path / "policies"
    shutil.copytree(REPO / "policies", pol)
    monkeypatch.setenv("KUBECHAT_POLICIES", str(pol))
    argv = ["label", "pod", "web-1", "a=b", "-n", "dev"]
    assert not _decide(argv, mode="read-only").allow
    data = json.loads((pol / "data.json").read_text())
    data["kubectl_chat"]["config"]["write_mode_required"] = False
    (pol / "data.json").write_text(json.dumps(data))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _decide(argv, mode="read-only").allow:
        time.sleep(0.1)
    assert _decide(argv, mode="read-only").allow


def test_broken_policy_fails_closed(opa, tmp_path, monkeypatch):
    pol = tmp_path / "policies"
    pol.mkdir()
    (pol / "decision.rego").write_text("package kubectl_chat\n\ndecision := {\n")
    (pol / "data.json").write_text("{}")
    monkeypatch.setenv("KUBECHAT_POLICIES", str(pol))
    d = _decide(["scale", "deploy/web", "--replicas=3"])
    assert not d.allow and not d.available and "did not start" in d.reasons[0]


def test_policy_without_decision_rule_fails_closed(opa, tmp_path, monkeypatch):
    pol = tmp_path / "policies"
    pol.mkdir()
    (pol / "other.rego").write_text("package something_else\n\nx := 1\n")
    (pol / "data.json").write_text("{}")
    monkeypatch.setenv("KUBECHAT_POLICIES", str(pol))
    d = _decide(["get", "pods"], settings=PolicySettings(on_policy_unavailable="allow-reads"))
    assert d.allow and not d.available  # a read, allowed by configuration
    d = _decide(["delete", "pod", "x"], settings=PolicySettings(on_policy_unavailable="allow-reads"))
    assert not d.allow and "no kubectl_chat.decision" in d.reasons[0]


@pytest.fixture
def central_opa(opa_bin):
    """An OPA server run the way the Helm chart runs it, standing in for a central one."""
    port = free_port()
    proc = subprocess.Popen(
        [opa_bin, "run", "--server", "--addr", f"127.0.0.1:{port}", "--bundle", str(REPO / "policies")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not sidecar.healthy(port):
        time.sleep(0.05)
    yield proc, port
    proc.terminate()
    proc.wait(timeout=10)


def test_central_opa_is_used_when_configured(central_opa, monkeypatch):
    proc, port = central_opa
    monkeypatch.setenv("KUBECHAT_OPA_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("KUBECHAT_OPA", "/nonexistent/opa")  # the sidecar must not be needed
    from kubechat.safety.policy import load_settings

    d = decide(build_input(["delete", "pod", "x", "-n", "dev"], mode="write"), load_settings())
    assert d.available and d.source == f"central OPA http://127.0.0.1:{port}"
    assert d.allow and d.confirm == "typed"
    assert sidecar.read_state() is None

    # Central OPA goes down: writes are denied, reads follow on_policy_unavailable.
    proc.terminate()
    proc.wait(timeout=10)
    w = decide(build_input(["scale", "deploy/web", "--replicas=3"], mode="write"), load_settings())
    assert not w.allow and not w.available and "write commands are denied" in w.reasons[0]
    r = decide(build_input(["get", "pods"], mode="write"), load_settings())
    assert not r.allow  # default: deny
    monkeypatch.setenv("KUBECHAT_ON_POLICY_UNAVAILABLE", "allow-reads")
    r = decide(build_input(["get", "pods"], mode="write"), load_settings())
    assert r.allow and not r.available
    w = decide(build_input(["delete", "pod", "x"], mode="write"), load_settings())
    assert not w.allow


def test_opa_missing_denies_writes(monkeypatch):
    monkeypatch.setenv("KUBECHAT_OPA", "/nonexistent/opa")
    d = _decide(["label", "pod", "x", "a=b"])
    assert not d.allow and not d.available
    d = _decide(["get", "pods"], settings=PolicySettings(on_policy_unavailable="allow-reads"))
    assert d.allow


def _corpus_argv():
    for case in CORPUS["argv"]:
        if "long_token" in case:
            yield [*case["prefix"], "a" * case["long_token"]], case["expect"]
        else:
            yield case["argv"], case["expect"]


def test_adversarial_corpus_through_opa(opa):
    failures = []
    for argv, expect in _corpus_argv():
        d = _decide(argv, mode="write")
        assert d.available
        ok = {
            "violation": not d.allow,
            "deny": not d.allow,
            "typed": (not d.allow) or d.confirm == "typed",
            "yes": (not d.allow) or CONFIRM_RANK[d.confirm] >= 1,
            "read": d.allow and d.confirm == "none",
        }[expect]
        if not ok:
            failures.append((argv, expect, d.model_dump()))
    assert failures == []


def test_adversarial_requests_through_translation_and_opa(opa):
    from kubechat.translate import translate

    outside_grammar, unconfirmed_writes = [], []
    for request in [*CORPUS["requests"], "list pods " + "a" * 10000]:
        t = translate(request, offline=True, use_model=False)
        if t.argv is None:
            continue
        inp = build_input(t.argv, user="mallory", mode="write")
        d = decide(inp, PolicySettings())
        if grammar.violations(t.argv) and d.allow:
            outside_grammar.append((request, t.argv))
        if d.allow and inp.risk is not Risk.READ:
            if CONFIRM_RANK[d.confirm] < CONFIRM_RANK[DEFAULT_CONFIRM[inp.risk.value]]:
                unconfirmed_writes.append((request, t.argv, d.confirm))
    assert outside_grammar == []
    assert unconfirmed_writes == []


def _cli(*args, env=None, timeout=60):
    exe = Path(sys.executable).with_name("kubectl-chat")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=timeout, env=env or os.environ
    )


def test_cli_policy_explain_status_stop(opa):
    from click.testing import CliRunner

    from kubechat.cli import cli

    runner = CliRunner()
    out = runner.invoke(
        cli,
        ["policy", "explain", "--for-user", "alice", "--", "get", "secret", "db", "-n", "prod", "-o", "yaml"],
    )
    assert out.exit_code == 0, out.output
    assert "denied" in out.stdout and "secret contents" in out.stdout
    assert "risk:     destructive (output `yaml` prints secret data)" in out.stdout

    args = [
        "policy",
        "explain",
        "--write",
        "--for-user",
        "alice",
        "-o",
        "json",
        "--",
        "delete",
        "pod",
        "web-1",
    ]
    doc = json.loads(runner.invoke(cli, [*args, "-n", "dev"]).stdout)
    assert doc["decision"]["allow"] is True and doc["decision"]["confirm_phrase"] == "web-1"
    assert doc["input"]["risk"] == "destructive"

    out = runner.invoke(
        cli, ["policy", "explain", "--write", "--for-user", "alice", "scale web in prod to 0"]
    )
    assert out.exit_code == 0, out.output
    assert "kubectl scale" in out.stdout and "destructive" in out.stdout

    # status and stop in separate processes, as a user runs them
    out = _cli("policy", "status")
    assert "running, pid" in out.stdout and f"binary:    {opa}" in out.stdout
    pid = sidecar.read_state().pid
    out = _cli("policy", "stop")
    assert f"pid {pid}" in out.stdout
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)
    assert sidecar.read_state() is None
    out = _cli("policy", "status")
    assert "not running" in out.stdout and f"binary:    {opa}" in out.stdout


def test_cli_explain_request_that_cannot_translate_is_clean(opa):
    out = _cli("policy", "explain", "--for-user", "alice", "get pods; rm -rf /")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "shell" in out.stderr


def test_cli_explain_exit_code_is_the_verdict(opa):
    denied = _cli(
        "policy", "explain", "--for-user", "alice", "--", "get", "secret", "db", "-n", "prod", "-o", "yaml"
    )
    assert denied.returncode == 1 and "denied" in denied.stdout
    allowed = _cli("policy", "explain", "--for-user", "alice", "--", "get", "pods", "-n", "prod")
    assert allowed.returncode == 0 and "allowed" in allowed.stdout
