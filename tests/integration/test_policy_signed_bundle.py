"""Admin-enforced policy through the real OPA binary: bundles built and signed with `opa build`,
verified by the local sidecar against the administrator's key; unsigned or wrongly signed bundles
give no decision (denied); the user's own allow-all policy is ignored under the admin's."""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kubechat import paths, system_config
from kubechat.safety import sidecar
from kubechat.safety.policy import build_input, decide, load_settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).parents[2]
ALLOW_ALL = (
    'package kubectl_chat\n\ndecision := {"allow": true, "confirm": "none", "reasons": ["allow-all"]}\n'
)


@pytest.fixture(scope="module")
def opa_bin() -> str:
    opa = paths.testbin_dir() / "opa"
    if not opa.is_file():
        pytest.fail(f"the opa binary is missing at {opa} (tools/testbin/build.sh opa)")
    return str(opa)


def _keypair(d: Path, name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private, public = d / f"{name}.pem", d / f"{name}.pub.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    return {"admin": _keypair(d, "admin"), "other": _keypair(d, "other")}


@pytest.fixture(scope="module")
def policy_src(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "policies"
    shutil.copytree(REPO / "policies", src, ignore=shutil.ignore_patterns("*_test.rego", "README.md"))
    return src


def _build(opa_bin, src: Path, out: Path, revision: str, signing_key: Path | None = None) -> Path:
    argv = [opa_bin, "build", "--bundle", str(src), "--revision", revision, "-o", str(out)]
    if signing_key:
        argv += ["--signing-key", str(signing_key)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def admin(tmp_path, monkeypatch, opa_bin):
    """Writes the system config (via the test override: no /etc/kubectl-chat here)."""
    monkeypatch.setattr(system_config, "SYSTEM_CONFIG", tmp_path / "etc-absent" / "config.yaml")
    cfg = tmp_path / "system.yaml"
    monkeypatch.setenv(system_config.OVERRIDE_ENV, str(cfg))

    def write(**policy):
        cfg.write_text(json.dumps({"policy": {"opa_binary": opa_bin, **policy}}))
        os.chmod(cfg, 0o644)

    yield write
    sidecar.stop()


def _delete(mode="write"):
    return decide(build_input(["delete", "pod", "web-1", "-n", "dev"], user="alice", mode=mode))


def test_signed_bundle_is_verified_and_named_in_decisions(admin, keys, policy_src, tmp_path, opa_bin):
    private, public = keys["admin"]
    bundle = _build(opa_bin, policy_src, tmp_path / "b.tar.gz", "rev-1", private)
    admin(bundle=str(bundle), verification_key=str(public))
    d = _delete()
    assert d.available and d.allow and d.confirm == "typed" and d.confirm_phrase == "web-1"
    assert d.bundle_revision == "rev-1"
    assert d.bundle_digest == "sha256:" + hashlib.sha256(bundle.read_bytes()).hexdigest()
    state = sidecar.running()
    assert "--verification-key" in state.argv and "--watch" not in state.argv

    # A new signed bundle at the same path: the next decision comes from it, not the old one.
    _build(opa_bin, policy_src, bundle, "rev-2", private)
    d = _delete()
    assert d.bundle_revision == "rev-2" and sidecar.running().pid != state.pid


@pytest.mark.parametrize("signer", [None, "other"])
def test_unsigned_or_wrongly_signed_bundle_gives_no_decision(
    admin, keys, policy_src, tmp_path, opa_bin, signer
):
    bundle = _build(opa_bin, policy_src, tmp_path / "b.tar.gz", "rev-x", keys[signer][0] if signer else None)
    admin(bundle=str(bundle), verification_key=str(keys["admin"][1]))
    d = _delete()
    assert not d.allow and not d.available and "did not start" in d.reasons[0]
    assert ("missing .signatures.json" if signer is None else "verify") in d.reasons[0]
    read = decide(build_input(["get", "pods"], mode="write"))
    assert not read.allow  # nothing runs without a decision
    assert sidecar.running() is None


def test_users_allow_all_policy_and_opa_are_ignored_under_the_admin_policy(
    admin, keys, policy_src, tmp_path, opa_bin, monkeypatch
):
    private, public = keys["admin"]
    bundle = _build(opa_bin, policy_src, tmp_path / "b.tar.gz", "rev-1", private)
    admin(bundle=str(bundle), verification_key=str(public), max_mode="read-only")
    evil = tmp_path / "allow-all"
    evil.mkdir()
    (evil / "decision.rego").write_text(ALLOW_ALL)
    monkeypatch.setenv("KUBECHAT_POLICIES", str(evil))
    monkeypatch.setenv("KUBECHAT_OPA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("KUBECHAT_ON_POLICY_UNAVAILABLE", "allow-reads")
    cfg = paths.config_dir()
    cfg.mkdir(parents=True)
    (cfg / "config.yaml").write_text(
        f"mode: write\npolicy:\n  bundle: {evil}\n  opa_url: http://127.0.0.1:9\n"
    )

    assert load_settings().opa_url is None
    d = decide(build_input(["scale", "deploy/web", "--replicas=3", "-n", "dev"], mode="write"))
    assert d.available and not d.allow and d.bundle_revision == "rev-1"
    assert any("max_mode: read-only" in r for r in d.reasons)
    assert sidecar.running().policies == str(bundle.resolve())


def test_users_own_allow_all_policy_still_asks_typed_confirmation(opa_bin, tmp_path, monkeypatch):
    """Without an administrator, a user may run any policy, but not skip the destructive floor."""
    evil = tmp_path / "allow-all"
    evil.mkdir()
    (evil / "decision.rego").write_text(ALLOW_ALL)
    monkeypatch.setenv("KUBECHAT_OPA", opa_bin)
    monkeypatch.setenv("KUBECHAT_POLICIES", str(evil))
    try:
        d = _delete()
    finally:
        sidecar.stop()
    assert d.allow and d.confirm == "typed" and d.confirm_phrase == "web-1"
    assert d.bundle_digest == sidecar.bundle_digest(evil)


def test_policy_explain_and_status_show_the_admin_bundle(admin, keys, policy_src, tmp_path, opa_bin):
    from click.testing import CliRunner

    from kubechat.cli import cli

    private, public = keys["admin"]
    bundle = _build(opa_bin, policy_src, tmp_path / "b.tar.gz", "rev-7", private)
    admin(bundle=str(bundle), verification_key=str(public))
    runner = CliRunner()
    out = runner.invoke(
        cli, ["policy", "explain", "--write", "--for-user", "alice", "--", "delete", "pod", "web-1"]
    )
    assert out.exit_code == 0, out.output
    assert "bundle:   revision rev-7, digest sha256:" in out.stdout
    out = runner.invoke(cli, ["policy", "status"])
    assert out.exit_code == 0, out.output
    assert "enforced by:" in out.stdout and "bundle must be signed" in out.stdout


def test_audit_record_names_the_bundle_that_decided(admin, keys, policy_src, tmp_path, opa_bin):
    """The conversation writes the deciding bundle's revision and digest into its record."""
    from test_conversation import ScriptedUI

    from kubechat.conversation import Conversation, Settings
    from kubechat.kubectl_options import KubectlOptions

    private, public = keys["admin"]
    bundle = _build(opa_bin, policy_src, tmp_path / "b.tar.gz", "rev-9", private)
    admin(bundle=str(bundle), verification_key=str(public))
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:9'}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: c, context: {cluster: k, user: u, namespace: dev}}]\n"
    )
    conv = Conversation(
        KubectlOptions(kubeconfig=str(kubeconfig)), ScriptedUI(), Settings(offline=True, use_model=False)
    )
    conv.handle("delete pod web-1 in dev")
    record = list(conv.trail.spool.records())[-1]
    assert record.policy.decision != "none"
    assert record.policyBundle.revision == "rev-9"
    assert record.policyBundle.digest == "sha256:" + hashlib.sha256(bundle.read_bytes()).hexdigest()
