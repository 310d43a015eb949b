"""The verb registry: a verb added in one module flows through the parser, risk, RBAC needs,
the policy input, the preview and the audit record; and no two places disagree on a verb."""

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from kubechat import completion, repl, verbs
from kubechat.conversation import Conversation, Settings
from kubechat.intent import Flag, Intent
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import grammar
from kubechat.safety.assess import assess
from kubechat.safety.command import parse
from kubechat.safety.policy import Decision, build_input
from kubechat.safety.rbac import AccessCheck, required_access
from kubechat.safety.risk import Risk, classify_with_reason
from kubechat.translate import Translation
from kubechat.translate.compare import same_command
from kubechat.translate.resources import BUILTIN_TABLE
from kubechat.translate.validate import ValidationIssue, known_flags, validate

ROOT = Path(__file__).resolve().parents[2]

# A whole verb, in one file: `frobnicate CONFIGMAP NAME --level N [-z]`, destructive at level 9.
TOY_VERB = """
from kubechat.verbs._spec import Flag, Need, Risk, VerbSpec, Words, each


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
        words=Words.RESOURCE,
        usual_type="configmaps",
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


def test_a_verb_added_in_one_module_is_a_typed_request_completion_and_repl_word(toy_verb):
    # the typed request reads it (its words, its -z shorthand) and writes it back
    intent = Intent.from_argv(["frobnicate", "configmap", "settings", "-z", "3", "-n", "lab"])
    assert (intent.verb, intent.resource, intent.names, intent.namespace) == (
        "frobnicate",
        "configmap",
        ["settings"],
        "lab",
    )
    assert intent.flags == [Flag(name="level", value="3")]
    assert intent.to_argv() == ["frobnicate", "configmap", "settings", "-n", "lab", "--level=3"]
    # validation knows the verb, its flag and that its first word is a resource type
    assert validate(intent.model_copy(deep=True), BUILTIN_TABLE) == intent
    assert "level" in known_flags()
    with pytest.raises(ValidationIssue, match="no resource type 'confgimap'"):
        validate(Intent(verb="frobnicate", resource="confgimap", names=["x"]), BUILTIN_TABLE)
    with pytest.raises(ValidationIssue, match="did you mean frobnicate"):
        validate(Intent(verb="frobnicat", resource="configmap"), BUILTIN_TABLE)
    assert same_command("kubectl frobnicate cm b a --level=3", "kubectl frobnicate configmaps a b --level 3")
    # completion: the object after the verb is of its usual type; the REPL offers the verb
    assert completion.slot(["frobnicate"], lambda: []) == completion.Slot("object", "configmaps")
    repl.request_openings.cache_clear()  # cached for the session once the first Tab loads it
    assert "frobnicate" in repl.request_openings()


def test_unregistered_verb_is_unknown_again(toy_verb):
    verbs.unregister("frobnicate")
    assert classify_with_reason(["frobnicate", "configmap", "x"])[0] is Risk.DESTRUCTIVE
    assert grammar.violations(["frobnicate", "configmap", "x"]) == ["`frobnicate` is not a kubectl command"]
    with pytest.raises(ValueError, match="unknown kubectl command 'frobnicate'"):
        Intent.from_argv(["frobnicate", "configmap", "x"])
    assert "level" not in known_flags()
    repl.request_openings.cache_clear()
    assert "frobnicate" not in repl.request_openings()


def test_shorthand_tables_are_built_once_a_verb_and_follow_the_registry(toy_verb):
    # The argv parser asks for them at every shorthand word (the collector redacts every record).
    table = verbs.value_shorthands("frobnicate")
    assert table["z"] == "--level" and verbs.value_shorthands("frobnicate") is table
    assert verbs.bool_shorthands("get") is verbs.bool_shorthands("get")
    with pytest.raises(TypeError):
        table["z"] = "--other"  # shared by every caller: read-only
    verbs.unregister("frobnicate")
    assert "z" not in verbs.value_shorthands("frobnicate")


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


# Modules that read verbs and flags: each must take them from the registry, never list its own.
READERS = [
    "intent.py",
    "translate/validate.py",
    "translate/compare.py",
    "translate/model.py",
    "completion.py",
    "repl.py",
]
# Collections in those modules that name several verbs or flags on purpose, with why; any other
# (or one of these growing) fails.
KEPT = {
    # flags whose comma-separated values compare as sets, and those whose values keep their
    # commas: facts of comparing two commands, not of kubectl
    ("translate/compare.py", "LIST_FLAGS"),
    ("translate/compare.py", frozenset({"from-literal", "env", "for"})),
    # kubectl chat's own options, not kubectl's
    ("completion.py", "FLAGS"),
    # the model's fallback candidates: translation patterns, kept with translation
    ("translate/model.py", frozenset({"cordon", "uncordon"})),
    ("translate/model.py", frozenset({"get", "events", "top pod"})),
}


def _collections(path: Path):
    """(assigned name or "", string constants) of every set, list, tuple and dict literal."""
    tree = ast.parse(path.read_text())
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and node.value is not None:
                    names[id(node.value)] = t.id
    for node in ast.walk(tree):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        words = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
        yield names.get(id(node), ""), words


@pytest.mark.parametrize("module", READERS)
def test_no_module_keeps_its_own_list_of_verbs_or_flags(module):
    paths = set(verbs.command_paths())
    flag_names = {f.removeprefix("--") for f in verbs.all_flags()} - {"help"}
    path = ROOT / "kubectl-chat" / "kubechat" / module
    for name, words in _collections(path):
        if (module, name) in KEPT or (module, frozenset(words)) in KEPT:
            continue
        assert len(words & paths) < 2, f"{module}: {name or 'a literal'} lists verbs {sorted(words & paths)}"
        named_flags = {w.removeprefix("--") for w in words} & flag_names
        assert len(named_flags) < 3, f"{module}: {name or 'a literal'} lists flags {sorted(named_flags)}"


def test_the_typed_request_knows_exactly_the_registry_commands():
    # every verb and subcommand the registry knows, and nothing else, is a typed command path
    expected = set()
    for spec in verbs.all_specs():
        expected.add(spec.name)
        subs = {**spec.subcommands, **spec.object_subcommands}
        expected |= {f"{spec.name} {s}" for s in subs if s not in spec.subcommand_aliases}
    assert {p for p in verbs.command_paths() if p.count(" ") < 2} == expected
    for path in verbs.command_paths():
        assert Intent.from_argv(path.split()).verb == path
    # an alias is read as the subcommand it names
    assert Intent.from_argv(["set", "sa", "deploy/web", "robot"]).verb == "set serviceaccount"
    assert Intent.from_argv(["top", "nodes"]).verb == "top node"
    with pytest.raises(ValueError, match="unknown kubectl command"):
        Intent.from_argv(["frobnicate", "x"])


@pytest.mark.parametrize(
    "argv, flag",
    [
        # each verb's own flag table decides, as kubectl's does
        (["create", "--raw", "/apis", "-f", "x.yaml"], Flag(name="raw", value="/apis")),
        (["config", "view", "--raw"], Flag(name="raw")),
        (["patch", "deploy", "web", "-p", "{}"], Flag(name="patch", value="{}")),
        (["proxy", "-p", "8001"], Flag(name="port", value="8001")),
        (["run", "tmp", "--image=x", "-l", "app=x"], Flag(name="labels", value="app=x")),
        (["create", "deployment", "web", "--image=x", "-r", "3"], Flag(name="replicas", value="3")),
        (["set", "env", "deploy/web", "-e", "A=1"], Flag(name="env", value="A=1")),
        (["logs", "web", "-p"], Flag(name="previous")),
    ],
)
def test_the_typed_request_reads_flags_as_the_registry_does(argv, flag):
    assert flag in Intent.from_argv(argv).flags
    assert parse(argv).has(f"--{flag.name}")
