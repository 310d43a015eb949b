"""Admin-enforced policy without OPA: the system config wins over the user's config and
environment, write mode can be turned off, and destructive commands always need typed
confirmation whatever the policy answers."""

import json
import os

import pytest
import test_policy
from test_policy import _FakeOpa

from kubechat import paths, system_config
from kubechat.errors import PolicyError
from kubechat.safety import sidecar
from kubechat.safety.policy import (
    Decision,
    PolicySettings,
    build_input,
    client_floor,
    decide,
    load_settings,
)

fake_opa = test_policy.fake_opa  # the fake OPA server's fixture, shared with the policy tests


@pytest.fixture
def system_cfg(tmp_path, monkeypatch):
    """A system config for this test (no /etc file exists here, so the override is honoured)."""
    monkeypatch.setattr(system_config, "SYSTEM_CONFIG", tmp_path / "etc-absent" / "config.yaml")
    cfg = tmp_path / "system-config.yaml"
    monkeypatch.setenv(system_config.OVERRIDE_ENV, str(cfg))

    def write(doc: dict):
        cfg.write_text(json.dumps(doc))
        os.chmod(cfg, 0o644)
        return cfg

    return write


def _user_config(text: str):
    d = paths.config_dir()
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.yaml").write_text(text)


def test_override_variable_is_ignored_once_the_system_file_exists(tmp_path, monkeypatch):
    etc = tmp_path / "etc" / "config.yaml"
    etc.parent.mkdir()
    etc.write_text("policy:\n  max_mode: read-only\n")
    mine = tmp_path / "mine.yaml"
    mine.write_text("policy: {}\n")
    monkeypatch.setattr(system_config, "SYSTEM_CONFIG", etc)
    monkeypatch.setenv(system_config.OVERRIDE_ENV, str(mine))
    assert system_config.path() == etc
    assert load_settings().max_mode == "read-only"


