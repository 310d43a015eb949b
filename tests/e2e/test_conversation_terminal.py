"""`kubectl chat` in a real terminal (tmux) against the sandbox: reads, confirmed and cancelled
writes, typed confirmation, follow-ups, Ctrl-C on a stream, and the user's own credentials."""

import json
import re
import subprocess

import pytest

from .conftest import terminal_env
from .terminal import Terminal

pytestmark = pytest.mark.e2e


def api(sandbox, *args) -> dict:
    out = subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args, "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(out.stdout)


def replicas(sandbox, name, ns) -> int:
    return api(sandbox, "get", "deployment", name, "-n", ns)["spec"]["replicas"]


def test_a_read_runs_at_once(terminal):
    code, screen = terminal.run('kubectl chat "list pods in prod"')
    assert code == 0
    assert "kubectl get pods -n prod" in screen
    assert "payments-worker" in screen and "CrashLoopBackOff" in screen


def test_yaml_output_is_shown_whole(terminal):
    code, screen = terminal.run('kubectl chat "get deployment web in prod as yaml"')
    assert code == 0
    assert "kind: Deployment" in screen and "name: web" in screen


def test_a_write_runs_after_yes(terminal, sandbox):
    terminal.send('kubectl chat --write "scale deployment web in staging to 2"; echo EXIT=$?')
    terminal.wait_for(r"Run `kubectl scale")
    terminal.send("y")
    screen = terminal.wait_for(r"^EXIT=\d+")
    assert "EXIT=0" in screen and "scaled" in screen
    assert replicas(sandbox, "web", "staging") == 2


def test_a_cancelled_write_changes_nothing(terminal, sandbox):
    before = replicas(sandbox, "api", "staging")
    terminal.send('kubectl chat --write "scale deployment api in staging to 4"; echo EXIT=$?')
    terminal.wait_for(r"Run `kubectl scale")
    terminal.send("n")
    screen = terminal.wait_for(r"^EXIT=\d+")
    assert "EXIT=1" in screen and "nothing was changed" in screen
    assert replicas(sandbox, "api", "staging") == before


def test_destructive_needs_the_name_typed(terminal, sandbox):
    api(sandbox, "get", "configmap", "web-config", "-n", "staging")
    terminal.send('kubectl chat --write --yes "delete configmap web-config in staging"; echo EXIT=$?')
    terminal.wait_for(r"Type .*web-config")
    terminal.send("web-confi")  # a wrong answer cancels, --yes notwithstanding
    screen = terminal.wait_for(r"^EXIT=\d+")
    assert "EXIT=1" in screen
    api(sandbox, "get", "configmap", "web-config", "-n", "staging")  # still there
    terminal.clear()
    terminal.send('kubectl chat --write "delete configmap web-config in staging"; echo EXIT=$?')
    terminal.wait_for(r"Type .*web-config")
    terminal.send("web-config")
    screen = terminal.wait_for(r"^EXIT=\d+")
    assert "EXIT=0" in screen and "deleted" in screen
    gone = subprocess.run(
        [
            str(sandbox.kubectl),
            "--kubeconfig",
            str(sandbox.admin_kubeconfig),
            "get",
            "configmap",
            "web-config",
            "-n",
            "staging",
        ],
        capture_output=True,
        text=True,
    )
    assert gone.returncode != 0 and "NotFound" in gone.stderr


def test_follow_ups_resolve_real_names(terminal, sandbox):
    first_pod = sorted(p["metadata"]["name"] for p in api(sandbox, "get", "pods", "-n", "prod")["items"])
    terminal.send("kubectl chat")
    terminal.wait_for(r"^chat>")
    terminal.send("list pods in prod")
    terminal.wait_for(r"payments-worker")
    terminal.send("describe the first one")
    screen = terminal.wait_for(r"^Name:\s+\S+", timeout=60)
    described = [ln.split()[1] for ln in screen.splitlines() if ln.startswith("Name:")][-1]
    assert described in first_pod
    terminal.send("/quit")


def test_ctrl_c_stops_a_stream(terminal):
    terminal.send('kubectl chat "watch pods in staging"; echo EXIT=$?')
    terminal.wait_for(r"kubectl get pods .*(-w|--watch)")
    terminal.wait_for(r"report-generator")
    terminal.key("C-c")
    screen = terminal.wait_for(r"EXIT=\d+", timeout=20)  # the line starts with the echoed ^C
    assert "EXIT=130" in screen
    assert "Traceback" not in screen


def test_limited_user_gets_rbac_explanation_and_nothing_runs(sandbox, isolated_home):
    term = Terminal(terminal_env(isolated_home, sandbox.limited_kubeconfig))
    try:
        code, screen = term.run('kubectl chat "list pods in dev"')
        assert code == 3
        assert "you need `list` on `pods` in `dev`" in screen
        assert "kind: Role" in screen and "nothing was run" in screen
    finally:
        term.close()


def test_api_server_denial_reaches_the_user_clearly(sandbox, isolated_home):
    env = terminal_env(isolated_home, sandbox.limited_kubeconfig, KUBECHAT_RBAC_PRECHECK="off")
    term = Terminal(env)
    try:
        code, screen = term.run(f'kubectl chat --kubeconfig {sandbox.limited_kubeconfig} "list pods in dev"')
        assert code == 1
        assert "denied the request (RBAC)" in screen
        assert "Traceback" not in screen
    finally:
        term.close()


