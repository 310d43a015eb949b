"""The verb registry: a verb added in one module flows through the parser, risk, RBAC needs,
the policy input, the preview and the audit record; and no two places disagree on a verb."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from kubechat import verbs
from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import grammar
from kubechat.safety.assess import assess
from kubechat.safety.command import parse
from kubechat.safety.policy import Decision, build_input
from kubechat.safety.rbac import AccessCheck, required_access
from kubechat.safety.risk import Risk, classify_with_reason
from kubechat.translate import Translation

ROOT = Path(__file__).resolve().parents[2]

# A whole verb, in one file: `frobnicate CONFIGMAP NAME --level N [-z]`, destructive at level 9.
TOY_VERB = """
from kubechat.verbs._spec import Flag, Need, Risk, VerbSpec, each


def _risk(cmd, facts):
    if cmd.value("--level") == "9":
        return Risk.DESTRUCTIVE, "frobnicating at level 9 cannot be undone"
    return Risk.WRITE, "frobnicating changes the object"


SPECS = [
    VerbSpec(
        "frobnicate",
        Risk.WRITE,
        rule=_risk,
        flags=(Flag("--level", True, "z"),),
        access=lambda cmd, resource, names: each(resource, names, "patch", subresource="frob"),
        server_dry_run=True,
    )
]
"""


@pytest.fixture
def toy_verb(tmp_path):
    path = tmp_path / "toy_frobnicate.py"
    path.write_text(TOY_VERB)
    spec = importlib.util.spec_from_file_location("toy_frobnicate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    verbs.register(module)
    yield module
    verbs.unregister("frobnicate")
    sys.modules.pop("toy_frobnicate", None)


class _UI:
    """Shows nothing, answers no."""

    def __init__(self):
        self.previews = []

    def thinking(self):
        from contextlib import nullcontext

        return nullcontext()

    def preview(self, p):
        self.previews.append(p)

    def info(self, text): ...
    def clarify(self, q): ...
    def denied(self, p, why, detail=""): ...
    def confirm_yes(self, p):
        return False

    def confirm_typed(self, p, phrase):
        return False

    def stdout(self, line): ...
    def stderr(self, line): ...
    def finished(self, o): ...


def _allow(inp, settings=None):
    # The policy engine is not what this test is about: allow, and say what it was asked.
    return Decision(
        allow=True, confirm="yes", reasons=[f"{inp.verb} {inp.resource} {inp.names}"], source="test"
    )


def _kubeconfig(tmp_path) -> str:
    path = tmp_path / "kubeconfig"
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "x",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "lab"}}],
            }
        )
    )
    return str(path)


def test_a_verb_added_in_one_module_flows_through_every_check(toy_verb, tmp_path, monkeypatch):
    argv = ["frobnicate", "configmap", "settings", "-z", "3"]
    cmd = parse(argv)
    assert cmd.flags == {"--level": ["3"]} and cmd.targets() == ("configmaps", ["settings"])
    assert classify_with_reason(argv) == (Risk.WRITE, "frobnicating changes the object")
    assert classify_with_reason([*argv[:3], "--level", "9"])[0] is Risk.DESTRUCTIVE
    assert grammar.violations(argv) == []
    assert required_access(argv, "lab") == [AccessCheck("patch", "configmaps", "", "frob", "lab", "settings")]
    inp = build_input(argv, default_namespace="lab", mode="write", audit_backlog_s=0, scale_down_fraction=0.5)
    assert (inp.verb, inp.resource, inp.names, inp.namespace, inp.risk) == (
        "frobnicate",
        "configmaps",
        ["settings"],
        "lab",
        Risk.WRITE,
    )
    assert verbs.server_dry_run("frobnicate") and "frobnicate" in verbs.completion_verbs()

    # preview and audit record, through the conversation
    monkeypatch.setattr("kubechat.safety.evaluate.decide", _allow)
    ui = _UI()
    conv = Conversation(
        KubectlOptions(kubeconfig=_kubeconfig(tmp_path)),
        ui,
        Settings(mode="write", offline=True, use_model=False),
    )
    monkeypatch.setattr(
        conv, "_translate", lambda request: Translation(request=request, argv=argv, source="rules")
    )
    out = conv.handle("frobnicate the settings config map")
    assert out.status == "dry-run"  # offline: shown, not run
    (p,) = ui.previews
    assert (p.risk, p.risk_reason, p.namespace) == ("write", "frobnicating changes the object", "lab")
    assert p.reasons == ["frobnicate configmaps ['settings']"]
    (record,) = list(conv.trail.spool.records())
    assert record.verb == "frobnicate"
    ref = record.objectRef
    assert (ref.resource, ref.name, ref.namespace, ref.apiGroup) == ("configmaps", "settings", "lab", None)


def test_unregistered_verb_is_unknown_again(toy_verb):
    verbs.unregister("frobnicate")
    assert classify_with_reason(["frobnicate", "configmap", "x"])[0] is Risk.DESTRUCTIVE
    assert grammar.violations(["frobnicate", "configmap", "x"]) == ["`frobnicate` is not a kubectl command"]


def test_a_verb_cannot_be_defined_twice(toy_verb):
    again = type(toy_verb)("again")
    again.SPECS = [verbs.VerbSpec("get", Risk.READ)]
    with pytest.raises(ValueError, match="defined twice"):
        verbs.register(again)


def test_the_policy_knows_exactly_the_registry_verbs():
    # The Rego policy keeps its own list (it must not trust the client); it must not drift.
    data = json.loads((ROOT / "policies" / "data.json").read_text())
    known = set(data["kubectl_chat"]["config"]["known_verbs"])
    assert known == {s.name for s in verbs.all_specs()} - {"help"}


@pytest.mark.parametrize(
    "argv, resource, name, namespace",
    [
        (["delete", "pod", "web-1", "-n", "staging"], "pods", "web-1", "staging"),
        (["scale", "deploy/web", "--replicas=2"], "deployments", "web", "lab"),
        (["logs", "web-1", "-f"], "pods", "web-1", "lab"),
        (["drain", "node-1"], "nodes", "node-1", None),
        (["run", "tmp", "--image=busybox"], "pods", "tmp", "lab"),
        # a context is not a Kubernetes object
        (["config", "use-context", "prod"], None, None, None),
    ],
)
def test_object_ref_names_what_the_command_acts_on(argv, resource, name, namespace):
    ref = assess(argv, default_namespace="lab").object_ref()
    assert (ref["resource"], ref["name"], ref["namespace"]) == (resource, name, namespace)
