"""The krew release: the manifest passes krew's own validation, and real krew installs the
archive offline; kubectl then finds the plugin through its symlink, with no Python present."""

import glob
import hashlib
import http.server
import json
import os
import subprocess
import sys
import tarfile
import threading
from functools import partial

import pytest
import yaml

from kubechat import __version__

from .dist_support import bare_env, build_dist, kubectl_dir, offline, tool

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dist():
    return build_dist()


@pytest.fixture(scope="module")
def krew_root(dist, tmp_path_factory):
    """`krew install --manifest --archive` into a fresh KREW_ROOT with the network off."""
    tmp = tmp_path_factory.mktemp("krew")
    root = tmp / "krew-root"
    env = {**bare_env(tmp / "home"), "KREW_ROOT": str(root)}
    (tmp / "home").mkdir()
    proc = offline(
        [str(tool("krew")), "install", f"--manifest={dist.manifest}", f"--archive={dist.archive}"], env
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def test_manifest_is_complete_and_matches_the_archive(dist):
    m = yaml.safe_load(dist.manifest.read_text())
    assert m["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2"
    assert (m["kind"], m["metadata"]["name"], m["spec"]["version"]) == ("Plugin", "chat", f"v{__version__}")
    assert len(m["spec"]["shortDescription"]) <= 50
    assert all(len(line) <= 80 for line in m["spec"]["description"].splitlines())
    assert "model" in m["spec"]["caveats"]
    (platform,) = m["spec"]["platforms"]
    assert platform["selector"]["matchLabels"] == {"os": "linux", "arch": "amd64"}
    assert platform["sha256"] == hashlib.sha256(dist.archive.read_bytes()).hexdigest()
    assert platform["uri"].endswith(dist.archive.name)
    assert platform["bin"] == "kubectl-chat"
    with tarfile.open(dist.archive) as tar:
        names = set(tar.getnames())
    for f in platform["files"]:
        assert f["from"] in names, f"{f['from']} is not in the archive"
    assert "LICENSE" in names and "kubectl-chat" in names
    # The model never goes into the plugin archive.
    assert not any(n.endswith(".gguf") or "gemma3_270m" in n for n in names)


def test_krews_validator_accepts_the_manifest(dist, tmp_path):
    """validate-krew-manifest installs the manifest with `kubectl krew`, downloading the uri;
    a local HTTP server stands in for the release page."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(dist.archive.parent))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        m = yaml.safe_load(dist.manifest.read_text())
        m["spec"]["platforms"][0]["uri"] = f"http://127.0.0.1:{httpd.server_address[1]}/{dist.archive.name}"
        manifest = tmp_path / "chat.yaml"  # the validator wants <name>.yaml
        manifest.write_text(yaml.safe_dump(m, sort_keys=False))
        bins = kubectl_dir(tmp_path)
        (bins / "kubectl-krew").symlink_to(tool("krew"))
        proc = subprocess.run(
            [str(tool("validate-krew-manifest")), "-manifest", str(manifest)],
            env=bare_env(tmp_path, bins),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        httpd.shutdown()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "installed fine" in proc.stdout + proc.stderr


def test_kubectl_finds_the_plugin_through_krews_symlink(krew_root, tmp_path):
    link = krew_root / "bin" / "kubectl-chat"
    assert link.is_symlink()
    env = bare_env(tmp_path, krew_root / "bin", kubectl_dir(tmp_path))
    proc = offline(["kubectl", "chat", "--version"], env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"kubectl chat {__version__}"
    plugins = offline(["kubectl", "plugin", "list"], env)
    assert str(link) in plugins.stdout


def test_translation_runs_from_the_krew_install_with_no_python_on_the_machine(krew_root, tmp_path):
    """Every Python installation is hidden behind an empty tmpfs (a private mount namespace),
    so the frozen build can rely only on what it carries."""
    hide = glob.glob("/usr/lib/python3*") + glob.glob("/usr/local/lib/python3*")
    hide += [p for p in (os.path.expanduser("~/.pyenv"), sys.prefix) if os.path.isdir(p)]
    mounts = " && ".join(f"mount -t tmpfs none {p}" for p in hide) or "true"
    script = f'{mounts} && if python3 -c 1 2>/dev/null; then echo python visible >&2; exit 99; fi; exec "$@"'
    proc = subprocess.run(
        ["unshare", "-m", "-n", "sh", "-c", script, "nopython"]
        + ["kubectl", "chat", "translate", "--offline", "--jsonl"],
        env=bare_env(tmp_path, krew_root / "bin", kubectl_dir(tmp_path)),
        input="scale web in prod to 3\nlist pods in staging\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0]["argv"] == ["scale", "deployment", "web", "-n", "prod", "--replicas=3"]
    assert lines[1]["argv"] == ["get", "pods", "-n", "staging"]


def test_every_command_loads_in_the_frozen_build(krew_root, tmp_path):
    """Commands are imported by name at run time; each must find all it imports in the archive."""
    exe = str(krew_root / "bin" / "kubectl-chat")
    env = bare_env(tmp_path)
    listing = subprocess.run([exe, "--help"], env=env, capture_output=True, text=True, timeout=60).stdout
    section = listing.split("Commands:\n")[1].split("\n\n")[0]
    commands = [line.split()[0] for line in section.splitlines()]
    assert {"model", "translate", "policy", "audit"} <= set(commands)
    for name in [*commands, "ask"]:
        proc = subprocess.run([exe, name, "--help"], env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and "Usage" in proc.stdout, f"{name}: {proc.stderr}"