def test_user_config_and_env_cannot_override_the_admin_policy(system_cfg, monkeypatch):
    cfg = system_cfg({"policy": {"opa_url": "https://opa.corp:8181", "max_mode": "read-only"}})
    _user_config(
        "mode: write\npolicy:\n  opa_url: http://127.0.0.1:9\n  on_policy_unavailable: allow-reads\n"
        "  bundle: /tmp/allow-all\n"
    )
    monkeypatch.setenv("KUBECHAT_OPA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("KUBECHAT_ON_POLICY_UNAVAILABLE", "allow-reads")
    s = load_settings()
    assert s.opa_url == "https://opa.corp:8181"
    assert s.on_policy_unavailable == "deny" and s.bundle is None
    assert s.enforced_by == str(cfg) and s.max_mode == "read-only"
    assert s.mode == "write"  # the user's choice, still limited by max_mode at decision time


def test_without_an_admin_policy_the_user_settings_apply(system_cfg, monkeypatch):
    system_cfg({"other": 1})
    monkeypatch.setenv("KUBECHAT_OPA_URL", "http://127.0.0.1:9")
    s = load_settings()
    assert s.opa_url == "http://127.0.0.1:9" and s.enforced_by is None


def test_users_policies_dir_is_ignored_under_an_admin_policy(system_cfg, monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECHAT_POLICIES", str(tmp_path / "allow-all"))
    system_cfg({})
    assert sidecar.policies_dir() == tmp_path / "allow-all"
    system_cfg({"policy": {}})
    assert sidecar.policies_dir() != tmp_path / "allow-all"
    admin_dir = tmp_path / "admin-policies"
    system_cfg({"policy": {"bundle": str(admin_dir)}})
    assert sidecar.policies_dir() == admin_dir


@pytest.mark.parametrize(
    "doc,why",
    [
        ({"policy": {"verification_kye": "/k.pem"}}, "verification_kye"),  # a typo never drops a check
        ({"policy": {"verification_key": "/k.pem"}}, "needs a signed `bundle`"),
        ({"policy": ["a"]}, "must be a mapping"),
    ],
)
def test_bad_admin_settings_are_errors(system_cfg, doc, why):
    system_cfg(doc)
    with pytest.raises(PolicyError, match=why):
        load_settings()


def test_group_writable_system_config_is_refused(system_cfg):
    cfg = system_cfg({"policy": {}})
    os.chmod(cfg, 0o664)
    with pytest.raises(PolicyError, match="writable by group or others"):
        load_settings()


def test_missing_verification_key_file_fails_closed(tmp_path):
    # OPA would take a --verification-key that is not a file as an HMAC secret: never pass one.
    (tmp_path / "b").mkdir()
    s = PolicySettings(bundle=str(tmp_path / "b"), verification_key=str(tmp_path / "no-key.pem"))
    d = decide(build_input(["delete", "pod", "web-1"], mode="write"), s)
    assert not d.allow and not d.available and "verification key" in d.reasons[0]


# --- the client-side floor --------------------------------------------------------------------


@pytest.mark.parametrize("confirm", ["none", "yes"])
def test_floor_raises_destructive_to_typed(confirm):
    inp = build_input(["delete", "pod", "web-1", "-n", "prod"], mode="write")
    d = client_floor(inp, Decision(allow=True, confirm=confirm, reasons=["policy says fine"]))
    assert d.confirm == "typed" and d.confirm_phrase == "web-1"
    assert d.reasons[0] == "policy says fine" and "always asks to type `web-1`" in d.reasons[-1]


def test_floor_leaves_the_rest_alone():
    write = build_input(["scale", "deploy/web", "--replicas=3"], mode="write")
    assert client_floor(write, Decision(allow=True, confirm="yes")).confirm == "yes"
    destructive = build_input(["delete", "pod", "web-1"], mode="write")
    denied = Decision(allow=False, reasons=["no"])
    assert client_floor(destructive, denied) == denied
    typed = Decision(allow=True, confirm="typed", confirm_phrase="prod")
    assert client_floor(destructive, typed) == typed


ALLOW_ALL = {
    "provenance": {"bundles": {"mine": {"revision": "allow-all-1"}}},
    "result": {"allow": True, "confirm": "none", "reasons": []},
}


def test_allow_all_policy_still_needs_typed_confirmation_for_destructive(fake_opa):
    _FakeOpa.answer = ALLOW_ALL
    s = PolicySettings(opa_url=f"http://127.0.0.1:{fake_opa.server_port}")
    d = decide(build_input(["delete", "pod", "web-1", "-n", "prod"], mode="write"), s)
    assert d.allow and d.confirm == "typed" and d.confirm_phrase == "web-1"
    assert d.bundle_revision == "allow-all-1" and d.bundle_digest is None  # central: revision only
    read = decide(build_input(["get", "pods"], mode="write"), s)
    assert read.confirm == "none"


def test_max_mode_read_only_is_named_in_the_decision(fake_opa):
    # That OPA then sees read-only mode is shown with the real policy (integration tests).
    _FakeOpa.answer = ALLOW_ALL
    s = PolicySettings(
        opa_url=f"http://127.0.0.1:{fake_opa.server_port}", max_mode="read-only", enforced_by="/etc/x.yaml"
    )
    d = decide(build_input(["label", "pod", "x", "a=b"], mode="write"), s)
    assert any("max_mode: read-only in /etc/x.yaml" in r for r in d.reasons)


@pytest.mark.parametrize("url", ["http://opa.internal:8181", "http://10.0.0.5:8181"])
def test_a_remote_central_opa_must_use_tls(url, monkeypatch):
    from kubechat.errors import PolicyError
    from kubechat.safety.policy import PolicySettings, _central_client

    with pytest.raises(PolicyError, match="https"):
        _central_client(PolicySettings(opa_url=url, opa_token="t0ken"))


def test_a_loopback_central_opa_may_be_plain_http():
    from kubechat.safety.policy import PolicySettings, _central_client

    _client, label = _central_client(PolicySettings(opa_url="http://127.0.0.1:8181"))
    assert "127.0.0.1" in label
