"""Policy input building, settings, and failing closed when OPA cannot answer (no OPA needed)."""

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from kubechat import paths
from kubechat.errors import PolicyError
from kubechat.ports import free_port
from kubechat.safety import policy, sidecar
from kubechat.safety.policy import PolicySettings, build_input, decide, load_settings
from kubechat.safety.risk import Risk

REPO = Path(__file__).parents[2]


def test_build_input_from_argv():
    inp = build_input(
        ["get", "secret", "db", "-n", "prod", "-ojson"], user="alice", groups=["dev"], mode="write"
    )
    assert (inp.verb, inp.resource, inp.names, inp.namespace, inp.output) == (
        "get",
        "secrets",
        ["db"],
        "prod",
        "json",
    )
    assert inp.risk is Risk.DESTRUCTIVE and inp.effects == ["reveals-secrets"]
    assert inp.user == "alice" and inp.groups == ["dev"] and inp.mode == "write"
    assert "--output" in inp.flags and "--namespace" in inp.flags and inp.connection_flags == []


@pytest.mark.parametrize(
    "argv,flags",
    [
        (["get", "pods", "--user", "admin"], ["--user"]),
        (
            ["get", "pods", "--user=admin", "--cluster=c", "--context", "x"],
            ["--cluster", "--context", "--user"],
        ),
        (["-s", "https://evil.example", "get", "pods"], ["--server"]),
        (
            ["get", "pods", "--kuberc", "/tmp/k", "--insecure-skip-tls-verify"],
            ["--insecure-skip-tls-verify", "--kuberc"],
        ),
        (["get", "pods", "--namespace=dev", "--request-timeout=5s", "--v=6"], []),
        # the command's own --user names a subject; the global one is still caught elsewhere
        (["create", "rolebinding", "r", "--role=view", "--user=jane"], []),
        (["config", "set-cluster", "c", "--server=https://x"], []),
        (["config", "use-context", "x", "--kubeconfig", "/tmp/kc"], ["--kubeconfig"]),
    ],
)
def test_connection_flags_reach_the_policy_input(argv, flags):
    assert build_input(argv).connection_flags == flags


def test_global_flag_tables_split_kubectl_options_without_overlap():
    from kubechat.safety import command

    groups = [
        command.CONNECTION_FLAGS,
        command.LOCAL_OUTPUT_FLAGS,
        command.HARMLESS_GLOBAL_VALUE_FLAGS | command.HARMLESS_GLOBAL_BOOL_FLAGS,
    ]
    for i, a in enumerate(groups):
        for b in groups[i + 1 :]:
            assert not a & b
    assert command.GLOBAL_VALUE_FLAGS <= set().union(*groups)


def test_effects_of_every_reading_reach_the_policy_input():
    # If --mystery takes a value, `secret` is its value; if not, `get secret -o yaml` reveals data.
    inp = build_input(["get", "--mystery", "secret", "db", "-o", "yaml"])
    assert inp.ambiguous and "reveals-secrets" in inp.effects


def test_build_input_namespace_defaults_and_cluster_scope():
    assert build_input(["get", "pods"], default_namespace="team-a").namespace == "team-a"
    assert build_input(["drain", "node-1"], default_namespace="team-a").namespace == ""
    assert build_input(["delete", "ns", "prod"]).namespace == ""
    assert build_input(["delete", "pods", "--all", "-A"]).all_namespaces is True


def test_build_input_marks_ambiguous_flags():
    assert build_input(["--mystery", "get", "delete", "ns", "x"]).ambiguous is True
    assert build_input(["get", "pods", "--show-labels"]).ambiguous is False


def test_build_input_scale_fraction_reaches_risk():
    argv = ["scale", "deploy/web", "--replicas=8"]
    assert build_input(argv, current_replicas=10, scale_down_fraction=0.1).risk is Risk.DESTRUCTIVE
    assert build_input(argv, current_replicas=10).risk is Risk.WRITE


