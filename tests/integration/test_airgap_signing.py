"""The bundle builder's signing and checksums agree with the tools a bare machine has:
`openssl pkeyutl -verify -rawin` for the Ed25519 signature, `sha256sum -c` for the sums."""

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
BUILD = Path(__file__).resolve().parents[2] / "airgap-bundle" / "build.py"


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("airgap_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "tool").write_bytes(os.urandom(5000))
    (tmp_path / "README.md").write_text("hello\n")
    return tmp_path


def test_signature_verifies_with_openssl_and_fails_after_one_changed_byte(builder, tree):
    key, source = builder.signing_key()
    assert Path(source).stat().st_mode & 0o077 == 0  # the generated private key is 0600
    sums = builder.checksums(tree)
    (tree / "SHA256SUMS").write_bytes(sums)
    (tree / "SHA256SUMS.sig").write_bytes(key.sign(sums))
    (tree / "pub.pem").write_bytes(builder.public_pem(key))
    verify = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin"]
    verify += ["-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig"]
    assert subprocess.run(verify, cwd=tree, capture_output=True).returncode == 0
    assert (
        subprocess.run(
            ["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=tree, capture_output=True
        ).returncode
        == 0
    )
    (tree / "SHA256SUMS").write_bytes(sums.replace(b"bin/tool", b"bin/tooL"))
    assert subprocess.run(verify, cwd=tree, capture_output=True).returncode != 0


def test_fingerprint_is_what_openssl_and_sha256sum_print(builder, tree):
    key, _ = builder.signing_key()
    (tree / "pub.pem").write_bytes(builder.public_pem(key))
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER"],
        cwd=tree,
        capture_output=True,
        check=True,
    ).stdout
    digest = subprocess.run(["sha256sum"], input=der, capture_output=True, check=True).stdout.split()[0]
    assert builder.fingerprint(key) == "SHA256:" + digest.decode()


def test_signing_key_from_the_environment_is_used_as_is(builder, tmp_path, monkeypatch):
    pem = tmp_path / "release.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(pem)], check=True)
    monkeypatch.setenv("KUBECHAT_BUNDLE_SIGNING_KEY", str(pem))
    key, source = builder.signing_key()
    assert source == str(pem)
    pub = subprocess.run(
        ["openssl", "pkey", "-in", str(pem), "-pubout"], capture_output=True, check=True
    ).stdout
    assert builder.public_pem(key) == pub


def test_split_parts_join_back_to_the_same_tarball(builder, tmp_path):
    tar = tmp_path / "bundle.tar"
    tar.write_bytes(os.urandom(250_000))
    builder.split(tar, "100K")
    parts = sorted((tmp_path / "bundle.parts").glob("bundle.tar.part-*"))
    assert len(parts) == 3
    assert b"".join(p.read_bytes() for p in parts) == tar.read_bytes()
    sums = (tmp_path / "bundle.parts" / "PARTS.SHA256SUMS").read_text()
    assert all(p.name in sums for p in parts) and "bundle.tar" in sums
