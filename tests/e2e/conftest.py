"""End-to-end fixtures: a real terminal running `kubectl chat` through kubectl's plugin lookup."""

import os
import sys
from pathlib import Path

import pytest

from kubechat import paths

from .terminal import Terminal

VENV_BIN = Path(sys.executable).parent


def terminal_env(home: Path, kubeconfig: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": f"{VENV_BIN}:{paths.testbin_dir()}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "KUBECONFIG": str(kubeconfig),
        "KUBECHAT_HOME": str(home),
        "KUBECHAT_CACHE": os.environ.get("KUBECHAT_CACHE", str(Path.home() / ".cache" / "kubectl-chat")),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        **extra,
    }


@pytest.fixture
def terminal(sandbox, isolated_home):
    term = Terminal(terminal_env(isolated_home, sandbox.admin_kubeconfig))
    yield term
    term.close()