def test_settings_from_config_and_env(monkeypatch):
    cfg = paths.config_dir()
    cfg.mkdir(parents=True)
    (cfg / "config.yaml").write_text(
        "mode: write\npolicy:\n  on_policy_unavailable: allow-reads\n  timeout_s: 5\n"
    )
    s = load_settings()
    assert (s.mode, s.on_policy_unavailable, s.timeout_s, s.opa_url) == ("write", "allow-reads", 5, None)
    monkeypatch.setenv("KUBECHAT_OPA_URL", "https://opa.example:8443")
    monkeypatch.setenv("KUBECHAT_ON_POLICY_UNAVAILABLE", "deny")
    s = load_settings()
    assert s.opa_url == "https://opa.example:8443" and s.on_policy_unavailable == "deny"


def test_bad_settings_are_a_clear_error():
    cfg = paths.config_dir()
    cfg.mkdir(parents=True)
    (cfg / "config.yaml").write_text("policy:\n  on_policy_unavailable: sometimes\n")
    with pytest.raises(PolicyError, match="invalid policy settings"):
        load_settings()


def _closed_port() -> int:
    return free_port()  # nothing listens there once the probe socket is closed


@pytest.mark.parametrize(
    "argv,on_unavailable,allowed",
    [
        (["get", "pods"], "deny", False),
        (["get", "pods"], "allow-reads", True),
        (["scale", "deploy/web", "--replicas=3"], "allow-reads", False),
        (["delete", "pod", "x"], "allow-reads", False),
    ],
)
def test_unreachable_central_opa_fails_closed(argv, on_unavailable, allowed):
    s = PolicySettings(
        opa_url=f"http://127.0.0.1:{_closed_port()}", on_policy_unavailable=on_unavailable, timeout_s=0.5
    )
    d = decide(build_input(argv, mode="write"), s)
    assert d.allow is allowed and d.available is False and d.source == "unavailable"
    assert "policy engine unavailable" in d.reasons[0]


def test_bad_central_url_fails_closed():
    d = decide(build_input(["label", "pod", "x", "a=b"], mode="write"), PolicySettings(opa_url="ftp://opa"))
    assert d.allow is False and "not an http(s) URL" in d.reasons[0]


def test_missing_opa_binary_fails_closed(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECHAT_OPA", str(tmp_path / "no-opa"))
    d = decide(build_input(["scale", "deploy/web", "--replicas=3"], mode="write"), PolicySettings())
    assert d.allow is False and d.available is False and "does not exist" in d.reasons[0]


class _FakeOpa(BaseHTTPRequestHandler):
    answer: object = {}

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_opa():
    server = HTTPServer(("127.0.0.1", 0), _FakeOpa)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "answer,why",
    [
        ({}, "no kubectl_chat.decision"),  # undefined
        ({"result": {"allow": "yes", "confirm": "none", "reasons": []}}, "unexpected shape"),
        ({"result": {"allow": True, "confirm": "maybe", "reasons": []}}, "unexpected shape"),
        ({"result": {"allow": True, "confirm": "typed", "reasons": []}}, "without a phrase"),
        ({"result": True}, "unexpected shape"),
    ],
)
def test_undefined_or_malformed_answers_deny_writes(fake_opa, answer, why):
    _FakeOpa.answer = answer
    s = PolicySettings(
        opa_url=f"http://127.0.0.1:{fake_opa.server_port}", on_policy_unavailable="allow-reads"
    )
    d = decide(build_input(["delete", "pod", "x"], mode="write"), s)
    assert d.allow is False and d.available is False and why in d.reasons[0]


