"""The interactive prompt on an 80-column terminal: slash commands, status line, completion,
history, audit view."""

import json
import re
import subprocess

import pytest

from .conftest import terminal_env
from .terminal import Terminal

pytestmark = pytest.mark.e2e


@pytest.fixture
def narrow(sandbox, isolated_home):
    term = Terminal(terminal_env(isolated_home, sandbox.admin_kubeconfig), width=80, height=40)
    term.send("kubectl chat")
    term.wait_for(r"^chat>")
    yield term
    term.send("/quit")
    term.close()


def test_help_lists_slash_commands_and_keys(narrow):
    narrow.send("/help")
    screen = narrow.wait_for(r"Ctrl-R")
    for word in ("/ns NAME", "/context", "/history", "/explain", "/audit", "/quit", "Alt-Enter"):
        assert word in screen
    assert max(len(line) for line in screen.splitlines()) <= 80


def test_status_line_shows_context_namespace_mode_and_identity(narrow):
    narrow.wait_for(r"sandbox-admin · ns default · read-only · sandbox-admin", timeout=20)


def test_ns_switch_applies_to_following_requests(narrow):
    narrow.send("/ns staging")
    narrow.wait_for(r"namespace set to staging")
    narrow.send("list pods")
    screen = narrow.wait_for(r"report-generator")
    assert "kubectl get pods -n staging" in screen or "kubectl get pods" in screen
    assert "ns staging" in narrow.screen()


def test_tab_completes_verbs_and_live_object_names(narrow):
    narrow.send("/ns prod")
    narrow.wait_for(r"namespace set to prod")
    narrow.send("descr", enter=False)
    narrow.key("Tab")
    narrow.wait_for(r"chat> describe")
    narrow.send(" deployments w", enter=False)
    narrow.key("Tab")
    narrow.wait_for(r"chat> describe deployments web")
    narrow.key("C-u")


def test_tab_completes_names_after_plain_words_and_namespaces_after_ns(narrow):
    narrow.send("logs of pay", enter=False)
    narrow.key("Tab")  # no namespace set and none in default: the pod comes with its namespace
    narrow.wait_for(r"chat> logs of payments-worker in prod")
    narrow.key("C-u")
    narrow.send("/ns st", enter=False)
    narrow.key("Tab")
    narrow.wait_for(r"chat> /ns staging")
    narrow.send("")
    narrow.wait_for(r"namespace set to staging")
    narrow.send("list pods -n pr", enter=False)
    narrow.key("Tab")
    narrow.wait_for(r"chat> list pods -n prod")
    narrow.key("C-u")


def test_explain_and_audit_after_a_request(narrow):
    narrow.send("list configmaps in prod")
    narrow.wait_for(r"web-config")
    narrow.send("/explain")
    screen = narrow.wait_for(r"translated by:")
    assert "risk: read" in screen
    narrow.send("/audit")
    narrow.wait_for(r"sandbox-admin\s+read\s+allow\s+get configmaps -n prod")


def test_history_persists_across_sessions(narrow, sandbox, isolated_home):
    narrow.send("list services in prod")
    narrow.wait_for(r"api\s+ClusterIP")
    narrow.send("/quit")
    narrow.wait_for(r"^\$")
    narrow.send("kubectl chat")
    narrow.wait_for(r"^chat>\s*$")
    narrow.key("Up")
    narrow.wait_for(r"chat> list services in prod")
    narrow.key("C-u")


def test_ctrl_c_at_a_confirmation_cancels_that_request_only(sandbox, isolated_home):
    api = [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), "-n", "staging"]
    subprocess.run([*api, "create", "configmap", "keep-me"], capture_output=True)  # once per sandbox
    term = Terminal(terminal_env(isolated_home, sandbox.admin_kubeconfig), width=100, height=50)
    try:
        term.send("kubectl chat --write; echo EXIT=$?")
        term.wait_for(r"^chat>")
        term.send("/ns staging")
        term.wait_for(r"namespace set to staging")
        term.send("scale deployment api to 4")
        term.wait_for(r"Run `kubectl scale")
        term.key("C-c")
        term.wait_for(r"cancelled: nothing was changed")
        term.send("delete configmap keep-me")
        term.wait_for(r"Type .*keep-me")
        term.key("C-c")
        screen = term.wait_for(r"cancelled: nothing was changed(.|\n)*cancelled: nothing was changed")
        assert not re.search(r"^EXIT=", screen, re.M) and "Traceback" not in screen
        term.wait_for(r"ns staging · write")  # namespace and write mode kept
        term.key("C-d")  # Ctrl-D at the prompt quits
        screen = term.wait_for(r"^EXIT=\d+")
        assert "EXIT=0" in screen
        code, screen = term.run("kubectl chat audit query --limit 2 -o json")
        stages = [r["stage"] for r in (json.loads(ln) for ln in screen.splitlines() if ln.startswith("{"))]
        assert stages == ["Cancelled", "Cancelled"], screen
        assert subprocess.run([*api, "get", "configmap", "keep-me"], capture_output=True).returncode == 0
    finally:
        term.close()


def test_the_answer_to_a_question_completes_the_request(narrow):
    narrow.send("label the deployments in prod with team=core")
    narrow.wait_for(r"Which deployments should I label\?")
    narrow.send("api")  # a bare name fills in the object the question asked for
    screen = narrow.wait_for(r"kubectl label deployments api team=core -n prod")
    assert "kubectl get pods" not in screen
    narrow.clear()
    narrow.send("list backps in prod")
    narrow.wait_for(r"did you mean backups\?")
    narrow.send("yes")
    narrow.wait_for(r"nightly")  # the backup in prod
    narrow.clear()
    narrow.send("label the deployments in prod with team=core")
    narrow.wait_for(r"Which deployments should I label\?")
    narrow.send("list services in prod")  # a new request replaces the question
    screen = narrow.wait_for(r"api\s+ClusterIP")
    assert "label" not in screen.split("list services in prod")[-1]


def test_a_read_only_denial_points_to_the_slash_command(narrow):
    narrow.send("scale deployment web in staging to 3")
    screen = narrow.wait_for(r"nothing was run")
    assert "/mode write" in screen and "--write" not in screen
