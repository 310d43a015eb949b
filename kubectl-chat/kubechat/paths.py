"""Where kubectl chat keeps its files. One environment variable, KUBECHAT_HOME, moves them all
(tests point it at a temporary directory); otherwise the XDG base directories are used."""

import os
from pathlib import Path


def _base(xdg_var: str, default: str, sub: str) -> Path:
    home = os.environ.get("KUBECHAT_HOME")
    if home:
        return Path(home) / sub
    root = os.environ.get(xdg_var) or str(Path.home() / default)
    return Path(root) / "kubectl-chat"


def config_dir() -> Path:
    """Keys and config.yaml (kept private: 0700)."""
    return _base("XDG_CONFIG_HOME", ".config", "config")


def state_dir() -> Path:
    """Sessions, the audit spool, the sandbox, the OPA sidecar's pid file."""
    return _base("XDG_STATE_HOME", ".local/state", "state")


def cache_dir() -> Path:
    """Rebuildable things: models, discovery caches, built test binaries."""
    env = os.environ.get("KUBECHAT_CACHE")
    if env:
        return Path(env)
    return _base("XDG_CACHE_HOME", ".cache", "cache")


def testbin_dir() -> Path:
    """The Go-built binaries from tools/testbin/build.sh."""
    env = os.environ.get("KUBECHAT_TESTBIN")
    if env:
        return Path(env)
    base = os.environ.get("KUBECHAT_CACHE") or str(Path.home() / ".cache" / "kubectl-chat")
    return Path(base) / "testbin"


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def find_binary(name: str, env_var: str) -> str | None:
    """A program we run: $env_var when set, else on PATH, else the project's built binaries."""
    import shutil

    explicit = os.environ.get(env_var)
    if explicit:
        return explicit
    on_path = shutil.which(name)
    if on_path:
        return on_path
    built = testbin_dir() / name
    return str(built) if built.is_file() else None