def test_well_formed_answer_is_passed_through(fake_opa):
    _FakeOpa.answer = {
        "result": {"allow": True, "confirm": "typed", "confirm_phrase": "x", "reasons": ["ok"]}
    }
    s = PolicySettings(opa_url=f"http://127.0.0.1:{fake_opa.server_port}")
    d = decide(build_input(["delete", "pod", "x"], mode="write"), s)
    assert (d.allow, d.confirm, d.confirm_phrase, d.reasons, d.available) == (
        True,
        "typed",
        "x",
        ["ok"],
        True,
    )
    assert d.source.startswith("central OPA http://127.0.0.1:")


def test_policies_dir_prefers_env_then_repo(monkeypatch, tmp_path):
    assert sidecar.policies_dir() == REPO / "policies"
    monkeypatch.setenv("KUBECHAT_POLICIES", str(tmp_path))
    assert sidecar.policies_dir() == tmp_path


def test_find_opa_order(monkeypatch, tmp_path):
    fake = tmp_path / "opa"
    fake.write_text("")
    monkeypatch.setenv("KUBECHAT_OPA", str(fake))
    assert sidecar.find_opa() == str(fake)
    monkeypatch.delenv("KUBECHAT_OPA")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("KUBECHAT_TESTBIN", str(tmp_path))
    assert sidecar.find_opa() == str(fake)


def test_build_ships_policies_without_tests(tmp_path):
    spec = importlib.util.spec_from_file_location("kubechat_setup", REPO / "setup.py")
    setup_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_mod)
    copied = setup_mod.copy_policies(REPO / "policies", tmp_path / "policies")
    assert "data.json" in copied and "decision.rego" in copied
    assert not any(n.endswith("_test.rego") for n in copied)
    assert (tmp_path / "policies" / "data.json").read_bytes() == (
        REPO / "policies" / "data.json"
    ).read_bytes()


def test_unavailable_messages_name_the_risk():
    inp = build_input(["drain", "node-1"], mode="write")
    d = policy.unavailable(inp, PolicySettings(), "down")
    assert d.allow is False and "destructive commands are denied" in d.reasons[0]


def test_scale_down_fraction_comes_from_policy_data(monkeypatch, tmp_path):
    from kubechat.safety import replicas

    assert replicas.scale_down_fraction() == 0.5  # the shipped data.json
    pol = tmp_path / "policies"
    pol.mkdir()
    (pol / "data.json").write_text(json.dumps({"kubectl_chat": {"config": {"scale_down_fraction": 0.1}}}))
    monkeypatch.setenv("KUBECHAT_POLICIES", str(pol))
    assert replicas.scale_down_fraction() == 0.1
    assert build_input(["scale", "deploy/web", "--replicas=8"], current_replicas=10).risk is Risk.DESTRUCTIVE
    (pol / "data.json").write_text(json.dumps({"kubectl_chat": {"config": {"scale_down_fraction": 7}}}))
    assert replicas.scale_down_fraction() == 0.5  # out of range: the default
    (pol / "data.json").write_text("not json")
    assert replicas.scale_down_fraction() == 0.5


def test_current_replicas_only_for_single_scale_targets():
    from kubechat.safety.replicas import current_replicas

    # These return before any cluster is contacted.
    assert current_replicas(["get", "pods"]) is None
    assert current_replicas(["scale", "deploy/a", "deploy/b", "--replicas=1"]) is None
    assert current_replicas(["scale", "jobs/x", "--replicas=1"]) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["get", "pods", "--server=https://evil.example"],
        ["get", "pods", "--user", "admin"],
        ["get", "secret", "db", "-o", "kyaml"],
        ["config", "view", "--raw"],
        ["get", "pods", "--profile-output=/root/.bashrc"],
    ],
)
def test_reads_with_effects_are_not_allowed_when_opa_is_down(argv):
    # allow-reads lets plain reads through without OPA; these are not plain reads.
    inp = build_input(argv, mode="write")
    d = policy.unavailable(inp, PolicySettings(on_policy_unavailable="allow-reads"), "down")
    assert inp.risk is Risk.DESTRUCTIVE and d.allow is False
