"""The trained adapter's registry entry: written without disturbing the model entries, and the
committed adapter file matches the sha256 the registry gives it."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kubechat.models.registry import load_registry  # noqa: E402
from training import register_adapter  # noqa: E402

RECIPE = {
    "adapter": "kubectl-test-lora.gguf",
    "sha256": "ab" * 32,
    "size": 123,
    "corpus": {"data_version": "7"},
}


def test_the_adapter_block_leaves_the_models_as_they_are(tmp_path: Path) -> None:
    text = register_adapter.REGISTRY.read_text()
    head = text.split(register_adapter.HEADER.splitlines()[0] + "\n", 1)[0]
    block = register_adapter.adapter_block(RECIPE, "kubectl-test-lora.json", "gemma-3-270m-q4_k_m")
    once = register_adapter.updated(text, block)
    assert once.startswith(head.rstrip("\n"))
    assert register_adapter.updated(once, block) == once  # a second run replaces, never appends
    path = tmp_path / "registry.yaml"
    path.write_text(once)
    assert load_registry(path).get().name == load_registry(register_adapter.REGISTRY).get().name
    (entry,) = yaml.safe_load(once)["adapters"]
    assert entry == {
        "name": "kubectl-test",
        "base": "gemma-3-270m-q4_k_m",
        "file": "kubectl-test-lora.gguf",
        "sha256": "ab" * 32,
        "size": 123,
        "recipe": "kubectl-test-lora.json",
        "corpus_version": "7",
    }


def test_a_committed_adapter_matches_its_registry_digest() -> None:
    adapters = yaml.safe_load(register_adapter.REGISTRY.read_text()).get("adapters") or []
    if not adapters:
        pytest.skip("no adapter registered")
    for entry in adapters:
        path = register_adapter.REGISTRY.parent / entry["file"]
        data = path.read_bytes()
        assert data[:4] == b"GGUF"
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["size"])
        assert (register_adapter.REGISTRY.parent / entry["recipe"]).is_file()
