"""`make image` builds the collector's OCI archive with no registry; loaded into the sandbox's real
node it serves HTTPS as the chart runs it: as user 65532, on a read-only root filesystem, with no
shell in the image."""

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization

from kubechat import __version__
from kubechat.ports import free_port
from kubechat.sandbox import real_node as node

from .dist_support import IMAGE_REF as REF
from .dist_support import build_dist, build_image

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "kubectl-chat"
NAMESPACE = "dev"


@pytest.fixture(scope="module")
def image_archive() -> Path:
    return build_image()


def _image_parts(archive: Path) -> tuple[dict, list[tarfile.TarInfo]]:
    with tarfile.open(archive) as tar:
        index = json.load(tar.extractfile("index.json"))
        blob = lambda digest: tar.extractfile("blobs/sha256/" + digest.split(":")[1]).read()  # noqa: E731
        manifest = json.loads(blob(index["manifests"][0]["digest"]))
        config = json.loads(blob(manifest["config"]["digest"]))
        (layer,) = manifest["layers"]
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(blob(layer["digest"])))) as lt:
            return config, lt.getmembers()


def test_the_image_runs_as_non_root_with_no_shell(image_archive):
    config, members = _image_parts(image_archive)
    assert config["config"]["User"] == "65532:65532"
    assert config["config"]["Entrypoint"] == ["/app/bin/kubectl-chat"]
    names = {m.name for m in members}
    assert not {"bin/sh", "bin/bash", "usr/bin/sh", "bin/busybox"} & names
    assert "app/site-packages/kubechat/collector/service.py" in names
    assert not any(n.startswith("app/site-packages/llama_cpp/") for n in names)  # no model runtime
    assert any(n.endswith(".pyc") for n in names)  # compiled ahead: nothing writes at run time


def _kubectl(sandbox, *args, input_text=None, check=True):
    out = subprocess.run(
        [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), *args],
        input=input_text,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not check or out.returncode == 0, out.stderr
    return out


def _pod(secret: str) -> dict:
    keys = "/etc/collector/keys"
    pod = node.pod_manifest("collector-image", NAMESPACE)
    spec = pod["spec"]
    spec["securityContext"] = {"runAsNonRoot": True, "runAsUser": 65532, "fsGroup": 65532}
    (container,) = spec["containers"]
    container.update(
        name="collector",
        image=REF,
        command=None,
        args=[
            "collector",
            "serve",
            "--store=sqlite:////var/lib/collector/audit.db",
            "--listen=0.0.0.0:8443",
            f"--tls-cert={keys}/tls.crt",
            f"--tls-key={keys}/tls.key",
            f"--key-file={keys}/records.key",
            f"--signing-key={keys}/checkpoint-signing.pem",
        ],
        ports=[{"containerPort": 8443, "name": "https"}],
        readinessProbe={"httpGet": {"path": "/healthz", "port": 8443, "scheme": "HTTPS"}, "periodSeconds": 2},
        volumeMounts=[
            {"name": "data", "mountPath": "/var/lib/collector"},
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "keys", "mountPath": keys, "readOnly": True},
        ],
    )
    container.pop("command")
    spec["volumes"] = [
        {"name": "data", "emptyDir": {}},
        {"name": "tmp", "emptyDir": {}},
        {"name": "keys", "secret": {"secretName": secret, "defaultMode": 0o400}},
    ]
    return pod


def _container_pid(sandbox) -> int:
    lay = node.layout(sandbox.dir)
    ctr = ["ctr", "--address", str(lay.socket), "--namespace", "k8s.io"]
    tasks = subprocess.run([*ctr, "tasks", "ls"], capture_output=True, text=True, check=True).stdout
    containers = subprocess.run([*ctr, "containers", "ls"], capture_output=True, text=True, check=True).stdout
    ours = {ln.split()[0] for ln in containers.splitlines() if REF in ln}
    return next(int(ln.split()[1]) for ln in tasks.splitlines()[1:] if ln.split()[0] in ours)