def test_an_allowed_read_is_one_line_with_its_scope(terminal, isolated_home):
    code, screen = terminal.run('kubectl chat "list pods"')
    assert code == 0
    assert "→ kubectl get pods   read · allowed · context sandbox-admin, namespace default" in screen
    assert "(from context sandbox-admin)" in screen and "╭" not in screen
    terminal.clear()
    code, screen = terminal.run('kubectl chat --write --dry-run "scale deployment web in staging to 3"')
    assert "╭" in screen and "scope   context sandbox-admin, namespace staging" in screen
    terminal.clear()
    (isolated_home / "config").mkdir(mode=0o700, exist_ok=True)
    (isolated_home / "config" / "config.yaml").write_text("preview: full\n")
    code, screen = terminal.run('kubectl chat "list pods in prod"')
    assert code == 0 and "╭" in screen and "→ kubectl" not in screen


def test_a_failed_server_dry_run_stops_before_any_confirmation(terminal):
    code, screen = terminal.run('kubectl chat --write "delete configmap no-such-thing in staging"')
    assert code == 1
    assert "NotFound" in screen and "the server dry run failed, so nothing was run" in screen
    assert "Type " not in screen  # no typed confirmation for an object that does not exist
    terminal.clear()
    code, screen = terminal.run("kubectl chat audit query --limit 1 -o json")
    record = json.loads(next(ln for ln in screen.splitlines() if ln.startswith("{")))
    assert record["stage"] == "DryRun" and record["annotations"]["kubechat.io/status"] == "dry-run-failed"


def test_follow_ups_resolve_in_their_own_terminal_only(sandbox, isolated_home):
    env = terminal_env(isolated_home, sandbox.admin_kubeconfig)
    one, other = Terminal(env), Terminal(env)
    try:
        code, _ = one.run('kubectl chat "list pods in prod"')
        assert code == 0
        code, screen = other.run('kubectl chat "describe the first one"')
        assert code == 2 and "no earlier command in this session" in screen
        assert "Name:" not in screen  # the other terminal's listing was not used
        code, screen = one.run('kubectl chat "describe the first one"')
        assert code == 0 and re.search(r"^Name:\s+\S+", screen, re.M)
        # --session NAME shares a conversation on purpose.
        code, _ = one.run('kubectl chat --session team "list pods in staging"')
        assert code == 0
        code, screen = other.run('kubectl chat --session team "describe the first one"')
        assert code == 0 and re.search(r"^Namespace:\s+staging$", screen, re.M)
    finally:
        one.close()
        other.close()


def test_history_lists_this_sessions_commands_and_reruns_one_with_confirmation(terminal, sandbox):
    terminal.send("kubectl chat")
    terminal.wait_for(r"^chat>")
    terminal.send("list configmaps in prod")
    terminal.wait_for(r"kube-root-ca")
    terminal.send("/mode write")
    terminal.wait_for(r"mode: write")
    terminal.send("scale deployment web in staging to 2")
    terminal.wait_for(r"Run `kubectl scale")
    terminal.send("y")
    terminal.wait_for(r"scaled")
    terminal.send("/history")
    screen = terminal.wait_for(r"^\s+2\s+kubectl scale")
    assert re.search(r"^\s+1\s+kubectl get configmaps -n prod\s*$", screen, re.M)
    terminal.send("/history 2")  # runs again only after the same preview and confirmation
    screen = terminal.wait_for(r"(?s)Run `kubectl scale.*Run `kubectl scale")
    terminal.send("n")
    screen = terminal.wait_for(r"cancelled: nothing was changed")
    terminal.send("/history 1")
    screen = terminal.wait_for(r"(?s)kube-root-ca.*kube-root-ca")
    assert screen.count("→ kubectl get configmaps -n prod") == 2
    terminal.send("/quit")


def test_write_mode_is_suggested_only_where_it_would_help(sandbox, isolated_home):
    # alice may change staging but not prod: the missing permission is the answer.
    term = Terminal(terminal_env(isolated_home, sandbox.token_kubeconfigs["alice"]))
    try:
        code, screen = term.run('kubectl chat "scale deployment web in prod to 3"')
        assert code == 3
        assert "write mode" not in screen and "--write" not in screen
        assert "denied by RBAC: you need" in screen and "`prod`" in screen
        assert "kind: Role" in screen and "nothing was run" in screen
    finally:
        term.close()
    # bob is a viewer, whom the policy refuses changes in write mode too: its reasons, no hint.
    term = Terminal(terminal_env(isolated_home, sandbox.token_kubeconfigs["bob"]))
    try:
        code, screen = term.run('kubectl chat "scale deployment web in staging to 3"')
        assert code == 3
        assert "may not run write commands" in screen
        assert "write mode" not in screen and "--write" not in screen
    finally:
        term.close()
    # An admin in read-only mode is still told how to turn on write mode.
    term = Terminal(terminal_env(isolated_home, sandbox.admin_kubeconfig))
    try:
        code, screen = term.run('kubectl chat "scale deployment web in staging to 3"')
        assert code == 3 and "turn on write mode with --write" in screen
    finally:
        term.close()


def test_an_unreachable_cluster_reads_like_kubectl(isolated_home, unreachable_kubeconfig):
    term = Terminal(terminal_env(isolated_home, unreachable_kubeconfig))
    try:
        for request in ("list pods in prod", "why is pod web failing in prod?"):
            term.clear()
            code, screen = term.run(f'kubectl chat "{request}"')
            assert code == 1
            assert (
                "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?"
                in screen
            )
            for internal in ("Traceback", "access review", "who am I", "did not confirm", "Error("):
                assert internal not in screen
    finally:
        term.close()
