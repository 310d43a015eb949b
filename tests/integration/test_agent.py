"""The warm agent: runs handed to it behave exactly like in-process runs (terminal, stdin,
environment, exit codes, Ctrl-C), and it goes away when asked."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubechat import agent, paths

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"


@pytest.fixture
def warm_agent(isolated_home):
    proc = subprocess.Popen([sys.executable, "-m", "kubechat.agent"], start_new_session=True)
    sock = agent.socket_path()
    deadline = time.monotonic() + 60
    while not sock.exists() and time.monotonic() < deadline:
        assert proc.poll() is None, "agent exited during warm-up"
        time.sleep(0.1)
    assert sock.exists()
    yield proc
    agent.stop()
    proc.wait(timeout=10)


def served() -> int:
    log = paths.state_dir() / "agent.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def run(*args, env=None, **kw):
    env = {**os.environ, "KUBECHAT_AGENT": "on", **(env or {})}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=60, env=env, **kw)


def test_runs_go_through_the_agent_with_the_same_results(warm_agent):
    before = served()
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip().startswith("kubectl chat ")
    bad = run("--no-such-flag", "x")
    assert bad.returncode == 2 and "No such option" in bad.stderr
    assert served() == before + 2
    direct = run("--version", env={"KUBECHAT_AGENT": "off"})
    assert direct.stdout == out.stdout


def test_stdin_and_environment_are_the_callers(warm_agent):
    out = run(
        "translate", "--offline", "--rules-only", "--jsonl", input="list pods in prod\nscale web to 0\n"
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["command"] for r in rows][0] == "kubectl get pods -n prod"
    assert rows[1]["risk"] == "destructive"
    read_only = run("--offline", "--no-model", "-o", "json", "--dry-run", "scale deployment web to 3")
    write = run(
        "--offline",
        "--no-model",
        "-o",
        "json",
        "--dry-run",
        "scale deployment web to 3",
        env={"KUBECHAT_WRITE": "1"},
    )
    assert json.loads(read_only.stdout)["status"] == "denied" and read_only.returncode == 3
    assert json.loads(write.stdout)["status"] == "dry-run" and write.returncode == 0


def test_ctrl_c_reaches_the_run_and_cleans_up(warm_agent, tmp_path):
    d = tmp_path / "sb"
    before = served()
    proc = subprocess.Popen(
        [str(EXE), "sandbox", "up", "--dir", str(d)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KUBECHAT_AGENT": "on"},
    )
    from kubechat.sandbox import cluster, processes

    started: list[dict] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(started) < 2:
        state = cluster.load_state(d) if (d / "state.json").exists() else None
        started = state.components if state else []
        time.sleep(0.1)
    assert served() == before + 1  # the agent ran it
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    for comp in started:
        assert not processes.is_alive(processes.Component(**comp))


def test_stop_removes_the_socket_and_runs_continue_in_process(warm_agent):
    assert agent.stop() is True
    warm_agent.wait(timeout=10)
    assert not agent.socket_path().exists()
    out = run("--version", env={"KUBECHAT_AGENT_IDLE_S": "1"})
    assert out.returncode == 0
