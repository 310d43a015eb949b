"""Loading and asking the embedded model prints nothing: llama.cpp's log lines (from its log
callback or straight from the C library) never reach the user's terminal."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration
pytest.importorskip("llama_cpp")

PROGRAM = """
from kubechat.translate.model import ModelTranslator
m = ModelTranslator.load()
print(m.choose("list pods", ["get pods", "get nodes"]))
"""


def test_loading_and_asking_the_model_writes_nothing_to_stderr():
    out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "get pods"
    assert out.stderr == ""
