"""The air-gap bundle end to end: build it, carry the tarball to a fresh directory, install it
with the network off into an empty HOME, then use the plugin, the model and OPA offline.
Any changed byte makes the installer refuse before it installs anything."""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kubechat import __version__

from .dist_support import bare_env, build_bundle, kubectl_dir, offline

pytestmark = pytest.mark.e2e
MODEL = "gemma-3-270m-q4_k_m.gguf"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_bundle(tmp_path_factory.mktemp("airgap-build"))


@pytest.fixture(scope="module")
def usb(bundle, tmp_path_factory):
    """The tarball unpacked somewhere else, as it would be from a USB stick."""
    media = tmp_path_factory.mktemp("usb")
    subprocess.run(["tar", "-xf", str(bundle.tarball), "-C", str(media)], check=True)
    (top,) = media.iterdir()
    return top


def _install(bundle_dir, home, *args):
    home.mkdir(exist_ok=True)
    return offline(["sh", str(bundle_dir / "install.sh"), *args], bare_env(home), cwd=home)


@pytest.fixture(scope="module")
def installed(usb, bundle, tmp_path_factory):
    home = tmp_path_factory.mktemp("user") / "home"
    proc = _install(usb, home, "--fingerprint", bundle.fingerprint)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home, proc.stdout


def _user_env(home, tmp):
    return bare_env(home, home / ".krew" / "bin", home / ".local" / "bin", kubectl_dir(tmp))


def test_bundle_has_every_part_and_a_readme_with_the_fingerprint(bundle):
    files = {p.relative_to(bundle.dir).as_posix() for p in bundle.dir.rglob("*") if p.is_file()}
    for expected in (
        "install.sh",
        "SHA256SUMS",
        "SHA256SUMS.sig",
        "signing-key.pub.pem",
        f"plugin/kubectl-chat_v{__version__}_linux_amd64.tar.gz",
        "plugin/chat.yaml",
        "bin/krew",
        "bin/opa",
        f"models/{MODEL}",
        "policies/policies.tar.gz",
        "helm/kubectl-chat-collector-0.1.0.tgz",
    ):
        assert expected in files
    assert bundle.fingerprint in (bundle.dir / "README.md").read_text()
    listed = {line.split("  ", 1)[1] for line in (bundle.dir / "SHA256SUMS").read_text().splitlines()}
    assert listed == files - {"SHA256SUMS", "SHA256SUMS.sig"}


def test_installer_reports_what_it_installed(installed):
    home, out = installed
    assert "signature OK" in out and "fingerprint matches" in out
    assert (home / ".krew" / "receipts" / "chat.yaml").is_file()
    for line in ("kubectl-krew", "opa", "kubectl chat plugin", MODEL, "policies.tar.gz"):
        assert any(line in o and o.startswith("installed") for o in out.splitlines()), line