def test_the_image_serves_https_on_the_real_node(
    sandbox, real_node, image_archive, tmp_path, sandbox_chat_env
):
    loaded = subprocess.run(
        [str(EXE), "sandbox", "load-image", "--dir", str(sandbox.dir), str(image_archive)],
        capture_output=True,
        text=True,
        env=sandbox_chat_env,
        timeout=300,
    )
    assert loaded.returncode == 0 and f"loaded {REF} into {real_node}" in loaded.stdout, loaded.stderr
    keys = tmp_path / "keys"
    init = subprocess.run(
        [str(EXE), "collector", "init-keys", "--dir", str(keys), "--tls-host", "localhost"],
        capture_output=True,
        text=True,
        env=sandbox_chat_env,
    )
    assert init.returncode == 0, init.stderr
    _kubectl(
        sandbox, "create", "secret", "generic", "collector-image-keys", "-n", NAMESPACE, f"--from-file={keys}"
    )
    _kubectl(sandbox, "apply", "-f", "-", input_text=json.dumps(_pod("collector-image-keys")))
    try:
        waited = _kubectl(
            sandbox,
            "wait",
            "--for=condition=Ready",
            "pod/collector-image",
            "-n",
            NAMESPACE,
            "--timeout=120s",
            check=False,
        )
        logs = _kubectl(sandbox, "logs", "collector-image", "-n", NAMESPACE, check=False).stdout
        assert waited.returncode == 0, logs  # the kubelet's HTTPS readiness probe passed
        assert "collector listening on https://0.0.0.0:8443" in logs
        pid = _container_pid(sandbox)
        status = Path(f"/proc/{pid}/status").read_text()
        assert next(ln for ln in status.splitlines() if ln.startswith("Uid:")).split()[1:] == ["65532"] * 4
        root = next(
            ln for ln in Path(f"/proc/{pid}/mountinfo").read_text().splitlines() if ln.split()[4] == "/"
        )
        assert "ro" in root.split()[5].split(",")  # the root filesystem is mounted read-only
        port = free_port()
        forward = subprocess.Popen(
            [
                str(sandbox.kubectl),
                "--kubeconfig",
                str(sandbox.admin_kubeconfig),
                "port-forward",
                "pod/collector-image",
                f"{port}:8443",
                "-n",
                NAMESPACE,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            answer, deadline = None, time.monotonic() + 30
            while answer is None and time.monotonic() < deadline:
                try:
                    answer = requests.get(
                        f"https://localhost:{port}/healthz", verify=str(keys / "tls.crt"), timeout=3
                    )
                except requests.ConnectionError:
                    time.sleep(0.3)
            assert answer is not None and answer.status_code == 200
        finally:
            forward.terminate()
            forward.wait(timeout=15)
    finally:
        _kubectl(sandbox, "delete", "pod", "collector-image", "-n", NAMESPACE, "--wait=false", check=False)
        _kubectl(sandbox, "delete", "secret", "collector-image-keys", "-n", NAMESPACE, check=False)


def test_the_air_gap_bundle_carries_the_image_signed_with_the_rest(tmp_path, image_archive):
    dist = build_dist()
    staged = tmp_path / "dist"
    staged.mkdir()
    for f in (dist.archive, dist.manifest):
        (staged / f.name).symlink_to(f)
    name = f"kubectl-chat-collector_v{__version__}_linux_amd64.oci.tar"
    (staged / name).symlink_to(image_archive)
    env = {**os.environ, "KUBECHAT_HOME": str(tmp_path / "signer-home")}
    env.pop("KUBECHAT_BUNDLE_SIGNING_KEY", None)
    out = tmp_path / "airgap"
    built = subprocess.run(
        [sys.executable, "airgap-bundle/build.py", "--dist", str(staged), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    carried = out / "images" / name
    assert carried.read_bytes() == image_archive.read_bytes()
    sums = (out / "SHA256SUMS").read_text()
    assert f"{hashlib.sha256(carried.read_bytes()).hexdigest()}  images/{name}\n" in sums
    public = serialization.load_pem_public_key((out / "signing-key.pub.pem").read_bytes())
    public.verify((out / "SHA256SUMS.sig").read_bytes(), sums.encode())  # raises when it does not match
    readme = (out / "README.md").read_text()
    assert f"images/{name}" in readme and "skopeo copy oci-archive:" in readme
    assert "ctr -n k8s.io images import" in (out / "install.sh").read_text()
