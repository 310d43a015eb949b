"""What of the request the command cannot express is said in every form of the preview (one
line, plain, the panel) and carried in the JSON description of the outcome."""

import io
import re

import pytest
from rich.console import Console

from kubechat import render
from kubechat.conversation import Outcome, Preview
from kubechat.ui import outcome_dict

NOTE = "kubectl cannot select stuck pods (why): showing all pods in alder; see STATUS and RESTARTS"


def shown(caveats: list[str], *, compact: bool, plain: bool) -> str:
    buf = io.StringIO()
    console = Console(file=buf, no_color=plain, width=400, force_terminal=not plain)
    read = {"risk": "read", "source": "rules", "policy_allow": True, "policy_reasons": [], "confirm": "none"}
    argv = ["get", "pods", "-n", "alder"]
    render.preview(console, argv=argv, rbac=None, plain=plain, compact=compact, caveats=caveats, **read)
    return buf.getvalue()


@pytest.mark.parametrize("compact,plain", [(True, True), (True, False), (False, True), (False, False)])
def test_every_preview_form_says_the_caveat(compact, plain):
    out = re.sub(
        r"\x1b\[[0-9;]*m", "", shown([NOTE], compact=compact, plain=plain)
    )  # colours split the words
    assert "note" in out and "kubectl cannot select stuck pods" in out
    assert out.index("kubectl get pods") < out.index("kubectl cannot select")


def test_no_caveat_no_note_line():
    for compact in (True, False):
        assert "note" not in shown([], compact=compact, plain=True)


def test_the_outcome_json_carries_the_caveats():
    p = Preview(
        request="stuck pods in alder",
        argv=["get", "pods", "-n", "alder"],
        command="kubectl get pods -n alder",
        risk="read",
        caveats=[NOTE],
    )
    assert outcome_dict(Outcome("dry-run", p.request, p))["caveats"] == [NOTE]
    assert outcome_dict(Outcome("clarify", "x", None))["caveats"] == []
