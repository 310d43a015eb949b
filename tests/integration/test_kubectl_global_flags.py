"""The safety tables against the real kubectl: every global flag kubectl has is sorted into
connection/identity, local output or harmless, and every `debug --profile` is known to add
privileges or not. A kubectl that grows a flag fails here until the flag is classified."""

import re
import subprocess

import pytest

from kubechat import paths
from kubechat.safety import command
from kubechat.safety.policy import build_input
from kubechat.safety.risk import Risk
from kubechat.verbs import exec as exec_verbs

pytestmark = pytest.mark.integration

FLAG = re.compile(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", re.M)


@pytest.fixture(scope="module")
def kubectl() -> str:
    exe = paths.testbin_dir() / "kubectl"
    if not exe.is_file():
        pytest.fail(f"the kubectl binary is missing at {exe} (tools/testbin/build.sh kubectl)")
    return str(exe)


def _help(kubectl: str, *args: str) -> str:
    out = subprocess.run([kubectl, *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_every_global_flag_is_classified(kubectl):
    flags = set(FLAG.findall(_help(kubectl, "options")))
    assert "--server" in flags and "--kuberc" in flags  # the parse found the list
    known = (
        command.CONNECTION_FLAGS
        | command.LOCAL_OUTPUT_FLAGS
        | command.HARMLESS_GLOBAL_VALUE_FLAGS
        | command.HARMLESS_GLOBAL_BOOL_FLAGS
    )
    assert flags - known == set()


def test_every_connection_flag_of_kubectl_is_denied(kubectl):
    flags = set(FLAG.findall(_help(kubectl, "options"))) & command.CONNECTION_FLAGS
    for flag in sorted(flags):
        for argv in (["get", "pods", f"{flag}=x"], ["get", "pods", flag, "x"]):
            inp = build_input(argv)
            assert flag in inp.connection_flags and inp.risk is Risk.DESTRUCTIVE, argv


def test_every_debug_profile_is_known(kubectl):
    text = _help(kubectl, "debug", "--help")
    options = re.search(r"--profile=.*?\n\s*Options are (.*?)\.\n", text, re.S)
    assert options, "kubectl debug --help no longer lists its profiles"
    profiles = set(re.findall(r'"(\w+)"', options.group(1)))
    privileged = {"netadmin", "sysadmin"}
    assert profiles - exec_verbs.UNPRIVILEGED_DEBUG_PROFILES - privileged == set()
    for p in privileged & profiles:
        assert build_input(["debug", "web-1", f"--profile={p}", "--image=busybox"]).risk is Risk.DESTRUCTIVE


def test_kyaml_is_an_output_format_that_prints_secret_data(kubectl, tmp_path):
    # A client-side dry run needs no cluster: it shows what `-o kyaml` prints for a secret.
    kc = tmp_path / "kubeconfig"
    kc.write_text(
        "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n"
        "current-context: c\n"
    )
    argv = ["create", "secret", "generic", "x", "--from-literal=k=hunter2", "--dry-run=client", "-o", "kyaml"]
    out = subprocess.run(
        [kubectl, "--kubeconfig", str(kc), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={"KUBECTL_KYAML": "true", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert "aHVudGVyMg==" in out.stdout  # base64 of the value
    assert "reveals-secrets" in build_input(["get", "secret", "x", "-o", "kyaml"]).effects
