"""What the preview says about the policy's decision matches what happens to the command."""

import io

import pytest
from rich.console import Console

from kubechat import render
from kubechat.conversation import Preview
from kubechat.ui import TerminalUI


@pytest.mark.parametrize(
    "allow,confirm,line",
    [
        (True, "none", "policy: allowed; runs without asking"),
        (True, "yes", "policy: allowed; asks you to confirm (y/N) before it runs"),
        (True, "typed", "policy: allowed; asks you to type its name before it runs"),
        # The policy still computes a confirmation level for a denied command; it never applies.
        (False, "none", "policy: denied; nothing runs"),
        (False, "yes", "policy: denied; nothing runs"),
        (False, "typed", "policy: denied; nothing runs"),
    ],
)
def test_policy_line_matches_the_outcome(allow, confirm, line):
    buf = io.StringIO()
    console = Console(file=buf, no_color=True, width=200)
    render.preview(
        console,
        argv=["delete", "pod", "web-1"],
        risk="destructive",
        source="rules",
        policy_allow=allow,
        policy_reasons=["why"],
        confirm=confirm,
        rbac=None,
        plain=True,
    )
    out = buf.getvalue()
    assert line in out.splitlines()
    if not allow:
        assert "runs now" not in out and "confirmation" not in out


def test_denied_command_in_the_terminal_says_nothing_runs():
    ui = TerminalUI(plain=True)
    buf = io.StringIO()
    ui.err = Console(file=buf, no_color=True, width=200)
    p = Preview(
        request="show the secret",
        argv=["get", "secret", "db", "-o", "yaml"],
        command="kubectl get secret db -o yaml",
        risk="destructive",
        policy_allow=False,
        confirm="typed",
        reasons=["reading secret contents or credentials is not allowed"],
    )
    ui.denied(p, "policy", "; ".join(p.reasons))
    out = buf.getvalue()
    assert "policy: denied; nothing runs" in out
    assert "asks you to type" not in out and "runs now" not in out
    assert "nothing was run." in out


def test_rich_panel_uses_the_same_verdict():
    buf = io.StringIO()
    console = Console(file=buf, width=200, force_terminal=True, color_system=None)
    render.preview(
        console,
        argv=["get", "pods"],
        risk="read",
        source=None,
        policy_allow=False,
        policy_reasons=[],
        confirm="none",
        rbac=None,
    )
    assert "denied — nothing runs" in buf.getvalue()


def test_repl_explain_uses_the_same_verdict():
    from kubechat.conversation import Outcome
    from kubechat.repl import _slash

    ui = TerminalUI(plain=True)
    buf = io.StringIO()
    ui.err = Console(file=buf, no_color=True, width=200)
    p = Preview(
        request="show the secret",
        argv=["get", "secret", "db", "-o", "yaml"],
        command="kubectl get secret db -o yaml",
        risk="destructive",
        policy_allow=False,
        confirm="typed",
    )
    _slash("/explain", None, None, None, ui, Outcome("denied", "show the secret", p))
    assert "policy: denied; nothing runs" in buf.getvalue()
    assert "confirm typed" not in buf.getvalue()


@pytest.mark.parametrize("allow", [True, False])
@pytest.mark.parametrize("confirm", ["none", "yes", "typed"])
def test_the_verdict_never_shouts_or_asks_for_a_yes(allow, confirm):
    verdict, needs = render.policy_verdict(allow, confirm)
    assert verdict in ("allowed", "denied")
    assert "needs your yes" not in needs and "DENIED" not in verdict
    if not allow:
        assert needs == "nothing runs"