def test_plugin_runs_offline_through_kubectl(installed, tmp_path):
    home, _ = installed
    proc = offline(["kubectl", "chat", "--version"], _user_env(home, tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"kubectl chat {__version__}"


def test_bundled_model_is_installed_verified_and_used_for_translation(installed, tmp_path):
    home, _ = installed
    env = _user_env(home, tmp_path)
    verify = offline(["kubectl", "chat", "model", "verify", "--quiet"], env)
    assert verify.returncode == 0, verify.stderr
    assert str(home / ".cache" / "kubectl-chat" / "models" / MODEL) in verify.stdout
    model = home / ".cache" / "kubectl-chat" / "models" / MODEL
    # A request the rule parser cannot settle goes to the model, loaded by the frozen build's
    # llama.cpp: no "model unavailable" warning, and the answer is a read or a question.
    requests = ["gimme svc checkout", "zorp the frobnicator"]
    proc = offline(
        ["kubectl", "chat", "translate", "--offline", "--jsonl", "--model", str(model)],
        env,
        stdin="".join(f"{r}\n" for r in requests),
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "model unavailable" not in proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["input"] for x in lines] == requests
    assert lines[0]["argv"] == ["get", "services", "checkout"]
    assert lines[1]["argv"] is None or lines[1]["risk"] == "read", lines[1]


def test_policy_decision_comes_from_the_bundled_opa_and_policies_offline(installed, tmp_path):
    home, _ = installed
    policies = home / ".local" / "share" / "kubectl-chat" / "policies.tar.gz"
    env = {**_user_env(home, tmp_path), "KUBECHAT_POLICIES": str(policies)}
    # One network namespace for the whole exchange: the plugin starts OPA on loopback, asks it
    # twice, and stops it again.
    script = (
        # explain exits 1 on a denial: record it and go on
        "kubectl chat policy explain --for-user alice -o json -- delete namespace prod > deny.json;"
        " echo $? > deny.rc"
        " && kubectl chat policy explain --for-user alice -o json -- get pods -n dev > allow.json"
        " && kubectl chat policy status > status.txt; kubectl chat policy stop"
    )
    proc = offline(["sh", "-c", script], env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "deny.rc").read_text().strip() == "1"
    deny = json.loads((tmp_path / "deny.json").read_text())["decision"]
    allow = json.loads((tmp_path / "allow.json").read_text())["decision"]
    assert deny["allow"] is False and deny["reasons"]
    assert allow["allow"] is True
    status = (tmp_path / "status.txt").read_text()
    assert str(home / ".local" / "bin" / "opa") in status and str(policies) in status


def test_running_the_installer_again_changes_nothing(installed, usb):
    home, _ = installed
    proc = _install(usb, home)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert not [o for o in out if o.startswith("installed  ")], out
    assert sum(o.startswith("unchanged") for o in out) == 5  # krew, opa, plugin, model, policies


def test_a_different_installed_version_is_replaced_through_krew(installed, usb, tmp_path):
    home, _ = installed
    receipt = home / ".krew" / "receipts" / "chat.yaml"
    text = receipt.read_text()
    sha = re.search(r"sha256: ([0-9a-f]{64})", text).group(1)
    receipt.write_text(text.replace(sha, "0" * 64))  # as if an older release were installed
    proc = _install(usb, home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(o.startswith("installed  kubectl chat plugin") for o in proc.stdout.splitlines())
    assert sha in receipt.read_text()
    version = offline(["kubectl", "chat", "--version"], _user_env(home, tmp_path))
    assert version.stdout.strip() == f"kubectl chat {__version__}"


def _flip(path, offset=None):
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.unlink()  # the copy is hard-linked: replace, never write through
    path.write_bytes(bytes(data))


def _tampered_copy(bundle, tmp_path):
    copy = tmp_path / "bundle"
    subprocess.run(["cp", "-al", str(bundle.dir), str(copy)], check=True)
    return copy


@pytest.mark.parametrize(
    "target",
    [
        f"models/{MODEL}",
        f"plugin/kubectl-chat_v{__version__}_linux_amd64.tar.gz",
        "plugin/chat.yaml",
        "bin/opa",
        "bin/krew",
        "policies/policies.tar.gz",
        "README.md",
        "SHA256SUMS",
        "SHA256SUMS.sig",
        "signing-key.pub.pem",
        "install.sh",
    ],
)
def test_one_flipped_byte_anywhere_is_refused_and_nothing_installed(bundle, tmp_path, target):
    copy = _tampered_copy(bundle, tmp_path)
    if target == "install.sh":
        _flip(copy / target, offset=(copy / target).read_bytes().index(b"kubectl chat offline"))
    else:
        _flip(copy / target)
    home = tmp_path / "home"
    proc = _install(copy, home)
    assert proc.returncode != 0
    assert "nothing was installed" in proc.stderr
    assert list(home.iterdir()) == []


def test_an_extra_unsigned_file_is_refused(bundle, tmp_path):
    copy = _tampered_copy(bundle, tmp_path)
    (copy / "bin" / "kubectl").write_bytes(b"#!/bin/sh\n")
    home = tmp_path / "home"
    proc = _install(copy, home)
    assert proc.returncode != 0 and "does not list" in proc.stderr
    assert list(home.iterdir()) == []


def test_a_bundle_signed_by_another_key_is_refused_when_the_fingerprint_is_pinned(bundle, tmp_path):
    copy = _tampered_copy(bundle, tmp_path)
    # Re-sign everything consistently with an attacker's key: only the fingerprint catches it.
    for name in ("signing-key.pub.pem", "SHA256SUMS.sig"):
        (copy / name).unlink()
    key = tmp_path / "attacker.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(key)], check=True)
    subprocess.run(
        ["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(copy / "signing-key.pub.pem")], check=True
    )
    sums = copy / "SHA256SUMS"
    lines = [ln for ln in sums.read_text().splitlines() if not ln.endswith("signing-key.pub.pem")]
    digest = subprocess.run(
        ["sha256sum", "signing-key.pub.pem"], cwd=copy, capture_output=True, text=True, check=True
    ).stdout
    sums.unlink()
    sums.write_text("\n".join(sorted([*lines, digest.strip()], key=lambda x: x.split("  ")[1])) + "\n")
    subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-sign",
            "-inkey",
            str(key),
            "-rawin",
            "-in",
            str(sums),
            "-out",
            str(copy / "SHA256SUMS.sig"),
        ],
        check=True,
    )
    home = tmp_path / "home"
    unpinned = _install(copy, tmp_path / "probe", "--verify-only")
    assert unpinned.returncode == 0, unpinned.stderr  # self-consistent, so only the pin can tell
    proc = _install(copy, home, "--fingerprint", bundle.fingerprint)
    assert proc.returncode != 0 and "not by the expected" in proc.stderr
    assert list(home.iterdir()) == []


def test_system_wide_install_is_usable_by_another_user(bundle, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("--system needs root")
    # A world-traversable prefix (pytest's tmp dirs are private to root).
    prefix = Path(tempfile.mkdtemp(prefix="kubechat-system-"))
    os.chmod(prefix, 0o755)
    try:
        proc = _install(bundle.dir, tmp_path / "root-home", "--system", "--prefix", str(prefix))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert (prefix / "share" / "kubectl-chat" / "models" / MODEL).is_file()
        nobody_home = tmp_path / "nobody"
        nobody_home.mkdir()
        os.chmod(nobody_home, 0o777)
        os.chmod(tmp_path, 0o755)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        version = offline(
            [*as_nobody, str(prefix / "bin" / "kubectl-chat"), "--version"], bare_env(nobody_home)
        )
        assert version.returncode == 0, version.stderr
        assert version.stdout.strip() == f"kubectl chat {__version__}"
    finally:
        shutil.rmtree(prefix)
