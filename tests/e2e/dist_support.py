"""Shared by the krew and air-gap e2e tests: build the frozen archive and the bundle once per
test session (the builds themselves are cached across sessions), and run things offline."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kubechat import __version__, paths

REPO = Path(__file__).resolve().parents[2]
PY = Path(sys.executable)
ARCHIVE_NAME = f"kubectl-chat_v{__version__}_linux_amd64.tar.gz"
IMAGE_ARCHIVE = REPO / "dist" / f"kubectl-chat-collector_v{__version__}_linux_amd64.oci.tar"
IMAGE_REF = f"registry.local/kubectl-chat:{__version__}"  # what the chart's values name


def tool(name: str) -> Path:
    """A Go-built binary from the test cache (kubectl, krew, opa, …)."""
    path = paths.testbin_dir() / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: build it with `make testbin`")
    return path


@dataclass(frozen=True)
class Dist:
    archive: Path
    manifest: Path


@dataclass(frozen=True)
class Bundle:
    dir: Path
    tarball: Path
    fingerprint: str


def _run(cmd: list[str], env: dict | None = None, timeout: int = 900) -> str:
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


@functools.cache
def build_dist() -> Dist:
    """`make dist` without the venv step: PyInstaller runs only when sources changed."""
    _run(["scripts/build-dist.sh"], env={**os.environ, "PY": str(PY)})
    return Dist(REPO / "dist" / ARCHIVE_NAME, REPO / "dist" / "chat.yaml")


@functools.cache
def build_image() -> Path:
    """dist/'s collector image archive (`make image`), built again only when the package or the
    build script is newer than it (the build takes minutes)."""
    inputs = [*(REPO / "kubectl-chat" / "kubechat").rglob("*.py"), REPO / "packaging" / "collector_image.py"]
    if IMAGE_ARCHIVE.exists() and IMAGE_ARCHIVE.stat().st_mtime > max(p.stat().st_mtime for p in inputs):
        return IMAGE_ARCHIVE
    out = _run([str(PY), "packaging/collector_image.py", "--out", str(IMAGE_ARCHIVE)])
    assert IMAGE_REF in out, out
    return IMAGE_ARCHIVE


@functools.cache
def build_bundle(workdir: Path) -> Bundle:
    """The air-gap bundle, signed with a key made for this test session."""
    build_dist()
    tool("krew"), tool("opa")
    # A fresh home for the signing key; the model comes from the shared cache (`make model`).
    cache = os.environ.get("KUBECHAT_CACHE") or str(Path.home() / ".cache" / "kubectl-chat")
    env = {**os.environ, "KUBECHAT_HOME": str(workdir / "signer-home"), "KUBECHAT_CACHE": cache}
    env.pop("KUBECHAT_BUNDLE_SIGNING_KEY", None)
    out = _run([str(PY), "airgap-bundle/build.py", "--out", str(workdir / "airgap")], env=env)
    fp = re.search(r"fingerprint (SHA256:[0-9a-f]{64})", out)
    assert fp, out
    tarball = workdir / f"kubectl-chat-airgap_v{__version__}_linux_amd64.tar"
    return Bundle(workdir / "airgap", tarball, fp.group(1))


def bare_env(home: Path, *extra_path: Path) -> dict[str, str]:
    """A login-like environment: a fresh HOME, system PATH, none of the project's variables."""
    path = ":".join(
        [*(str(p) for p in extra_path), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    )
    return {"HOME": str(home), "PATH": path, "LANG": "C.UTF-8", "TERM": "dumb"}


def offline(args: list[str], env: dict, cwd: Path | None = None, stdin: str | None = None, timeout=300):
    """Run with networking off: a new network namespace that has only loopback."""
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to run installs with the network off")
    cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "offline", *args]
    return subprocess.run(cmd, env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout)


def kubectl_dir(tmp: Path) -> Path:
    """A directory holding only kubectl, for PATH (kubectl finds plugins on PATH)."""
    d = tmp / "kubectl-bin"
    d.mkdir(exist_ok=True)
    link = d / "kubectl"
    if not link.exists():
        link.symlink_to(tool("kubectl"))
    return d
