"""Shared fixtures: every test gets its own KUBECHAT_HOME; integration tests share one real
sandbox cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok) for the session."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from kubechat import paths
from kubechat.sandbox import cluster

# CI replays a fixed set of examples (a red build must be reproducible); local runs explore.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Config, state and keys go to a temp dir; the binary and model caches stay shared."""
    home = tmp_path / "kubechat-home"
    monkeypatch.setenv("KUBECHAT_HOME", str(home))
    if "KUBECHAT_CACHE" not in os.environ:
        monkeypatch.setenv("KUBECHAT_CACHE", str(Path.home() / ".cache" / "kubectl-chat"))
    monkeypatch.delenv("KUBECHAT_OPA_URL", raising=False)
    yield home
    # A test (or a CLI it ran) may have started the OPA sidecar under this home: stop it.
    from kubechat.safety import sidecar

    sidecar.stop()


@pytest.fixture
def unreachable_kubeconfig(tmp_path) -> Path:
    """A kubeconfig whose API server refuses connections (port 1 on this machine)."""
    dead = tmp_path / "dead.kubeconfig"
    dead.write_text(
        "apiVersion: v1\nkind: Config\n"
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n'
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"
    )
    return dead


@dataclass
class Sandbox:
    dir: Path
    server: str
    admin_kubeconfig: Path
    limited_kubeconfig: Path
    limited_user: str
    limited_namespace: str
    kubectl: Path
    tokens: dict[str, str]
    token_kubeconfigs: dict[str, Path]


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Sandbox:
    """A real cluster, up once per test session and down at the end."""
    try:
        bins = cluster.find_binaries()
    except Exception as exc:  # the message names the build command
        pytest.fail(f"sandbox binaries missing: {exc}")
    d = tmp_path_factory.mktemp("sandbox")
    state = cluster.up(d)
    try:
        yield Sandbox(
            dir=d,
            server=state.server,
            admin_kubeconfig=Path(state.admin_kubeconfig),
            limited_kubeconfig=Path(state.limited_kubeconfig),
            limited_user=state.limited_user,
            limited_namespace=state.limited_namespace,
            kubectl=bins["kubectl"],
            tokens=dict(state.tokens),
            token_kubeconfigs={u: Path(p) for u, p in state.token_kubeconfigs.items()},
        )
    finally:
        cluster.down(d)


@pytest.fixture
def sandbox_chat_env(sandbox, isolated_home) -> dict[str, str]:
    """What `kubectl chat` runs with against the sandbox: its binaries first on PATH, the admin
    kubeconfig, this test's own home."""
    return {
        **os.environ,
        "PATH": f"{paths.testbin_dir()}:{os.environ['PATH']}",
        "KUBECONFIG": str(sandbox.admin_kubeconfig),
        "KUBECHAT_HOME": str(isolated_home),
    }


@pytest.fixture(scope="session")
def real_node(sandbox) -> str:
    """The sandbox's real node (kubelet + containerd), started on first use only: it costs a few
    seconds and steady CPU that the kwok-only tests have no use for. Its name is returned."""
    from kubechat.sandbox import real_node as node

    if node.containerd_missing():
        pytest.skip("containerd is not installed (scripts/install-system-deps.sh installs it)")
    state = cluster.add_real_node(sandbox.dir)
    if not state.real_node:
        pytest.fail(state.real_node_note)
    return state.real_node


@pytest.fixture(scope="session")
def testbin() -> Path:
    return paths.testbin_dir()
